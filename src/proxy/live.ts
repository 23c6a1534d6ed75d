import type { Clock } from '../core/clock.js';
import { ExchangeCheck } from '../core/engine.js';
import type { Frame, ResponseHead, StreamEnd } from '../core/exchange.js';
import type { Deviation, ExchangeContext, Rule, Scope } from '../core/rule.js';
import type { WireTap } from '../transports/observer.js';
import { Watchdog } from '../transports/watchdog.js';
import type { Ledger } from './ledger.js';

export interface LiveOptions {
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly method: string;
  readonly path: string;
  /** Which rules judge the answer: a stream's, a whole answer's, or a refusal's (the request broke an error rule). */
  readonly scope: Scope;
  /** The protocol's and the transport's rules; those of `scope` judge it. */
  readonly rules: readonly Rule[];
  readonly context: ExchangeContext;
  /** What the request rules found, reported with the exchange. */
  readonly requestDeviations: readonly Deviation[];
  readonly maxFrames: number;
  readonly tap?: WireTap | undefined;
  /** `clock.now()` when the request began. */
  readonly startedAt?: number;
  /**
   * The protocol's last frame, and how long the server may keep the answer open after it: past the
   * grace the exchange is judged as held open (the traffic still passes until the server closes it).
   */
  readonly closeAfter?:
    | {
        readonly isLast: (frame: Frame) => boolean;
        /** Frames that are no sign of an answer going on (a keep-alive event): they do not start the grace again. */
        readonly isHeartbeat?: ((frame: Frame) => boolean) | undefined;
        readonly graceMs: number;
        readonly signal: AbortSignal;
      }
    | undefined;
}

/** The most request deviations of later requests kept for one exchange. */
const MAX_LATER = 20;

/**
 * One exchange judged as it passes: the same engine the suites use, fed each frame as it is parsed
 * from a copy of the bytes already forwarded. Keeps counters, never frames.
 */
export class LiveExchange {
  readonly id: number;
  #options: LiveOptions;
  #check: ExchangeCheck;
  readonly #started: number;
  #status: number | null = null;
  #frames = 0;
  #ended = false;
  /** The deviations told so far (the engine's, as it found them, credentials blanked). */
  readonly #told: Deviation[] = [];
  #fromEngine = 0;
  #later = 0;
  /** Armed at the protocol's last frame; aborted when the exchange ends in time. */
  /** The close grace, from the last frame, started again by each frame after it. */
  #grace: Watchdog | undefined;
  readonly #stopGrace = new AbortController();

  constructor(options: LiveOptions) {
    this.#options = options;
    this.id = options.ledger.nextId();
    this.#started = options.startedAt ?? options.clock.now();
    const rules = options.rules.filter((rule) => rule.scopes.includes(options.scope));
    this.#check = new ExchangeCheck(rules, options.context);
    for (const deviation of options.requestDeviations) this.#tell(deviation);
  }

  #tell(deviation: Deviation): void {
    const { ledger, method, path } = this.#options;
    this.#told.push(ledger.found({ id: this.id, method, path }, deviation));
  }

  /** Tells the deviations the engine found since last asked: each is printed as the frame that broke the rule passes. */
  #catchUp(keep: (deviation: Deviation) => boolean = () => true): void {
    const found = this.#check.deviations;
    for (; this.#fromEngine < found.length; this.#fromEngine++) {
      const deviation = found[this.#fromEngine];
      if (deviation !== undefined && keep(deviation)) this.#tell(deviation);
    }
  }

  /** Request deviations of a later request of the same exchange (a later poll of a series). */
  requestDeviations(found: readonly Deviation[]): void {
    if (this.#ended) return;
    for (const deviation of found.slice(0, Math.max(0, MAX_LATER - this.#later))) this.#tell(deviation);
    this.#later += found.length;
  }

  /** Judges the exchange by another scope's rules, before its answer began: a refused request answered anyway. */
  rescope(scope: Scope): void {
    if (this.#status !== null || this.#frames > 0 || this.#ended) return;
    this.#options = { ...this.#options, scope };
    this.#check = new ExchangeCheck(
      this.#options.rules.filter((rule) => rule.scopes.includes(scope)),
      this.#options.context,
    );
    this.#fromEngine = 0;
  }

  elapsed(): number {
    return this.#options.clock.now() - this.#started;
  }

  get ended(): boolean {
    return this.#ended;
  }

  get frames(): number {
    return this.#frames;
  }

  response(head: ResponseHead): void {
    if (this.#ended) return;
    this.#status = head.status;
    this.#check.response(head);
    this.#catchUp();
    this.#options.tap?.response(head);
  }

  chunk(chunk: Uint8Array): void {
    if (!this.#ended) this.#options.tap?.chunk(chunk, this.elapsed());
  }

  frame(frame: Frame): void {
    if (this.#ended) return;
    // Past the frame limit the answer is still relayed, but no longer judged.
    if (this.#frames >= this.#options.maxFrames) {
      this.end({ type: 'frame-limit', atMs: this.elapsed(), limit: this.#options.maxFrames });
      return;
    }
    this.#frames++;
    this.#check.frame(frame);
    this.#catchUp();
    this.#options.tap?.frame(frame);
    const close = this.#options.closeAfter;
    // The grace runs from the last frame: a frame after the last (a summary some protocols send) starts it again.
    if (close === undefined) return;
    if (this.#grace !== undefined) {
      if (close.isHeartbeat?.(frame) !== true) this.#grace.activity();
    } else if (close.isLast(frame)) {
      const ms = close.graceMs;
      const stop = AbortSignal.any([close.signal, this.#stopGrace.signal]);
      this.#grace = new Watchdog(this.#options.clock, { firstFrameMs: ms, idleMs: ms }, stop, () =>
        this.end({ type: 'held-open', atMs: this.elapsed(), graceMs: ms }),
      );
    }
  }

  /**
   * Ends the judging once. `clientGone`: the client left before the answer ended, so how the answer
   * ended is not the server's doing: only what passed is judged, not its end.
   */
  end(end: StreamEnd, options: { readonly clientGone?: boolean } = {}): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stopGrace.abort();
    // Past --max-frames or --max-bytes the answer passes unjudged: how it ends is not known here.
    if (end.type !== 'frame-limit' && end.type !== 'byte-limit') this.#check.end(end);
    this.#catchUp((deviation) => options.clientGone !== true || deviation.type !== 'stream');
    this.#options.tap?.end(end);
    const { method, path } = this.#options;
    this.#options.ledger.add({
      id: this.id,
      method,
      path,
      expect: this.#options.scope,
      status: this.#status,
      frames: this.#frames,
      end,
      durationMs: end.atMs,
      deviations: this.#told,
    });
  }
}
