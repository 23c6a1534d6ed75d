import { describe, expect, it } from 'vitest';
import { show } from '../src/core/engine.js';
import { jsonPrefix, jsonText } from '../src/core/quote.js';

const deep = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels)) as unknown;

describe('JSON text of any depth, cut to a prefix', () => {
  it('writes what JSON.stringify writes', () => {
    const values: unknown[] = [
      null,
      0,
      -1.5e300,
      Number.NaN,
      true,
      'a "quoted" \u2028 line\n',
      [],
      {},
      [1, undefined, () => 1, 'x'],
      { a: 1, skip: undefined, f: () => 1, nested: { b: [null, { c: 'd' }] } },
      { when: new Date(0), bytes: Buffer.from('hi') },
    ];
    for (const value of values) expect(jsonPrefix(value, Number.POSITIVE_INFINITY)).toEqual({ text: JSON.stringify(value), complete: true });
    expect(jsonPrefix(undefined, 10)).toBeUndefined();
  });

  it('stops after the limit, whatever the size of the value', () => {
    const huge = { text: 'x'.repeat(10_000_000), list: Array.from({ length: 100_000 }, (_, i) => i) };
    expect(jsonPrefix(huge, 20)).toEqual({ text: `{"text":"${'x'.repeat(11)}`, complete: false });
    expect(jsonPrefix([1, 2, 3], 3)).toEqual({ text: '[1,', complete: false });
  });

  it('serialises 100,000 levels, where JSON.stringify overflows the stack', () => {
    const value = deep(100_000);
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    expect(jsonText(value)).toBe('['.repeat(100_000) + ']'.repeat(100_000));
    expect(show(value)).toBe(`${'['.repeat(120)}… (longer)`);
  });
});
