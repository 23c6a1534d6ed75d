import type { Clock } from '../../core/clock.js';
import { isEnd, type Limits, type PollFrame, type StreamBatch, type StreamEnd } from '../../core/exchange.js';
import { bodyBatches } from '../http/body.js';
import { sendHttpPatiently } from '../http/busy.js';
import { cutEnd as runCut } from '../abort.js';
import { tapped, type WireObserver, type WireTap } from '../observer.js';

/** Where a poll answer says to go next, as the protocol reads it. */
export interface PollCursor {
  readonly next: number;
  readonly running: boolean;
  /** The status as the answer gives it: a change counts as progress. */
  readonly status?: unknown;
  /** How many events this answer delivered: new events count as progress. */
  readonly events?: number;
}

export interface PollOptions {
  /** The URL that polls from an offset. */
  readonly url: (from: number) => string;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * timeoutMs bounds the whole exchange; firstFrameMs each poll's answer; idleMs the time without a
   * new event or a status change; maxFrames the number of polls.
   */
  readonly limits: Limits;
  readonly clock: Clock;
  readonly start: number;
  readonly intervalMs: number;
  /** Reads the cursor out of a poll answer; undefined when the answer has none. */
  readonly cursor: (json: unknown) => PollCursor | undefined;
  /** Polls after the end, from the last offset: nothing new may come, and the status must stay ended. */
  readonly pastEnd: number;
  /** The wait before each of those. */
  readonly pastEndAfterMs: number;
  /** Re-reads from offset 0 after the end, each following the cursor page by page to the end. */
  readonly replays: number;
  readonly signal?: AbortSignal | undefined;
  /** How many times a poll is sent again to a server that says it is busy (see StepTarget.busyRetries). */
  readonly busyRetries?: number | undefined;
  readonly onBusy?: (() => boolean) | undefined;
  /** Records the series: each poll is opened on its observer as one request of it. */
  readonly series?: { readonly tap: WireTap; readonly observer: WireObserver } | undefined;
}

/**
 * Polls a resource, following its cursor, until it stops running; every answer is a frame. Then
 * the extra polls past the end and the re-reads from the start. Bounded by time, by the number of
 * polls, and by how long the resource may go without a new event or a status change.
 */
