import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastClock, judgeFloorMs, JUDGE_FLOOR_MS, JUDGE_FLOOR_MS_PER_MB } from '../src/mock/scenario-judge.js';
import { instantClock } from '../src/core/clock.js';

describe('judging a scenario sped up', () => {
  it("gives a large scenario's deadlines more real time, by the size of its file", () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatwire-judge-'));
    try {
      const small = join(dir, 'small.json');
      const large = join(dir, 'large.json');
      writeFileSync(small, '{}');
      writeFileSync(large, Buffer.alloc(4 * 1024 * 1024, 0x20));
      expect(judgeFloorMs({ file: small })).toBe(JUDGE_FLOOR_MS);
      expect(judgeFloorMs({ file: large })).toBe(JUDGE_FLOOR_MS + 4 * JUDGE_FLOOR_MS_PER_MB);
      expect(judgeFloorMs({ file: join(dir, 'made-in-code.json') })).toBe(JUDGE_FLOOR_MS);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shortens short waits by the speed, and keeps a deadline at least the floor in real time', async () => {
    const waits: number[] = [];
    const base = { now: () => 0, sleep: async (ms: number) => void waits.push(ms) };
    const clock = fastClock(20, 2_000, base);
    await clock.sleep(100);
    await clock.sleep(30_000);
    await clock.sleep(1_500);
    // 100 ms is a script's delay: 5 ms. 30 s is a deadline: 1.5 s sped up, but at least 2 s; 1.5 s stays 1.5 s.
    expect(waits).toEqual([5, 2_000, 1_500]);
    expect(fastClock(20, 0, instantClock(10)).now()).toBe(200);
  });
});
