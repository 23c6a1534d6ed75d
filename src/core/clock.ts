/** Time, injected so that tests never sleep and timing is reproducible. */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Why a signal aborted, as an Error (an abort with no reason gives a DOMException, one with a string does not). */
export function reasonOf(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error(typeof reason === 'string' ? reason : 'aborted');
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(reasonOf(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(reasonOf(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock whose sleeps return at once and advance virtual time: scripted delays cost nothing. */
export function instantClock(start = 0): Clock {
  let time = start;
  return {
    now: () => time,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw reasonOf(signal);
      time += ms;
    },
  };
}

/**
 * A clock whose sleeps last `factor` times as long (0: no wait) and whose time runs 1/factor as
 * fast, so that anything timed against it (a task that ends after 3 s) keeps pace with its waits.
 */
export function scaledClock(clock: Clock, factor: number): Clock {
  if (factor === 1) return clock;
  // At 0 time still has to move forward: a real millisecond becomes a virtual quarter hour.
  const pace = factor === 0 ? 1e6 : 1 / factor;
  const start = clock.now();
  return {
    now: () => start + (clock.now() - start) * pace,
    sleep: (ms, signal) => clock.sleep(ms * factor, signal),
  };
}