export async function* pollBatches(options: PollOptions): AsyncGenerator<StreamBatch, void, undefined> {
  const { clock, limits } = options;
  const started = clock.now();
  const elapsed = (): number => clock.now() - started;
  const remaining = (): number => limits.timeoutMs - elapsed();
  const exchangeTimeout = (): StreamEnd => ({ type: 'timeout', atMs: elapsed(), limitMs: limits.timeoutMs, limit: 'exchange' });
  let index = 0;

  const poll = async (from: number, phase: PollFrame['phase'], pass = 0): Promise<PollFrame | StreamEnd> => {
    if (remaining() <= 0) return exchangeTimeout();
    if (index >= limits.maxFrames) return { type: 'frame-limit', atMs: elapsed(), limit: limits.maxFrames };
    // A poll is a short read: an answer slower than the first-frame limit is a silent server.
    const byExchange = remaining() <= limits.firstFrameMs;
    const timeoutMs = Math.min(remaining(), limits.firstFrameMs);
    const cutEnd = (): StreamEnd => (byExchange ? exchangeTimeout() : { type: 'timeout', atMs: elapsed(), limitMs: limits.firstFrameMs, limit: 'first-frame' });
    const request = { method: 'GET', url: options.url(from), headers: options.headers, body: undefined };
    const tap = options.series?.observer.open({ type: 'request', request, label: {}, series: options.series.tap.id });
    const { exchange } = await sendHttpPatiently(request, {
      limits: { timeoutMs, closeGraceMs: 0 },
      clock,
      signal: options.signal,
      retries: options.busyRetries,
      onBusy: options.onBusy,
    });
    // The poll as it ended, for its own record; the series goes on to its next poll.
    const ended = <T extends PollFrame | StreamEnd>(result: T): T => {
      const atMs = clock.now() - exchange.startedAt;
      tap?.end(isEnd(result) ? { ...result, atMs } : { type: 'closed', atMs });
      return result;
    };
    try {
      const { outcome } = exchange;
      if (outcome.type === 'no-response') return ended(outcome.end.type === 'timeout' && outcome.end.limit !== 'run' ? cutEnd() : outcome.end);
      tap?.response(outcome.head);
      const body = tapped(outcome.body, tap, () => clock.now() - exchange.startedAt);
      for await (const batch of bodyBatches(body, { limits, clock, startedAt: started, signal: exchange.signal })) {
        if (isEnd(batch)) {
          if (batch.type !== 'closed') return ended(batch.type === 'timeout' && batch.limit !== 'run' ? cutEnd() : batch);
          continue;
        }
        const frame = batch[0];
        if (frame?.type !== 'body') continue;
        tap?.frame({ ...frame, atMs: clock.now() - exchange.startedAt });
        return ended({ type: 'poll', index: index++, atMs: elapsed(), phase, pass, from, status: outcome.head.status, text: frame.text, json: frame.json });
      }
      return ended({ type: 'broken', atMs: elapsed(), message: 'the poll answer had no body' });
    } finally {
      exchange.dispose();
    }
  };
  const cursorOf = (frame: PollFrame): PollCursor | undefined => (frame.json.ok ? options.cursor(frame.json.value) : undefined);
  const wait = async (ms: number): Promise<boolean> => {
    try {
      await clock.sleep(Math.min(ms, Math.max(0, remaining())), options.signal);
      return true;
    } catch {
      return false;
    }
  };

  let from = options.start;
  let lastProgress = clock.now();
  let lastStatus: unknown;
  for (;;) {
    const frame = await poll(from, 'poll');
    if (frame.type !== 'poll') return yield frame;
    yield [frame];
    const cursor = cursorOf(frame);
    // Without a cursor there is nowhere to go; the protocol's rules say what was wrong with the answer.
    // Nor is there an end to poll past or re-read up to: the series stops here.
    if (cursor === undefined) return yield { type: 'closed', atMs: elapsed() };
    if ((cursor.events ?? 0) > 0 || (index > 1 && cursor.status !== lastStatus)) lastProgress = clock.now();
    lastStatus = cursor.status;
    from = cursor.next;
    if (!cursor.running) break;
    if (clock.now() - lastProgress >= limits.idleMs) return yield { type: 'timeout', atMs: elapsed(), limitMs: limits.idleMs, limit: 'idle' };
    // The wait ends early only when the run is stopped: its end says by what.
    if (!(await wait(options.intervalMs))) return yield runCut(options.signal, elapsed()) ?? exchangeTimeout();
  }
  const end = from;
  for (let i = 0; i < options.pastEnd; i++) {
    // A server still appending after it said the task was over shows it only to a poll that comes a
    // while later (the documented clients poll every 0.5 s), not to one sent the same millisecond.
    if (!(await wait(options.pastEndAfterMs))) return yield runCut(options.signal, elapsed()) ?? exchangeTimeout();
    const frame = await poll(end, 'past-end');
    if (frame.type !== 'poll') return yield frame;
    yield [frame];
  }
  for (let pass = 0; pass < options.replays; pass++) {
    // A paging server answers a re-read a page at a time, "running" until the reader reaches the end.
    let at = 0;
    for (;;) {
      const frame = await poll(at, 'replay', pass);
      if (frame.type !== 'poll') return yield frame;
      yield [frame];
      const cursor = cursorOf(frame);
      if (cursor === undefined || !cursor.running || cursor.next >= end || cursor.next <= at) break;
      at = cursor.next;
    }
  }
  yield { type: 'closed', atMs: elapsed() };
}
