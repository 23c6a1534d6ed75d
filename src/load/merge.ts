import { ChatwireError } from '../core/errors.js';
import { runReportOf, type CaseReport, type LoadSummary, type Outcome, type RunReport } from '../report/model.js';
import { LatencyHistogram } from './latency.js';

type Report = Omit<RunReport, 'totals'>;

const RANK: Readonly<Record<Outcome, number>> = { skipped: 0, passed: 1, warned: 2, failed: 3 };

/** One case seen by several reports: the worst outcome, every step, the slowest time. A skip counts only when nothing ran. */
function mergeCase(copies: readonly [CaseReport, ...CaseReport[]]): CaseReport {
  const ran = copies.filter((copy) => copy.outcome !== 'skipped');
  const [first] = ran;
  if (first === undefined) return copies[0];
  const outcome = ran.reduce<Outcome>((worst, copy) => (RANK[copy.outcome] > RANK[worst] ? copy.outcome : worst), 'passed');
  return {
    ...first,
    outcome,
    durationMs: Math.max(...ran.map((copy) => copy.durationMs)),
    steps: ran.flatMap((copy) => copy.steps),
  };
}

function mergeLoad(summaries: readonly LoadSummary[]): LoadSummary | undefined {
  const [first] = summaries;
  if (first === undefined) return undefined;
  const seen = new Set<string>();
  for (const summary of summaries) {
    for (const shard of summary.shards) {
      const key = `${summary.runId} ${shard}`;
      if (seen.has(key)) {
        throw new ChatwireError('BAD_FILE', `Failed to merge reports: shard ${shard} of load run ${summary.runId} is in two of them`, {
          hint: 'give each shard’s report once',
        });
      }
      seen.add(key);
    }
  }
  const latency = new LatencyHistogram();
  const rules = new Map<string, number>();
  const cases = new Map<string, { protocol: string; name: string; runs: number; failed: number }>();
  for (const summary of summaries) {
    latency.addSummary(summary.latency);
    for (const [rule, count] of Object.entries(summary.rules)) rules.set(rule, (rules.get(rule) ?? 0) + count);
    for (const run of summary.cases) {
      const key = `${run.protocol}/${run.name}`;
      const known = cases.get(key);
      cases.set(key, known === undefined ? { ...run } : { ...known, runs: known.runs + run.runs, failed: known.failed + run.failed });
    }
  }
  const sum = (pick: (summary: LoadSummary) => number): number => summaries.reduce((total, summary) => total + pick(summary), 0);
  return {
    sessions: Math.max(...summaries.map((summary) => summary.sessions)),
    shards: summaries.flatMap((summary) => summary.shards),
    runId: [...new Set(summaries.map((summary) => summary.runId))].join(','),
    durationMs: Math.max(...summaries.map((summary) => summary.durationMs)),
    exchanges: sum((summary) => summary.exchanges),
    errors: sum((summary) => summary.errors),
    failed: sum((summary) => summary.failed),
    busy: sum((summary) => summary.busy),
    latency: latency.summary(),
    rules: Object.fromEntries(rules),
    cases: [...cases.values()],
  };
}

/**
 * Reports of run or load (from several machines, shards or protocols) as one: cases merged by
 * protocol and name, totals counted again, load figures summed and latency taken from the joined
 * histograms. Strict when asked or when any report was.
 */
export function mergeReports(reports: readonly Report[], strict: boolean): RunReport {
  const [first] = reports;
  if (first === undefined)
    throw new ChatwireError('BAD_OPTION', 'Failed to merge reports: none given', { hint: 'chatwire merge A.json B.json -o merged.json' });
  const byCase = new Map<string, [CaseReport, ...CaseReport[]]>();
  for (const report of reports) {
    for (const copy of report.cases) {
      const key = `${copy.protocol}/${copy.name}`;
      const known = byCase.get(key);
      if (known === undefined) byCase.set(key, [copy]);
      else known.push(copy);
    }
  }
  const cases = [...byCase.values()].map(mergeCase);
  const starts = reports.map((report) => Date.parse(report.startedAt));
  const start = Math.min(...starts);
  const end = Math.max(...reports.map((report, index) => (starts[index] ?? start) + report.durationMs));
  const load = mergeLoad(reports.flatMap((report) => (report.load === undefined ? [] : [report.load])));
  return runReportOf({
    version: first.version,
    target: [...new Set(reports.map((report) => report.target))].join(', '),
    embeddedMock: reports.every((report) => report.embeddedMock),
    strict: strict || reports.some((report) => report.strict),
    startedAt: new Date(start).toISOString(),
    durationMs: Math.round(end - start),
    cases,
    ...(load === undefined ? {} : { load }),
  });
}
