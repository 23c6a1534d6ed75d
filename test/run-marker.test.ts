import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runNumber } from '../src/core/run-marker.js';

describe('{{runNumber}}', () => {
  it('is 13 digits for a run id and for a load session marker, another for each marker', () => {
    const markers = ['00000000', 'ffffffff', 'zzzzzzzz', ...Array.from({ length: 1000 }, () => randomBytes(4).toString('hex'))];
    const numbers = markers.map(runNumber);
    for (const number of numbers) expect(number).toMatch(/^\d{13}$/);
    expect(new Set(numbers).size).toBe(new Set(markers).size);
  });
});
