import type { Clock } from '../core/clock.js';
import { CutReason } from './abort.js';

export interface WatchdogLimits {
  /** From start to the first sign of life. */
  readonly firstFrameMs: number;
  /** Longest silence after that. */
  readonly idleMs: number;
}

/**
 * Judges an answer silent early: no sign of life within the first-frame limit, or a silence longer
 * than the idle limit afterwards. One timer at a time, re-armed lazily, so marking activity on every
 * network chunk costs a clock read and nothing more.
 */
export class Watchdog {
  readonly #clock: Clock;
  readonly #limits: WatchdogLimits;
  readonly #started: number;
  #last: number | undefined;
  /** Ends the current wait early: the first sign of life may move the deadline closer (idle < first-frame). */
  #wake: AbortController | undefined;

  /** Starts watching at once; `cut` is called at most once, and never after `signal` aborts. */
  constructor(clock: Clock, limits: WatchdogLimits, signal: AbortSignal, cut: (reason: CutReason) => void) {
    this.#clock = clock;
    this.#limits = limits;
    this.#started = clock.now();
    void this.#watch(signal, cut);
  }

  /** Something arrived: a byte, an event, a poll that moved. */
  activity(): void {
    const first = this.#last === undefined;
    this.#last = this.#clock.now();
    if (first) this.#wake?.abort();
  }

  /** True once anything arrived. */
  get alive(): boolean {
    return this.#last !== undefined;
  }

  async #watch(signal: AbortSignal, cut: (reason: CutReason) => void): Promise<void> {
    for (;;) {
      const deadline = this.#last === undefined ? this.#started + this.#limits.firstFrameMs : this.#last + this.#limits.idleMs;
      const wait = deadline - this.#clock.now();
      if (wait <= 0) {
        if (signal.aborted) return;
        cut(
          this.#last === undefined ? new CutReason('timeout', this.#limits.firstFrameMs, 'first-frame') : new CutReason('timeout', this.#limits.idleMs, 'idle'),
        );
        return;
      }
      this.#wake = new AbortController();
      try {
        await this.#clock.sleep(wait, AbortSignal.any([signal, this.#wake.signal]));
      } catch {
        if (signal.aborted) return; // the exchange ended first
      }
    }
  }
}
