import type { Outcome, CaseReport, StepReport } from '../report/model.js';
import { LatencyHistogram } from './latency.js';

/** Steps kept per case as evidence: enough for one example of every rule a case can break. */
const MAX_EVIDENCE = 20;

const RANK: Readonly<Record<Outcome, number>> = { skipped: 0, passed: 1, warned: 2, failed: 3 };

interface CaseTally {
  first: CaseReport | undefined;
  runs: number;
  failed: number;
  outcome: Outcome;
  slowestMs: number;
  readonly evidence: StepReport[];
  readonly rules: Set<string>;
}

/**
 * What the sessions did together, in memory bounded by the suite, not by the run's length: counts,
 * a latency histogram, deviations per rule, and per case one example of each rule it broke.
 */
export class LoadTally {
  readonly latency = new LatencyHistogram();
  exchanges = 0;
  errors = 0;
  failed = 0;
  /** Case runs the server turned away as busy (429, 503): counted, not judged. */
  busy = 0;
  readonly rules = new Map<string, number>();
  readonly #cases = new Map<string, CaseTally>();
  readonly #skipped: CaseReport[] = [];

  get deviations(): number {
    let sum = 0;
    for (const count of this.rules.values()) sum += count;
    return sum;
  }

  turnedAway(): void {
    this.busy += 1;
  }

  skip(report: CaseReport): void {
    this.#skipped.push(report);
  }

  add(report: CaseReport, session: number, round: number): void {
    const key = `${report.protocol}/${report.name}`;
    let tally = this.#cases.get(key);
    if (tally === undefined) {
      tally = { first: undefined, runs: 0, failed: 0, outcome: 'passed', slowestMs: 0, evidence: [], rules: new Set() };
      this.#cases.set(key, tally);
    }
    tally.first ??= report;
    tally.runs += 1;
    if (report.outcome === 'failed') tally.failed += 1;
    if (RANK[report.outcome] > RANK[tally.outcome]) tally.outcome = report.outcome;
    tally.slowestMs = Math.max(tally.slowestMs, report.durationMs);
    for (const step of report.steps) {
      this.exchanges += 1;
      this.latency.add(step.durationMs);
      if (step.status === null && step.frames === 0) this.errors += 1;
      if (step.deviations.some((deviation) => deviation.severity === 'error')) this.failed += 1;
      for (const deviation of step.deviations) this.rules.set(deviation.rule, (this.rules.get(deviation.rule) ?? 0) + 1);
      const fresh = step.deviations.filter((deviation) => !tally.rules.has(deviation.rule));
      if (fresh.length === 0 || tally.evidence.length >= MAX_EVIDENCE) continue;
      for (const deviation of fresh) tally.rules.add(deviation.rule);
      const note = `session ${session}, run ${round + 1} of the case in that session`;
      tally.evidence.push({ ...step, note: step.note === undefined ? note : `${note}; ${step.note}` });
    }
  }

  /** One report per case, in the order given: its worst outcome, with one example step per rule it broke. */
  cases(order: readonly string[]): CaseReport[] {
    const ran = order.flatMap((key): CaseReport[] => {
      const tally = this.#cases.get(key);
      if (tally?.first === undefined) return [];
      const steps = tally.evidence.length > 0 ? tally.evidence : tally.first.steps;
      return [{ ...tally.first, outcome: tally.outcome, durationMs: tally.slowestMs, steps }];
    });
    return [...ran, ...this.#skipped];
  }

  runs(): Array<{ protocol: string; name: string; runs: number; failed: number }> {
    return [...this.#cases.values()].flatMap((tally) =>
      tally.first === undefined ? [] : [{ protocol: tally.first.protocol, name: tally.first.name, runs: tally.runs, failed: tally.failed }],
    );
  }
}
