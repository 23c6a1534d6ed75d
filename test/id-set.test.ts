import { describe, expect, it } from 'vitest';
import { IdSet } from '../src/core/id-set.js';

describe('IdSet', () => {
  it('finds repeats across growth', () => {
    const set = new IdSet(16);
    for (let i = 0; i < 100_000; i++) expect(set.add(`m-${i}`)).toBe(true);
    expect(set.size).toBe(100_000);
    expect(set.add('m-0')).toBe(false);
    expect(set.add('m-99999')).toBe(false);
    expect(set.add('你好-1')).toBe(true);
    expect(set.add('你好-1')).toBe(false);
    expect(set.add('')).toBe(true);
    expect(set.add('')).toBe(false);
  });

  it('tells apart ids that differ only in order or by one character', () => {
    const set = new IdSet();
    for (const id of ['ab', 'ba', 'a', 'aa', 'test_id_1', 'test_id_2', 'test_id_10', 'test_id_01']) expect(set.add(id)).toBe(true);
  });
});
