import { describe, expect, it } from 'vitest';
import { parseJson, type Frame } from '../src/core/exchange.js';
import { FrameWatch, valuesAt } from '../src/suite/expectations.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import type { Rule } from '../src/core/rule.js';

const rules = new Map<string, Rule>(fastgpt.rules.map((rule) => [rule.id, rule]));
const body = (value: unknown): Frame => {
  const text = JSON.stringify(value);
  return { type: 'body', index: 0, atMs: 0, text, json: parseJson(text) };
};
const histories = (chats: Array<{ chatId: string; top?: boolean }>) => body({ code: 200, statusText: '', message: '', data: { list: chats, total: chats.length } });

describe('valuesAt', () => {
  it('follows a JSON pointer, with * over arrays and objects', () => {
    const value = { a: [{ b: 1 }, { b: 2 }, { c: 3 }], 'x/y': { '~': 4 } };
    expect(valuesAt(value, '/a/*/b')).toEqual([1, 2]);
    expect(valuesAt(value, '/a/1/b')).toEqual([2]);
    expect(valuesAt(value, '/x~1y/~0')).toEqual([4]);
    expect(valuesAt(value, '/a/9')).toEqual([]);
    expect(valuesAt(value, '')).toEqual([value]);
  });
});

describe('fastgpt.records.effect through suite assertions', () => {
  const judge = (frame: Frame, assertion: Record<string, unknown>) => {
    const watch = new FrameWatch({}, [{ rule: 'fastgpt.records.effect', pointer: '/data/list/*/chatId', ...assertion }]);
    watch.see(frame);
    return watch.judge(rules, (value) => value);
  };

  it('is kept when the change is visible and broken when it is not', () => {
    expect(judge(histories([{ chatId: 'c1' }]), { includes: 'c1' })).toEqual([]);
    expect(judge(histories([]), { includes: 'c1' })).toMatchObject([{ rule: 'fastgpt.records.effect', severity: 'error', pointer: '/data/list/*/chatId', expected: 'a value "c1"' }]);
    expect(judge(histories([{ chatId: 'c2' }]), { excludes: 'c1' })).toEqual([]);
    expect(judge(histories([{ chatId: 'c1' }]), { excludes: 'c1', because: 'the deleted chat is gone' })).toMatchObject([{ message: '/data/list/*/chatId still includes "c1" (the deleted chat is gone)' }]);
    expect(judge(histories([{ chatId: 'c1' }]), { equals: 'c1' })).toEqual([]);
    expect(judge(histories([{ chatId: 'c1' }, { chatId: 'c2' }]), { equals: 'c1' })).toHaveLength(1);
  });

  it('reports an answer that never came as a deviation, not a pass', () => {
    const watch = new FrameWatch({}, [{ rule: 'fastgpt.records.effect', pointer: '/data', exists: true }]);
    expect(watch.judge(rules, (value) => value)).toMatchObject([{ type: 'stream', rule: 'fastgpt.records.effect' }]);
  });

  it('captures the first value at a pointer in the named event', () => {
    const watch = new FrameWatch({ option: { event: 'interactive', pointer: '/interactive/params/userSelectOptions/0/value' } });
    const interactive: Frame = { type: 'sse', index: 3, atMs: 0, event: 'interactive', id: undefined, data: '', json: { ok: true, value: { interactive: { params: { userSelectOptions: [{ key: 'k', value: 'Confirm' }] } } } } };
    watch.see(body({ other: true }));
    watch.see(interactive);
    expect(watch.captured()).toEqual({ values: { option: 'Confirm' }, missing: [] });
    expect(new FrameWatch({ option: { pointer: '/x' } }).captured().missing).toEqual(['option']);
  });
});

