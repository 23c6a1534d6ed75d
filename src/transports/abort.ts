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

/** The end a signal's cut gives, when the signal was aborted by a cut of ours (a limit, the run's included). */
export function cutEnd(signal: AbortSignal | undefined, atMs: number): StreamEnd | undefined {
  const reason: unknown = signal?.aborted ? signal.reason : undefined;
  return reason instanceof CutReason ? reason.toEnd(atMs) : undefined;
}

/** How an answer that is not UTF-8 ends: its text cannot be read as the server meant it (U+FFFD would hide that). */
export const INVALID_UTF8 = 'the answer is not valid UTF-8 (JSON text exchanged between systems must be UTF-8, RFC 8259 §8.1); chatwire stopped reading';

/** A fatal TextDecoder's complaint. */
export function isInvalidUtf8(error: unknown): boolean {
  return error instanceof TypeError && (error as TypeError & { code?: unknown }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
}

/** The end of a read that threw: a cut of ours when the signal says so, text that is not UTF-8, else a broken connection. */
export function endFromAbort(signal: AbortSignal | undefined, error: unknown, atMs: number): StreamEnd {
  const reason: unknown = signal?.aborted ? signal.reason : undefined;
  if (reason instanceof CutReason) return reason.toEnd(atMs);
  if (isInvalidUtf8(error)) return { type: 'broken', atMs, message: INVALID_UTF8 };
  return { type: 'broken', atMs, message: describeError(error) };
}
