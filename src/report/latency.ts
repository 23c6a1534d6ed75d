import { frameText, type Frame } from '../core/exchange.js';
import type { WireObserver, WireOpening, WireTap } from '../transports/observer.js';

/** The gaps between consecutive frames of one answer. */
export interface GapStats {
  readonly count: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /** How many gaps fell at or under each bound (powers of two, in ms), for a histogram; empty bounds left out. */
  readonly histogram: readonly { readonly upToMs: number; readonly count: number }[];
}

/** How one exchange unfolded in time, in ms since its request was sent. */
export interface Latency {
  /** The first byte of the answer (or its first event or poll answer); null when nothing came. */
  readonly ttfbMs: number | null;
  /** The first frame with content (a heartbeat is not one); null when none came. */
  readonly ttftMs: number | null;
  readonly gaps: GapStats;
  /** When the exchange ended. */
  readonly totalMs: number;
}

/** One frame on a report's timeline: when it came and what it said (cut to a readable length). */
export interface TimelineFrame {
  readonly index: number;
  readonly atMs: number;
  readonly event?: string;
  readonly heartbeat?: true;
  readonly text: string;
}

export interface Timeline {
  readonly frames: readonly TimelineFrame[];
  /** Frames after the first MAX_TIMELINE_FRAMES, counted but not kept. */
  readonly omitted: number;
}

export const MAX_TIMELINE_FRAMES = 1_000;
const MAX_FRAME_TEXT = 2_000;

/**
 * Gap percentiles in constant memory, whatever the stream's length: log-linear buckets, 1/8 ms
 * under 16 ms and 32 per doubling above it (within ~3 %), the maximum kept exactly.
 */
class GapHistogram {
  readonly #fine = new Map<number, number>();
  readonly #coarse = new Map<number, number>();
  count = 0;
  max = 0;

  add(ms: number): void {
    const value = Math.max(0, ms);
    this.count++;
    this.max = Math.max(this.max, value);
    const fine =
      value < 16 ? Math.floor(value * 8) : 128 + (Math.floor(Math.log2(value)) - 4) * 32 + Math.floor((value / 2 ** Math.floor(Math.log2(value)) - 1) * 32);
    this.#fine.set(fine, (this.#fine.get(fine) ?? 0) + 1);
    const coarse = value <= 1 ? 0 : Math.ceil(Math.log2(value));
    this.#coarse.set(coarse, (this.#coarse.get(coarse) ?? 0) + 1);
  }

  /** The upper edge of the bucket holding the q-th quantile, capped by the exact maximum. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (const [bucket, n] of [...this.#fine].sort(([a], [b]) => a - b)) {
      seen += n;
      if (seen >= rank) return round(Math.min(this.max, upperEdge(bucket)));
    }
    return round(this.max);
  }

  stats(): GapStats {
    const histogram = [...this.#coarse].sort(([a], [b]) => a - b).map(([power, count]) => ({ upToMs: 2 ** power, count }));
    return { count: this.count, p50Ms: this.quantile(0.5), p99Ms: this.quantile(0.99), maxMs: this.count === 0 ? null : round(this.max), histogram };
  }
}

function upperEdge(bucket: number): number {
  if (bucket < 128) return (bucket + 1) / 8;
  const power = Math.floor((bucket - 128) / 32) + 4;
  return 2 ** power * (1 + ((bucket - 128) % 32) / 32 + 1 / 32);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function eventOf(frame: Frame): string | undefined {
  if (frame.type === 'sse' || frame.type === 'socketio') return frame.event;
  if (frame.type === 'poll') return frame.phase;
  return undefined;
}

/**
 * Times one step's exchange from what its transport shows an observer: the first byte, the first
 * frame with content, the gaps between frames and the end. Passes everything on to the observer
 * it wraps (a recorder), so a run with a meter behaves as one without.
 */
export class LatencyMeter {
  readonly #gaps = new GapHistogram();
  readonly #frames: TimelineFrame[] = [];
  #omitted = 0;
  #ttfb: number | undefined;
  #ttft: number | undefined;
  #last: number | undefined;
  #end: number | undefined;
  #opened = false;