describe('the other rules reported through suite assertions and captures', () => {
  const sse = (event: string, value: unknown, index = 0): Frame => ({ type: 'sse', index, atMs: 0, event, id: undefined, data: JSON.stringify(value), json: { ok: true, value } });
  const socket = (value: unknown, index = 0): Frame => ({ type: 'socketio', index, atMs: 0, event: 'CHAT_SS', socket: 'asker', args: [value], json: { ok: true, value } });

  it('fastgpt-py.session.stages: kept when the stage is reached, broken when another comes', async () => {
    const { default: fastgptPy } = await import('../src/protocols/fastgpt-py/index.js');
    const stageRules = new Map<string, Rule>(fastgptPy.rules.map((rule) => [rule.id, rule]));
    const judgeStage = (code: string) => {
      const watch = new FrameWatch({}, [{ rule: 'fastgpt-py.session.stages', event: 'stage_code', pointer: '/nextStageCode', equals: '2000' }]);
      watch.see(sse('stage_code', { nextStageCode: code, nextStage: 'x' }));
      return watch.judge(stageRules, (value) => value);
    };
    expect(judgeStage('2000')).toEqual([]);
    expect(judgeStage('1002')).toMatchObject([{ rule: 'fastgpt-py.session.stages', severity: 'warn', actual: '"1002"' }]);
  });

  it('pocketqa.history.turns: kept when a later event of the answer carries the turn, broken when none does', async () => {
    const { default: pocketqa } = await import('../src/protocols/pocketqa/index.js');
    const historyRules = new Map<string, Rule>(pocketqa.rules.map((rule) => [rule.id, rule]));
    const judgeHistory = (history: unknown) => {
      const watch = new FrameWatch({}, [{ rule: 'pocketqa.history.turns', event: 'CHAT_SS', pointer: '/data/received/history/*/0', includes: '第一问' }]);
      watch.see(socket({ data: { room: 'r', delta: 'a', finish_reason: null } }, 0));
      watch.see(socket({ data: { room: 'r', delta: '', finish_reason: 'stop', received: { history } } }, 1));
      return watch.judge(historyRules, (value) => value);
    };
    expect(judgeHistory([['第一问', '第一答']])).toEqual([]);
    expect(judgeHistory([])).toMatchObject([{ rule: 'pocketqa.history.turns', severity: 'warn' }]);
  });

  it('suite.capture.present: a case stops, with this deviation, when an answer lacks a value a later step needs', async () => {
    const { runSuite } = await import('../src/suite/runner.js');
    const { startMockServer } = await import('../src/mock/server.js');
    const { default: tasks } = await import('../src/protocols/tasks/index.js');
    const { systemClock } = await import('../src/core/clock.js');
    const { defaultLimits } = await import('../src/core/exchange.js');
    const mock = await startMockServer({ protocols: [tasks], port: 0 });
    try {
      const post = (path: string, capture?: Record<string, { pointer: string }>) => ({ type: 'http' as const, method: 'POST' as const, path, body: { workspace_id: 'w' }, expect: 'answer' as const, ...(capture === undefined ? {} : { capture }) });
      const suiteCase = {
        name: 'c',
        title: 't',
        source: { doc: 'd', section: 's' },
        basis: 'doc' as const,
        exclusive: false,
        steps: [post('/api/v1/workspaces'), post('/api/v1/workspaces/w/conversations', { id: { pointer: '/conversation_id' } }), post('/api/v1/workspaces/w/messages')],
      };
      const options = { baseUrl: mock.url, headers: { authorization: 'Bearer k', 'x-chatwire-scenario': 'SCENARIO' }, limits: defaultLimits, clock: systemClock };
      const suite = { protocol: 'tasks', description: 'd', variables: {}, cases: [suiteCase] };
      const run = async (scenario: string) => {
        const [report] = await runSuite(tasks, suite, [suiteCase], { ...options, headers: { ...options.headers, 'x-chatwire-scenario': scenario } });
        return report;
      };
      const kept = await run('plain');
      expect(kept?.steps).toHaveLength(3);
      expect(kept?.steps.flatMap((step) => step.deviations.map((d) => d.rule))).not.toContain('suite.capture.present');
      const broken = await run('create-without-id');
      expect(broken?.steps).toHaveLength(2);
      expect(broken?.steps[1]?.deviations.map((d) => d.rule)).toContain('suite.capture.present');
    } finally {
      await mock.close();
    }
  });
});
