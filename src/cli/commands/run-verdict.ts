import { totalsOf, type CaseReport, type RunReport, type Totals } from '../../report/model.js';
import type { Baseline } from '../../suite/baseline.js';

/**
 * What a run makes of each case as it finishes: the baseline's known deviations marked, and with
 * --bail, after the first failing case, a reason for the cases not yet started not to run.
 */
export class RunVerdict {
  stopped: string | undefined;

  constructor(
    private readonly baseline: Baseline | undefined,
    private readonly bail: boolean,
    private readonly strict: boolean,
  ) {}

  judge(report: CaseReport): CaseReport {
    const marked = this.baseline?.mark(report) ?? report;
    const failing = marked.outcome === 'failed' || (this.strict && marked.outcome === 'warned');
    if (this.bail && failing) this.stopped ??= `--bail: ${marked.protocol}/${marked.name} failed`;
    return marked;
  }

  /** The run's cases judged, their totals (stale baseline entries counted), and what became of the baseline. */
  finish(cases: readonly CaseReport[]): { cases: CaseReport[]; totals: Totals; baseline?: RunReport['baseline'] } {
    const judged = cases.map((c) => this.baseline?.mark(c) ?? c);
    if (this.baseline === undefined) return { cases: judged, totals: totalsOf(judged) };
    const baseline = this.baseline.settle(judged);
    return { cases: judged, totals: totalsOf(judged, baseline.stale.length), baseline };
  }
}
