/** One unit of work for the pool. */
export interface PoolTask<T> {
  /**
   * true: runs with nothing else in flight (it shares state the others read or write). A name: the
   * tasks of that name run at once, together, with nothing else in flight (they must overlap with each
   * other and with nothing else, such as two sessions asked at the same time).
   */
  readonly exclusive: boolean | string;
  run(): Promise<T>;
}

/**
 * Runs tasks up to `concurrency` at a time (read again before each start), an exclusive one alone, a
 * named group together and alone, and hands results over in the tasks' order as soon as every earlier
 * one is done, so progress reads like a sequential run. When a task throws, no further task starts;
 * the pool waits for those in flight, then throws.
 */
export async function runPool<T>(
  tasks: readonly PoolTask<T>[],
  concurrency: number | (() => number),
  onResult?: (result: T, index: number) => void,
): Promise<T[]> {
  const limit = typeof concurrency === 'number' ? () => concurrency : concurrency;
  const results: T[] = [];
  const done: boolean[] = [];
  let delivered = 0;
  let failure: { error: unknown } | undefined;
  const running = new Set<Promise<void>>();
  const flush = (): void => {
    while (delivered < tasks.length && done[delivered] === true) {
      onResult?.(results[delivered] as T, delivered);
      delivered++;
    }
  };
  const start = (index: number, task: PoolTask<T>): Promise<void> => {
    const promise: Promise<void> = task
      .run()
      .then(
        (result) => {
          results[index] = result;
          done[index] = true;
          flush();
        },
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => running.delete(promise));
    running.add(promise);
    return promise;
  };
  const grouped = new Set<string>();
  for (const [index, task] of tasks.entries()) {
    const group = typeof task.exclusive === 'string' ? task.exclusive : undefined;
    if (group !== undefined && grouped.has(group)) continue; // started with the first of its group
    if (task.exclusive !== false) await Promise.all(running);
    if (failure !== undefined) break;
    if (group !== undefined) {
      // The whole group at once, whatever the concurrency: its point is that they overlap.
      grouped.add(group);
      await Promise.all([...tasks.entries()].filter(([, other]) => other.exclusive === group).map(([at, other]) => start(at, other)));
      continue;
    }
    while (running.size >= Math.max(1, limit())) await Promise.race(running);
    if (failure !== undefined) break;
    const started = start(index, task);
    if (task.exclusive === true) await started;
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure.error;
  return results;
}
