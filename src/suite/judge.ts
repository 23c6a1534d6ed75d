import { ExchangeCheck } from '../core/engine.js';
import type { Rule, Scope } from '../core/rule.js';
import { isEnd, type Frame, type StreamBatch, type StreamEnd } from '../core/exchange.js';

/** The rules that judge one exchange of the given scope: the protocol's and its transport's. */
export function rulesFor(protocol: { readonly rules: readonly Rule[] }, scope: Scope, transportRules: readonly Rule[]): Rule[] {
  return [...protocol.rules, ...transportRules].filter((rule) => rule.scopes.includes(scope));
}

export interface Judged {
  readonly frames: number;
  readonly end: StreamEnd;
}

/**
 * Feeds a transport's items to a check as they arrive. Frames are not kept: memory stays constant
 * however long the stream is.
 */
export async function judge(batches: AsyncIterable<StreamBatch>, check: ExchangeCheck, onFrame?: (frame: Frame) => void): Promise<Judged> {
  let frames = 0;
  for await (const batch of batches) {
    if (isEnd(batch)) {
      check.end(batch);
      return { frames, end: batch };
    }
    for (const frame of batch) {
      frames++;
      check.frame(frame);
      onFrame?.(frame);
    }
  }
  // Transports always yield an end; this is for a hand-made iterable that forgot to.
  const end: StreamEnd = { type: 'broken', atMs: 0, message: 'the stream ended without an end marker' };
  check.end(end);
  return { frames, end };
}
