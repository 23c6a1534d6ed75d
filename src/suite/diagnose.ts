import type { CaseReport } from '../report/model.js';

export interface Misconfiguration {
  readonly protocol: string;
  /** What to check, e.g. "check --token". */
  readonly cause: string;
  /** One of the requests that failed that way, e.g. "POST http://…/chat → HTTP 401". */
  readonly example: string;
}

/**
 * When every valid request of a protocol failed the same way (all refused for their credentials,
 * all answered 404), the server was not given a fair trial: the run's setup is the likely fault.
 */
export function diagnose(cases: readonly CaseReport[]): Misconfiguration | undefined {
  const byProtocol = new Map<string, CaseReport[]>();
  for (const report of cases) byProtocol.set(report.protocol, [...(byProtocol.get(report.protocol) ?? []), report]);
  for (const [protocol, reports] of byProtocol) {
    const valid = reports.flatMap((report) => report.steps).filter((step) => step.expect !== 'refusal');
    if (valid.length === 0) continue;
    let common: Set<string> | undefined;
    for (const step of valid) {
      const causes = new Set(step.deviations.flatMap((deviation) => (deviation.misconfiguration === undefined ? [] : [deviation.misconfiguration])));
      common = common === undefined ? causes : new Set([...common].filter((cause) => causes.has(cause)));
      if (common.size === 0) break;
    }
    const cause = common === undefined ? undefined : [...common][0];
    const first = valid[0];
    if (cause !== undefined && first !== undefined) {
      return { protocol, cause, example: `${first.method} ${first.url} → ${first.status === null ? 'no answer' : `HTTP ${first.status}`}` };
    }
  }
  return undefined;
}
