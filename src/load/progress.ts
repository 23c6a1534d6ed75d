import type { Clock } from '../core/clock.js';
import type { LoadTally } from './tally.js';

/** On a terminal the line is rewritten this often; in a log a line is added this often. */
const TTY_EVERY_MS = 250;
const LOG_EVERY_MS = 5_000;

/** One line: time, exchanges and their rate, errors, latency, deviations so far with the rules most seen. */
export function progressLine(tally: LoadTally, elapsedMs: number, durationMs: number): string {
  const seconds = Math.max(elapsedMs, 1) / 1000;
  const top = [...tally.rules.entries()]
    .sort(([, a], [, b]) => b - a)
    .slice(0, 3)
    .map(([rule, count]) => `${rule} ${count}`)
    .join(', ');
  return [
    `${Math.min(elapsedMs, durationMs) / 1000}s/${durationMs / 1000}s`.replace(/(\.\d)\d+s/g, '$1s'),
    `${tally.exchanges} exchanges`,
    `${(tally.exchanges / seconds).toFixed(1)}/s`,
    `errors ${tally.errors}`,
    ...(tally.busy > 0 ? [`busy ${tally.busy}`] : []),
    `p50 ${tally.latency.percentile(0.5)} ms`,
    `p99 ${tally.latency.percentile(0.99)} ms`,
    `deviations ${tally.deviations}${top === '' ? '' : ` (${top})`}`,
  ].join('  ');
}

/**
 * Writes the progress line until stopped: rewritten in place on a terminal, a line every few
 * seconds otherwise (a CI log). Returns the function that stops it and writes the last line.
 */
export function showProgress(stream: { write(text: string): unknown; isTTY?: boolean }, tally: LoadTally, clock: Clock, durationMs: number): () => void {
  const tty = stream.isTTY === true;
  const started = clock.now();
  const stopped = new AbortController();
  const line = (): string => `load: ${progressLine(tally, clock.now() - started, durationMs)}`;
  const loop = async (): Promise<void> => {
    // Bounded by the stop signal: a sleep that rejects ends the loop.
    while (!stopped.signal.aborted) {
      try {
        await clock.sleep(tty ? TTY_EVERY_MS : LOG_EVERY_MS, stopped.signal);
      } catch {
        return;
      }
      stream.write(tty ? `\r\x1b[2K${line()}` : `${line()}\n`);
    }
  };
  void loop();
  return () => {
    stopped.abort();
    stream.write(tty ? `\r\x1b[2K${line()}\n` : `${line()}\n`);
  };
}
