import type { RunReport } from './model.js';
import { REPORT_FORMAT, REPORT_VERSION, type ReportDocument } from './schema.js';

/** The schema's output type with every array and field read-only, as the report model holds them. */
type Frozen<T> = T extends readonly (infer U)[] ? readonly Frozen<U>[] : T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

/** The report as a document of its own: its format and version first (schemas/chatwire/report.schema.json). */
export function reportDocument(report: RunReport): Frozen<ReportDocument> {
  const { tool, version, ...rest } = report;
  return { format: REPORT_FORMAT, version: REPORT_VERSION, tool: `${tool} ${version}`, ...rest };
}

export function renderJson(report: RunReport): string {
  return `${JSON.stringify(reportDocument(report), null, 2)}\n`;
}
