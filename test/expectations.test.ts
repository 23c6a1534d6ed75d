import { describe, expect, it } from 'vitest';
import { parseJson, type Frame } from '../src/core/exchange.js';
import { FrameWatch, valuesAt } from '../src/suite/expectations.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import type { Deviation, Rule } from '../src/core/rule.js';
import type { Protocol } from '../src/protocols/protocol.js';
import type { Assertion } from '../src/suite/step-parts.js';
import ctai from '../src/protocols/ctai/index.js';
import fastgptPy from '../src/protocols/fastgpt-py/index.js';
import pocketqa from '../src/protocols/pocketqa/index.js';
import tasks from '../src/protocols/tasks/index.js';

const rules = new Map<string, Rule>(fastgpt.rules.map((rule) => [rule.id, rule]));
const taskRules = new Map<string, Rule>(tasks.rules.map((rule) => [rule.id, rule]));
const body = (value: unknown): Frame => {
  const text = JSON.stringify(value);
  return { type: 'body', index: 0, atMs: 0, text, json: parseJson(text) };
};
const histories = (chats: Array<{ chatId: string; top?: boolean }>) =>
  body({ code: 200, statusText: '', message: '', data: { list: chats, total: chats.length } });

describe('valuesAt', () => {
  it('follows a JSON pointer, with * over arrays and objects', () => {
    const value = { a: [{ b: 1 }, { b: 2 }, { c: 3 }], 'x/y': { '~': 4 } };
    expect(valuesAt(value, '/a/*/b')).toEqual([1, 2]);
    expect(valuesAt(value, '/a/1/b')).toEqual([2]);
    expect(valuesAt(value, '/x~1y/~0')).toEqual([4]);
    expect(valuesAt(value, '/a/9')).toEqual([]);
    expect(valuesAt(value, '')).toEqual([value]);
  });

  it('selects the items whose member has a value with *[name=value]', () => {
    const records = {
      list: [
        { dataId: 'q1', obj: 'Human', like: 'yes', n: 1 },
        { dataId: 'a1', obj: 'AI', like: 'no', n: 2, on: true },
        { dataId: 'a]2', obj: 'AI', n: 3 },
      ],
      byKey: { x: { obj: 'AI', n: 4 }, y: { obj: 'Human', n: 5 } },
    };
    expect(valuesAt(records, '/list/*[dataId=a1]/like')).toEqual(['no']);
    expect(valuesAt(records, '/list/*[obj=AI]/n')).toEqual([2, 3]);
    expect(valuesAt(records, '/byKey/*[obj=Human]/n')).toEqual([5]);
    // A number or boolean is matched by its JSON; a value may hold ].
    expect(valuesAt(records, '/list/*[n=3]/dataId')).toEqual(['a]2']);
    expect(valuesAt(records, '/list/*[on=true]/dataId')).toEqual(['a1']);
    expect(valuesAt(records, '/list/*[dataId=a]2]/n')).toEqual([3]);
    // No item matches, or the member is missing: nothing, not every item.
    expect(valuesAt(records, '/list/*[dataId=zz]/like')).toEqual([]);
    expect(valuesAt(records, '/list/*[missing=1]')).toEqual([]);
    expect(valuesAt(records, '/list/0/*[obj=AI]')).toEqual([]);
  });
});

describe('a capture with an answer maker', () => {
  const interactive = (inputForm: unknown): Frame => {
    const value = { interactive: { type: 'userInput', params: { inputForm } } };
    return { type: 'sse', index: 0, atMs: 0, event: 'interactive', id: undefined, data: JSON.stringify(value), json: { ok: true, value } };
  };
  const capture = (frame: Frame) => {
    const watch = new FrameWatch(
      { reply: { event: 'interactive', pointer: '/interactive/params/inputForm', answer: 'formAnswer' } },
      [],
      undefined,
      fastgpt.answers,
    );
    watch.see(frame);
    return watch.captured();
  };

  it("answers fastgpt's form with a value of each field's type, and leaves the capture missing when there is no form", () => {
    const form = [
      { type: 'input', key: '测试 1', valueType: 'string', required: false, list: [{ label: '', value: '' }] },
      { type: 'numberInput', key: '测试 2', valueType: 'number', required: true, min: 3 },
      { type: 'select', key: 'city', valueType: 'string', required: true, list: [{ label: '北京', value: 'beijing' }] },
      { type: 'switch', key: 'agree', valueType: 'boolean' },
      { type: 'input', key: 'name', valueType: 'string', defaultValue: '张三' },
    ];
    expect(capture(interactive(form))).toEqual({
      values: { reply: JSON.stringify({ '测试 1': 'chatwire', '测试 2': 3, city: 'beijing', agree: true, name: '张三' }) },
      missing: [],
    });
    expect(capture(interactive('not a form'))).toEqual({ values: {}, missing: ['reply'] });
  });
});

