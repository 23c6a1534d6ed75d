import { renderGithub } from './github.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import type { RunReport } from './model.js';
import { renderPretty, type Colors } from './pretty.js';

/** Every report format, by the name -r takes. */
const REPORTERS = {
  pretty: (report: RunReport, colors: Colors) => renderPretty(report, colors),
  json: (report: RunReport) => renderJson(report),
  junit: (report: RunReport) => renderJunit(report),
  github: (report: RunReport) => renderGithub(report),
  html: (report: RunReport) => renderHtml(report),
} as const;

export type ReporterName = keyof typeof REPORTERS;
export const REPORTER_NAMES = Object.keys(REPORTERS) as readonly ReporterName[];

export function render(reporter: ReporterName, report: RunReport, colors: Colors): string {
  return REPORTERS[reporter](report, colors);
}
