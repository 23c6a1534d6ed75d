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
