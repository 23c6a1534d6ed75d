import { setFlagsFromString } from 'node:v8';

/** Where a command writes and what it reads of its environment; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** Resolves when the user asks a long-running command (the mock) to stop. */
  readonly untilStopped: () => Promise<void>;
  /**
   * Tunes the garbage collector for a command's workload, so its memory stays flat whatever the
   * input's size or the number of streams it holds. Only the bin's own process has it: a program
   * that embeds `runCli` keeps its own settings.
   */
  readonly tuneCollector?: (command: string) => void;
}

export function processIo(): CliIo {
  return {
    tuneCollector,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    untilStopped: () =>
      new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}

/**
 * V8 grows the young generation up to 16 MiB per semi-space once start-up's objects survive, and
 * lets the old space reach about twice its live size before a full collection: a validate run of a
 * million packets then peaks near 230 MB although it holds a few MB. Keeping the young generation
 * as it is and collecting the old space at 10% growth holds it near 118 MB for the same speed
 * (bench/README.md). Both flags are read by V8 each time it sizes a space, so setting them after
 * start-up takes effect.
 *
 * The mock, holding thousands of streams, leaves each frame's garbage in old space the same way:
 * collecting it at 20% growth holds 4,000 slow streams in about 20 KB each instead of 34 KB, every
 * frame still on time, at the same throughput. Its young generation keeps growing: capped, it lost
 * streams (bench/README.md).
 */
export function tuneCollector(command: string): void {
  if (command === 'validate') {
    setFlagsFromString('--semi-space-growth-factor=1');
    setFlagsFromString('--heap-growing-percent=10');
  } else if (command === 'mock') {
    setFlagsFromString('--heap-growing-percent=20');
  }
}
