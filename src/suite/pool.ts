/** One unit of work for the pool. */
export interface PoolTask<T> {
  /** Runs with nothing else in flight (it shares state the others read or write). */
  readonly exclusive: boolean;
  run(): Promise<T>;
}

/**
 * Runs tasks up to `concurrency` at a time (read again before each start), an exclusive one alone, and hands results over in the
 * tasks' order as soon as every earlier one is done, so progress reads like a sequential run.
 * When a task throws, no further task starts; the pool waits for those in flight, then throws.
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
  for (const [index, task] of tasks.entries()) {
    if (task.exclusive) await Promise.all(running);
    while (running.size >= Math.max(1, limit())) await Promise.race(running);
    if (failure !== undefined) break;
    const started = start(index, task);
    if (task.exclusive) await started;
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure.error;
  return results;
}
