import type { Clock } from '../../core/clock.js';
import type { Limits, PollFrame, StreamBatch, StreamEnd } from '../../core/exchange.js';
import { bodyBatches } from '../http/body.js';
import { sendHttp } from '../http/request.js';
import { isEnd } from '../sse/stream.js';

/** Where a poll answer says to go next, as the protocol reads it. */
export interface PollCursor {
  readonly next: number;
  readonly running: boolean;
}

export interface PollOptions {
  /** The URL that polls from an offset. */
  readonly url: (from: number) => string;
  readonly headers: Readonly<Record<string, string>>;
  /** timeoutMs bounds the whole exchange; maxFrames the number of polls. */
  readonly limits: Limits;
  readonly clock: Clock;
  readonly start: number;
  readonly intervalMs: number;
  /** Reads the cursor out of a poll answer; undefined when the answer has none. */
  readonly cursor: (json: unknown) => PollCursor | undefined;
  /** Polls after the end, from the last offset: nothing new may come, and the status must stay ended. */
  readonly pastEnd: number;
  /** Re-reads from offset 0 after the end: the same events, in the same order. */
  readonly replays: number;
}

/**
 * Polls a resource, following its cursor, until it stops running; every answer is a frame. Then
 * the extra polls past the end and from the start. Bounded by time and by the number of polls.
 */
export async function* pollBatches(options: PollOptions): AsyncGenerator<StreamBatch, void, undefined> {
  const { clock, limits } = options;
  const started = clock.now();
  const elapsed = (): number => clock.now() - started;
  const remaining = (): number => limits.timeoutMs - elapsed();
  let index = 0;

  const poll = async (from: number, phase: PollFrame['phase']): Promise<PollFrame | StreamEnd> => {
    if (remaining() <= 0) return { type: 'timeout', atMs: elapsed(), limitMs: limits.timeoutMs };
    if (index >= limits.maxFrames) return { type: 'frame-limit', atMs: elapsed(), limit: limits.maxFrames };
    const exchange = await sendHttp({ method: 'GET', url: options.url(from), headers: options.headers, body: undefined }, { limits: { timeoutMs: remaining(), closeGraceMs: 0 }, clock });
    try {
      const { outcome } = exchange;
      if (outcome.type === 'no-response') return outcome.end.type === 'timeout' ? { type: 'timeout', atMs: elapsed(), limitMs: limits.timeoutMs } : outcome.end;
      for await (const batch of bodyBatches(outcome.body, { limits, clock, startedAt: started, signal: exchange.signal })) {
        if (isEnd(batch)) {
          if (batch.type !== 'closed') return batch.type === 'timeout' ? { type: 'timeout', atMs: elapsed(), limitMs: limits.timeoutMs } : batch;
          continue;
        }
        const body = batch[0];
        if (body?.type !== 'body') continue;
        return { type: 'poll', index: index++, atMs: elapsed(), phase, from, status: outcome.head.status, text: body.text, json: body.json };
      }
      return { type: 'broken', atMs: elapsed(), message: 'the poll answer had no body' };
    } finally {
      exchange.dispose();
    }
  };

  let from = options.start;
  for (;;) {
    const frame = await poll(from, 'poll');
    if (frame.type !== 'poll') {
      yield frame;
      return;
    }
    yield [frame];
    const cursor = frame.json.ok ? options.cursor(frame.json.value) : undefined;
    // Without a cursor there is nowhere to go; the protocol's rules say what was wrong with the answer.
    if (cursor === undefined) break;
    from = cursor.next;
    if (!cursor.running) break;
    const wait = Math.min(options.intervalMs, Math.max(0, remaining()));
    await clock.sleep(wait);
  }
  for (let i = 0; i < options.pastEnd; i++) {
    const frame = await poll(from, 'past-end');
    if (frame.type !== 'poll') return yield frame;
    yield [frame];
  }
  for (let i = 0; i < options.replays; i++) {
    const frame = await poll(0, 'replay');
    if (frame.type !== 'poll') return yield frame;
    yield [frame];
  }
  yield { type: 'closed', atMs: elapsed() };
}
