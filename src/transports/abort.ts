import { describeError } from '../core/errors.js';
import type { StreamEnd, TimeLimit } from '../core/exchange.js';

type CutEnd = Extract<StreamEnd, { type: 'timeout' | 'held-open' }>;

/**
 * Why chatwire cut an exchange short, carried as an AbortSignal's reason so that whichever read is
 * pending learns how the stream ended.
 */
export class CutReason extends Error {
  constructor(
    readonly end: CutEnd['type'],
    readonly limitMs: number,
    readonly limit: TimeLimit = 'exchange',
  ) {
    super(end === 'timeout' ? `timed out after ${limitMs} ms (${limit} limit)` : `still open ${limitMs} ms after the last frame`);
  }

  toEnd(atMs: number): CutEnd {
    return this.end === 'timeout' ? { type: 'timeout', atMs, limitMs: this.limitMs, limit: this.limit } : { type: 'held-open', atMs, graceMs: this.limitMs };
  }
}

/** The end of a read that threw: a cut of ours when the signal says so, else a broken connection. */
export function endFromAbort(signal: AbortSignal | undefined, error: unknown, atMs: number): StreamEnd {
  const reason: unknown = signal?.aborted ? signal.reason : undefined;
  if (reason instanceof CutReason) return reason.toEnd(atMs);
  return { type: 'broken', atMs, message: describeError(error) };
}
