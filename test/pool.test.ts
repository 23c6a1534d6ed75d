import { describe, expect, it } from 'vitest';
import { runPool, type PoolTask } from '../src/suite/pool.js';

/** A task that records how many tasks were in flight while it ran, and finishes when released. */
function tracker() {
  let inFlight = 0;
  let most = 0;
  const log: string[] = [];
  const task = (name: string, ms: number, exclusive: boolean | string = false): PoolTask<string> => ({
    exclusive,
    run: async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      log.push(`start ${name} (${inFlight} in flight)`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      inFlight--;
      return name;
    },
  });
  return { task, log, most: () => most };
}

describe('runPool', () => {
  it('runs at most `concurrency` tasks at once and hands results over in task order', async () => {
    const { task, most } = tracker();
    const delivered: string[] = [];
    const results = await runPool([task('a', 30), task('b', 5), task('c', 5), task('d', 20), task('e', 1)], 3, (result) => delivered.push(result));
    expect(results).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(delivered).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(most()).toBe(3);
  });

  it('runs an exclusive task with nothing else in flight', async () => {
    const { task, log } = tracker();
    await runPool([task('a', 10), task('b', 10), task('x', 5, true), task('c', 5), task('d', 5)], 4);
    expect(log).toContain('start x (1 in flight)');
    // Nothing starts beside it either: c waits for x to finish.
    expect(log.indexOf('start c (1 in flight)')).toBeGreaterThan(log.indexOf('start x (1 in flight)'));
  });

  it('runs a named group together, whatever the concurrency, with nothing else in flight', async () => {
    const { task, log } = tracker();
    const results = await runPool([task('a', 10), task('p', 5, 'pair'), task('b', 5), task('q', 5, 'pair'), task('c', 5)], 1);
    expect(results).toEqual(['a', 'p', 'b', 'q', 'c']);
    // a finishes first; p and q start at once (q while p runs), and b waits for both.
    expect(log.slice(0, 3)).toEqual(['start a (1 in flight)', 'start p (1 in flight)', 'start q (2 in flight)']);
    expect(log.slice(3)).toEqual(['start b (1 in flight)', 'start c (1 in flight)']);
  });

  it('starts nothing more once a task throws, waits for those in flight, then throws', async () => {
    const { task, log } = tracker();
    const failing: PoolTask<string> = { exclusive: false, run: () => Promise.reject(new Error('target down')) };
    await expect(runPool([task('a', 20), failing, task('b', 1), task('c', 1)], 2)).rejects.toThrow('target down');
    expect(log.some((line) => line.startsWith('start c'))).toBe(false);
  });
});

describe('runPool with a limit that changes', () => {
  it('reads the limit again before each start: once raised, more tasks wait at once', async () => {
    const { task, most } = tracker();
    let limit = 1;
    const tasks = [task('a', 20), task('b', 20), task('c', 20), task('d', 20), task('e', 20)];
    const raising = tasks.map((t, i) => (i === 0 ? { ...t, run: () => t.run().finally(() => (limit = 4)) } : t));
    await runPool(raising, () => limit);
    expect(most()).toBe(4);
  });
});
