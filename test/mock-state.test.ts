import { describe, expect, it } from 'vitest';
import { remember } from '../src/mock/state.js';

describe('remember: a store that keeps its newest entries', () => {
  it('drops the oldest past the bound, and a rewritten key counts as new', () => {
    const store = new Map<string, number>();
    for (let i = 0; i < 10; i++) remember(store, `k${i}`, i, 3);
    expect([...store.keys()]).toEqual(['k7', 'k8', 'k9']);
    remember(store, 'k7', 70, 3);
    remember(store, 'k10', 10, 3);
    expect([...store.entries()]).toEqual([
      ['k9', 9],
      ['k7', 70],
      ['k10', 10],
    ]);
  });
});