describe('tasks.task.distinct through suite assertions', () => {
  const created = (taskId: string): Frame => {
    const value = { task_id: taskId };
    return { type: 'body', index: 0, atMs: 0, text: JSON.stringify(value), json: { ok: true, value } };
  };
  const judge = (frame: Frame) => {
    const watch = new FrameWatch({}, [{ rule: 'tasks.task.distinct', pointer: '/task_id', excludes: '{{first}}' }]);
    watch.see(frame);
    return watch.judge(taskRules, (value) => (value === '{{first}}' ? 't-1' : value));
  };

  it("is kept by a new task id and broken by the first message's", () => {
    expect(judge(created('t-2'))).toEqual([]);
    expect(judge(created('t-1'))).toMatchObject([{ rule: 'tasks.task.distinct', severity: 'error', pointer: '/task_id' }]);
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
    expect(judge(histories([]), { includes: 'c1' })).toMatchObject([
      { rule: 'fastgpt.records.effect', severity: 'error', pointer: '/data/list/*/chatId', expected: 'a value "c1"' },
    ]);
    expect(judge(histories([{ chatId: 'c2' }]), { excludes: 'c1' })).toEqual([]);
    expect(judge(histories([{ chatId: 'c1' }]), { excludes: 'c1', because: 'the deleted chat is gone' })).toMatchObject([
      { message: '/data/list/*/chatId still includes "c1" (the deleted chat is gone)' },
    ]);
    expect(judge(histories([{ chatId: 'c1' }]), { equals: 'c1' })).toEqual([]);
    expect(judge(histories([{ chatId: 'c1' }, { chatId: 'c2' }]), { equals: 'c1' })).toHaveLength(1);
  });

  it('atMost: a page of pageSize 1 holds at most one chat', () => {
    const page = (chats: Array<{ chatId: string }>) => {
      const watch = new FrameWatch({}, [{ rule: 'fastgpt.records.effect', pointer: '/data/list/*', atMost: 1, because: 'pageSize 1' }]);
      watch.see(histories(chats));
      return watch.judge(rules, (value) => value);
    };
    expect(page([{ chatId: 'c1' }])).toEqual([]);
    expect(page([])).toEqual([]);
    expect(page([{ chatId: 'c1' }, { chatId: 'c2' }])).toMatchObject([
      { rule: 'fastgpt.records.effect', pointer: '/data/list/*', expected: 'at most 1', message: '/data/list/* has 2 values (pageSize 1)' },
    ]);
  });

  it('text: kept by a chunk with words in delta.content, broken when the words travel elsewhere', () => {
    const sse = (index: number, delta: Record<string, unknown>, finish: string | null = null): Frame => {
      const data = JSON.stringify({ id: '', object: '', created: 0, choices: [{ delta, index: 0, finish_reason: finish }] });
      return { type: 'sse', index, atMs: 0, event: undefined, id: undefined, data, json: parseJson(data) };
    };
    const answer = (...frames: Frame[]) => {
      const watch = new FrameWatch({}, [{ rule: 'fastgpt.chunk.shape', pointer: '/choices/0/delta/content', text: true }]);
      for (const frame of frames) watch.see(frame);
      return watch.judge(rules, (value) => value);
    };
    // OpenAI's shape: a role chunk with "" first, words, a stop chunk with an empty delta.
    expect(answer(sse(0, { role: 'assistant', content: '' }), sse(1, { content: '电' }), sse(2, {}, 'stop'))).toEqual([]);
    // The words under delta.text: content is there, but "" and null only.
    expect(
      answer(sse(0, { role: 'assistant', content: '' }), sse(1, { role: 'assistant', text: '电' }), sse(2, { role: 'assistant', content: null }, 'stop')),
    ).toMatchObject([{ rule: 'fastgpt.chunk.shape', pointer: '/choices/0/delta/content', expected: 'a string with words in it' }]);
    expect(answer(sse(0, { content: '  ' }))).toHaveLength(1);
    expect(answer()).toMatchObject([{ type: 'stream', rule: 'fastgpt.chunk.shape' }]);
  });

  it('reports an answer that never came as a deviation, not a pass', () => {
    const watch = new FrameWatch({}, [{ rule: 'fastgpt.records.effect', pointer: '/data', exists: true }]);
    expect(watch.judge(rules, (value) => value)).toMatchObject([{ type: 'stream', rule: 'fastgpt.records.effect' }]);
  });

  it('captures the first value at a pointer in the named event', () => {
    const watch = new FrameWatch({ option: { event: 'interactive', pointer: '/interactive/params/userSelectOptions/0/value' } });
    const interactive: Frame = {
      type: 'sse',
      index: 3,
      atMs: 0,
      event: 'interactive',
      id: undefined,
      data: '',
      json: { ok: true, value: { interactive: { params: { userSelectOptions: [{ key: 'k', value: 'Confirm' }] } } } },
    };
    watch.see(body({ other: true }));
    watch.see(interactive);
    expect(watch.captured()).toEqual({ values: { option: 'Confirm' }, missing: [] });
    expect(new FrameWatch({ option: { pointer: '/x' } }).captured().missing).toEqual(['option']);
  });
});

