import { describeError } from '../core/errors.js';
import type { StreamEnd } from '../core/exchange.js';

/**
 * Why chatwire cut an exchange short, carried as an AbortSignal's reason so that whichever read is
 * pending learns how the stream ended.
 */
export class CutReason extends Error {
  constructor(readonly end: Extract<StreamEnd, { type: 'timeout' | 'held-open' }>['type'], readonly limitMs: number) {
    super(end === 'timeout' ? `timed out after ${limitMs} ms` : `still open ${limitMs} ms after the last frame`);
  }
}

/** The end of a read that threw: a cut of ours when the signal says so, else a broken connection. */
export function endFromAbort(signal: AbortSignal | undefined, error: unknown, atMs: number): StreamEnd {
  const reason: unknown = signal?.aborted ? signal.reason : undefined;
  if (reason instanceof CutReason) {
    return reason.end === 'timeout'
      ? { type: 'timeout', atMs, limitMs: reason.limitMs }
      : { type: 'held-open', atMs, graceMs: reason.limitMs };
  }
  return { type: 'broken', atMs, message: describeError(error) };
}
