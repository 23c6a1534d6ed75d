import { rulePage } from '../protocols/pages.js';
import type { RunReport } from './model.js';
import { REPORT_FORMAT, REPORT_VERSION, type ReportDocument } from './schema.js';

/** The schema's output type with every array and field read-only, as the report model holds them. */
type Frozen<T> = T extends readonly (infer U)[] ? readonly Frozen<U>[] : T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

/**
 * The report as a document of its own: its format and version first (schemas/chatwire/report.schema.json),
 * each deviation with the section of its protocol page that explains its rule.
 */
export function reportDocument(report: RunReport): Frozen<ReportDocument> {
  const { tool, version, cases, ...rest } = report;
  const linked = cases.map((c) => ({
    ...c,
    steps: c.steps.map((step) => ({ ...step, deviations: step.deviations.map((deviation) => ({ ...deviation, page: rulePage(deviation.rule).link })) })),
  }));
  return { format: REPORT_FORMAT, version: REPORT_VERSION, tool: `${tool} ${version}`, ...rest, cases: linked };
}

export function renderJson(report: RunReport): string {
  return `${JSON.stringify(reportDocument(report), null, 2)}\n`;
}