describe('the other rules reported through suite assertions and captures', () => {
  const sse = (event: string, value: unknown, index = 0): Frame => ({
    type: 'sse',
    index,
    atMs: 0,
    event,
    id: undefined,
    data: JSON.stringify(value),
    json: { ok: true, value },
  });
  const socket = (value: unknown, index = 0): Frame => ({
    type: 'socketio',
    index,
    atMs: 0,
    event: 'CHAT_SS',
    socket: 'asker',
    args: [value],
    json: { ok: true, value },
  });

  it('fastgpt-py.session.stages: kept when the stage is reached (said twice, or after another), broken when it never comes', async () => {
    const { default: fastgptPy } = await import('../src/protocols/fastgpt-py/index.js');
    const stageRules = new Map<string, Rule>(fastgptPy.rules.map((rule) => [rule.id, rule]));
    const judgeStage = (...codes: string[]) => {
      // As suites/fastgpt-py.json asks: some stage_code of the answer reaches the stage.
      const watch = new FrameWatch({}, [{ rule: 'fastgpt-py.session.stages', event: 'stage_code', pointer: '/nextStageCode', includes: '2000' }]);
      codes.forEach((code, index) => watch.see(sse('stage_code', { nextStageCode: code, nextStage: 'x' }, index)));
      return watch.judge(stageRules, (value) => value);
    };
    expect(judgeStage('2000')).toEqual([]);
    expect(judgeStage('2000', '2000')).toEqual([]);
    expect(judgeStage('1002', '2000')).toEqual([]);
    expect(judgeStage('1002')).toMatchObject([{ rule: 'fastgpt-py.session.stages', severity: 'warn' }]);
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
      const post = (path: string, capture?: Record<string, { pointer: string }>) => ({
        type: 'http' as const,
        method: 'POST' as const,
        path,
        body: { workspace_id: 'w' },
        expect: 'answer' as const,
        ...(capture === undefined ? {} : { capture }),
      });
      const suiteCase = {
        name: 'c',
        title: 't',
        source: { doc: 'd', section: 's' },
        basis: 'doc' as const,
        exclusive: false,
        steps: [
          post('/api/v1/workspaces'),
          post('/api/v1/workspaces/w/conversations', { id: { pointer: '/conversation_id' } }),
          post('/api/v1/workspaces/w/messages'),
        ],
      };
      const options = {
        baseUrl: mock.url,
        headers: { authorization: 'Bearer k', 'x-chatwire-scenario': 'SCENARIO' },
        limits: defaultLimits,
        clock: systemClock,
      };
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

describe('rules of no scope, reported through suite assertions', () => {
  const sse = (event: string | undefined, value: unknown, index: number): Frame => ({
    type: 'sse',
    index,
    atMs: 0,
    event,
    id: undefined,
    data: JSON.stringify(value),
    json: { ok: true, value },
  });
  const socket = (value: unknown, index: number, side: 'asker' | 'bystander' = 'asker'): Frame => ({
    type: 'socketio',
    index,
    atMs: 0,
    event: 'CHAT_SS',
    socket: side,
    args: [value],
    json: { ok: true, value },
  });
  /** Watches frames as a suite step does, with the protocol's own reading of the answer text. */
  const watchAll = (protocol: Protocol, assertion: Assertion, frames: readonly Frame[]): Deviation[] => {
    const watch = new FrameWatch({}, [assertion], (frame) => protocol.answerText?.(frame));
    for (const frame of frames) watch.see(frame);
    return watch.judge(new Map(protocol.rules.map((rule) => [rule.id, rule])), (value) => value);
  };
  const MARKER = 'cw123s1';

  const ctaiPacket = (sn: number, text: string, extra: Record<string, unknown> = {}): Frame =>
    sse(undefined, { ret: '0', msg: '', data: { msg_id: `m-${sn}`, msg_sn: String(sn), event: '', answer_text: text, ...extra } }, sn);
  const fastgptChunk = (content: string, index: number): Frame =>
    sse(undefined, { id: '', object: '', created: 0, model: '', choices: [{ delta: { role: 'assistant', content }, index: 0, finish_reason: null }] }, index);
  const pyDelta = (text: string, index: number): Frame => sse('text_delta', { text }, index);
  const tasksPoll = (content: string, index: number): Frame => {
    // Each character its own text_chunk event, as a server streaming token by token writes them.
    const events = [...content].map((token) => ({ type: 'text_chunk', data: { content: token } }));
    const value = { data: { status: 'running', next_offset: index + 1, events } };
    return { type: 'poll', index, atMs: 0, phase: 'poll', pass: 0, from: index, status: 200, text: JSON.stringify(value), json: { ok: true, value } };
  };
  const pocketDelta = (delta: string, index: number, side: 'asker' | 'bystander' = 'asker'): Frame =>
    socket({ data: { room: 'r2', delta, finish_reason: null } }, index, side);

  // Per protocol: frames without the marker, one frame with it, and the marker split across two frames' text.
  const isolation: ReadonlyArray<{ protocol: Protocol; rule: string; clean: Frame[]; whole: Frame[]; split: Frame[] }> = [
    {
      protocol: ctai,
      rule: 'ctai.session.isolated',
      clean: [ctaiPacket(0, '你'), ctaiPacket(1, '好')],
      whole: [ctaiPacket(0, '你'), ctaiPacket(1, `上次您说${MARKER}`)],
      split: [ctaiPacket(0, '你'), ctaiPacket(1, 'cw12'), ctaiPacket(2, '3s1')],
    },
    {
      protocol: fastgpt,
      rule: 'fastgpt.chat.isolated',
      clean: [fastgptChunk('电影', 0), fastgptChunk('新海诚。', 1)],
      whole: [fastgptChunk(`记得${MARKER}`, 0)],
      split: [fastgptChunk('记得cw1', 0), fastgptChunk('23s1。', 1)],
    },
    {
      protocol: fastgptPy,
      rule: 'fastgpt-py.session.isolated',
      clean: [sse('stage_code', { nextStageCode: '1002', nextStage: '通话中' }, 0), pyDelta('您好，', 1)],
      whole: [sse('stage_code', { nextStageCode: '1002', nextStage: '通话中' }, 0), pyDelta(`您的暗号是${MARKER}`, 1)],
      split: [pyDelta('cw', 0), pyDelta('123', 1), pyDelta('s1', 2)],
    },
    {
      protocol: tasks,
      rule: 'tasks.workspace.no-leak',
      clean: [tasksPoll('您好，', 0), tasksPoll('我不知道您的工号。', 1)],
      whole: [tasksPoll('您好，', 0), tasksPoll(`您的工号是${MARKER}`, 1)],
      split: [tasksPoll('工号cw1', 0), tasksPoll('23s1', 1)],
    },
    {
      protocol: pocketqa,
      rule: 'pocketqa.room.isolated',
      clean: [pocketDelta('根据规定，', 0), pocketDelta('应当申请补发。', 1)],
      // Another room's history in received counts as much as the text.
      whole: [pocketDelta('根据规定，', 0), socket({ data: { room: 'r2', delta: '', finish_reason: 'stop', received: { history: [[MARKER, '好的']] } } }, 1)],
      split: [pocketDelta('cw12', 0), pocketDelta('3s1', 1)],
    },
  ];

  for (const { protocol, rule, clean, whole, split } of isolation) {
    it(`${rule}: kept without the other scope's marker, broken by it whole or split across frames`, () => {
      const assertion = { rule, absent: MARKER, because: 'sent in the other scope' };
      expect(watchAll(protocol, assertion, clean)).toEqual([]);
      expect(watchAll(protocol, assertion, whole)).toMatchObject([
        {
          rule,
          type: 'frame',
          frame: whole.at(-1)?.index,
          severity: 'error',
          message: `the answer carries "${MARKER}", which was sent in another scope (sent in the other scope)`,
        },
      ]);
      expect(watchAll(protocol, assertion, split)).toMatchObject([{ rule, type: 'frame', frame: split.at(-1)?.index }]);
    });
  }

  it("pocketqa.room.isolated: a marker split across the asker's and a bystander's frames is no answer text", () => {
    const assertion = { rule: 'pocketqa.room.isolated', absent: MARKER };
    expect(watchAll(pocketqa, assertion, [pocketDelta('cw12', 0), pocketDelta('3s1', 1, 'bystander')])).toEqual([]);
  });

  it('fastgpt.interactive.resumed: broken when the answered option is offered again, kept when no interactive frame comes', () => {
    const assertion = {
      rule: 'fastgpt.interactive.resumed',
      event: 'interactive',
      pointer: '/interactive/params/userSelectOptions/*/value',
      excludes: 'Confirm',
      because: 'the answered select node is not asked again',
    };
    const interactive = (...values: string[]): Frame =>
      sse(
        'interactive',
        { interactive: { type: 'userSelect', params: { description: '确认?', userSelectOptions: values.map((value, i) => ({ key: `o${i}`, value })) } } },
        1,
      );
    const answered = sse('answer', { choices: [{ delta: { content: '已确认' }, index: 0, finish_reason: null }] }, 0);
    // Missing frames keep an assertion that only forbids.
    expect(watchAll(fastgpt, assertion, [answered])).toEqual([]);
    // The workflow may go on to another select node with other options.
    expect(watchAll(fastgpt, assertion, [answered, interactive('Next', 'Back')])).toEqual([]);
    expect(watchAll(fastgpt, assertion, [answered, interactive('Confirm', 'Cancel')])).toMatchObject([
      {
        rule: 'fastgpt.interactive.resumed',
        type: 'frame',
        frame: 1,
        event: 'interactive',
        expected: 'no value "Confirm"',
        message: '/interactive/params/userSelectOptions/*/value still includes "Confirm" (the answered select node is not asked again)',
      },
    ]);
  });

  it("ctai.input.accepted: every ret of the edge request equals the ordinary request's (only), broken by any other", () => {
    const assertion = { rule: 'ctai.input.accepted', pointer: '/ret', only: '0', because: 'within the table' };
    expect(watchAll(ctai, assertion, [ctaiPacket(0, '你'), ctaiPacket(1, '', { event: 'stop' })])).toEqual([]);
    const refused = sse(undefined, { ret: '10001', msg: 'session_id too long' }, 0);
    expect(watchAll(ctai, assertion, [refused])).toMatchObject([{ rule: 'ctai.input.accepted', severity: 'error', expected: 'only "0"', actual: '"10001"' }]);
    // No packet at all is no acceptance either.
    expect(watchAll(ctai, assertion, [])).toMatchObject([{ rule: 'ctai.input.accepted', type: 'stream' }]);
  });

  it('ctai.refusal.no-effect and fastgpt-py.refusal.no-effect: the refused words never come back in the next turn', () => {
    const ctaiAssertion = { rule: 'ctai.refusal.no-effect', absent: MARKER };
    expect(watchAll(ctai, ctaiAssertion, [ctaiPacket(0, '您还没有告诉我车牌号。')])).toEqual([]);
    expect(watchAll(ctai, ctaiAssertion, [ctaiPacket(0, `您的车牌号是${MARKER}`)])).toMatchObject([{ rule: 'ctai.refusal.no-effect', severity: 'error' }]);
    const pyAssertion = { rule: 'fastgpt-py.refusal.no-effect', absent: MARKER };
    expect(watchAll(fastgptPy, pyAssertion, [pyDelta('请问发生了什么？', 0)])).toEqual([]);
    expect(watchAll(fastgptPy, pyAssertion, [pyDelta(`您刚才提到“${MARKER}”`, 0)])).toMatchObject([
      { rule: 'fastgpt-py.refusal.no-effect', severity: 'error' },
    ]);
  });

  it('fastgpt.refusal.no-effect: the chat a refused delete named is still listed, under its own title', () => {
    const list = (chats: Array<{ chatId: string; customTitle?: string }>): Frame =>
      body({ code: 200, statusText: '', message: '', data: { list: chats, total: chats.length } });
    const kept = { rule: 'fastgpt.refusal.no-effect', pointer: '/data/list/*/chatId', includes: 'kept' };
    const renamed = { rule: 'fastgpt.refusal.no-effect', pointer: '/data/list/*/customTitle', excludes: 'renamed' };
    expect(watchAll(fastgpt, kept, [list([{ chatId: 'kept', customTitle: '' }])])).toEqual([]);
    expect(watchAll(fastgpt, kept, [list([])])).toMatchObject([{ rule: 'fastgpt.refusal.no-effect', severity: 'error' }]);
    expect(watchAll(fastgpt, renamed, [list([{ chatId: 'kept', customTitle: 'renamed' }])])).toMatchObject([{ rule: 'fastgpt.refusal.no-effect' }]);
  });
});
