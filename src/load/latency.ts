import type { LatencySummary } from '../report/model.js';

/** Each bucket is this much wider than the one before: percentiles are within 2%. */
const GROWTH = 1.02;
const LOG = Math.log(GROWTH);

const bucketOf = (ms: number): number => (ms <= 1 ? 0 : Math.ceil(Math.log(ms) / LOG));
/** A bucket's upper bound, cut (not rounded) to 3 decimals so that it reads back into the same bucket. */
const upperOf = (bucket: number): number => Math.floor(GROWTH ** bucket * 1000) / 1000;

/** Exchange latencies in constant memory: a histogram of 2% buckets, and the exact maximum. */
export class LatencyHistogram {
  readonly #counts = new Map<number, number>();
  #max = 0;
  #total = 0;

  get count(): number {
    return this.#total;
  }

  add(ms: number): void {
    this.#count(bucketOf(ms), 1);
    this.#max = Math.max(this.#max, ms);
  }

  /** Adds a report's histogram (a shard's). */
  addSummary(summary: LatencySummary): void {
    for (const [upper, count] of summary.histogram) this.#count(bucketOf(upper), count);
    this.#max = Math.max(this.#max, summary.max);
  }

  #count(bucket: number, times: number): void {
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + times);
    this.#total += times;
  }

  /** The latency under which `share` (0–1) of the exchanges fall; 0 with none. */
  percentile(share: number): number {
    if (this.#total === 0) return 0;
    const wanted = Math.max(1, Math.ceil(share * this.#total));
    let seen = 0;
    for (const bucket of [...this.#counts.keys()].sort((a, b) => a - b)) {
      seen += this.#counts.get(bucket) ?? 0;
      if (seen >= wanted) return Math.round(Math.min(upperOf(bucket), this.#max));
    }
    return this.#max;
  }

  summary(): LatencySummary {
    const histogram = [...this.#counts.entries()].sort(([a], [b]) => a - b).map(([bucket, count]) => [upperOf(bucket), count] as const);
    return { p50: this.percentile(0.5), p99: this.percentile(0.99), max: Math.round(this.#max), histogram };
  }
}
