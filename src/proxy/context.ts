import type { Clock } from '../core/clock.js';
import type { Limits } from '../core/exchange.js';
import type { Protocol } from '../protocols/protocol.js';
import type { WireObserver } from '../transports/observer.js';
import type { Ledger } from './ledger.js';

/** What every handler of the proxy shares: the protocol, where traffic goes, the judge's bounds and its ledger. */
export interface ProxyContext {
  readonly protocol: Protocol;
  readonly target: URL;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly limits: Pick<Limits, 'maxFrames' | 'maxBytes' | 'closeGraceMs' | 'idleMs'>;
  /** Sees what passed (`--record`). */
  readonly observer?: WireObserver | undefined;
  /** Says what went wrong in judging (never in the traffic, which passes regardless). */
  readonly onError: (error: unknown) => void;
  /** Aborts when the proxy stops: exchanges still open end then. */
  readonly signal: AbortSignal;
  /** What the request rules keep between the client's requests (a chat's item ids), bounded by each rule. */
  readonly requestMemory: Map<string, unknown>;
}
