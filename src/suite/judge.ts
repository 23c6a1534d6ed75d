import { ExchangeCheck } from '../core/engine.js';
import type { Rule, Scope } from '../core/rule.js';
import type { Frame, StreamBatch, StreamEnd } from '../core/exchange.js';
import { isEnd } from '../transports/sse/stream.js';
import { httpRules, responseComplete } from '../transports/http/rules.js';
import { socketConnected, socketRules } from '../transports/socketio/rules.js';
import type { Protocol } from '../protocols/protocol.js';

/** The rules that judge one exchange of the given scope: the protocol's and the transport's. */
export function rulesFor(protocol: Protocol, scope: Scope, extra: readonly Rule[] = httpRules): Rule[] {
  return [...protocol.rules, ...extra].filter((rule) => rule.scopes.includes(scope));
}

export interface Judged {
  readonly frames: number;
  readonly end: StreamEnd;
}

/**
 * Feeds a transport's items to a check as they arrive. Frames are not kept: memory stays constant
 * however long the stream is.
 */
export async function judge(
  batches: AsyncIterable<StreamBatch>,
  check: ExchangeCheck,
  onFrame?: (frame: Frame) => void,
): Promise<Judged> {
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

/** The rules every exchange of the protocol's transport keeps, beside the protocol's own. */
export function transportRules(protocol: Protocol): readonly Rule[] {
  return protocol.transport === 'socketio' ? socketRules : httpRules;
}

/** The rule an exchange breaks when its connection fails: the first of its transport's rules. */
export function connectionRule(protocol: Protocol): Rule {
  return protocol.transport === 'socketio' ? socketConnected : responseComplete;
}