  constructor(
    private readonly isHeartbeat: ((frame: Frame) => boolean) | undefined,
    private readonly keepTimeline: boolean,
  ) {}

  /** An observer to hand the transport; `inner` still sees every call. */
  observer(inner: WireObserver | undefined): WireObserver {
    return {
      open: (opening: WireOpening): WireTap => {
        const passed = inner?.open(opening);
        // The step's own exchange is the first opened; the single polls of a polled series are parts of it.
        const mine = !this.#opened && !(opening.type === 'request' && opening.series !== undefined);
        if (mine) this.#opened = true;
        return {
          id: passed?.id ?? 0,
          response: (head) => {
            passed?.response(head);
          },
          chunk: (chunk, atMs) => {
            passed?.chunk(chunk, atMs);
            if (mine) this.#ttfb ??= atMs;
          },
          frame: (frame) => {
            passed?.frame(frame);
            if (mine) this.#frame(frame);
          },
          end: (end) => {
            passed?.end(end);
            if (mine) this.#end = end.atMs;
          },
        };
      },
    };
  }

  #frame(frame: Frame): void {
    this.#ttfb ??= frame.atMs;
    const heartbeat = this.isHeartbeat?.(frame) === true;
    if (!heartbeat) this.#ttft ??= frame.atMs;
    if (this.#last !== undefined) this.#gaps.add(frame.atMs - this.#last);
    this.#last = frame.atMs;
    if (!this.keepTimeline) return;
    if (this.#frames.length >= MAX_TIMELINE_FRAMES) {
      this.#omitted++;
      return;
    }
    const text = frameText(frame);
    const event = eventOf(frame);
    this.#frames.push({
      index: frame.index,
      atMs: round(frame.atMs),
      ...(event === undefined ? {} : { event }),
      ...(heartbeat ? { heartbeat: true as const } : {}),
      text: text.length > MAX_FRAME_TEXT ? `${text.slice(0, MAX_FRAME_TEXT)}…` : text,
    });
  }

  /** The figures, once the exchange has ended; `totalMs` is the step's duration when the transport reported no end. */
  latency(totalMs: number): Latency {
    const nullable = (ms: number | undefined): number | null => (ms === undefined ? null : round(ms));
    return { ttfbMs: nullable(this.#ttfb), ttftMs: nullable(this.#ttft), gaps: this.#gaps.stats(), totalMs: round(this.#end ?? totalMs) };
  }

  timeline(): Timeline | undefined {
    return this.keepTimeline ? { frames: this.#frames, omitted: this.#omitted } : undefined;
  }
}

/** The figures a one-line summary shows for a case: its slowest exchange that brought content (else its slowest), and how many it timed. */
export function caseLatency(steps: readonly { readonly latency?: Latency | undefined }[]): { latency: Latency; timed: number } | undefined {
  const timed = steps.flatMap((step) => (step.latency === undefined ? [] : [step.latency]));
  const answered = timed.filter((latency) => latency.ttftMs !== null);
  const slowest = (answered.length > 0 ? answered : timed).reduce<Latency | undefined>(
    (worst, latency) => (worst === undefined || latency.totalMs > worst.totalMs ? latency : worst),
    undefined,
  );
  return slowest === undefined ? undefined : { latency: slowest, timed: timed.length };
}

/** `ttfb 3 ms · ttft 41 ms · gaps p50 20 / p99 38 / max 40 ms · total 212 ms`; a figure nothing measured is a dash. */
export function formatLatency(latency: Latency): string {
  const ms = (value: number | null): string => (value === null ? '–' : `${value} ms`);
  const { gaps } = latency;
  const gapText = gaps.count === 0 ? 'no gaps' : `gaps p50 ${gaps.p50Ms ?? '–'} / p99 ${gaps.p99Ms ?? '–'} / max ${ms(gaps.maxMs)}`;
  return `ttfb ${ms(latency.ttfbMs)} · ttft ${ms(latency.ttftMs)} · ${gapText} · total ${ms(latency.totalMs)}`;
}
