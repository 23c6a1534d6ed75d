import { renderGithub } from './github.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import type { RunReport } from './model.js';
import { renderPretty, type Colors } from './pretty.js';

/** What a report may need beyond the run: colours for the terminal, where the HTML report's rule links lead. */
export interface RenderOptions {
  readonly colors: Colors;
  readonly docsBase?: URL | undefined;
}

/** Every report format, by the name -r takes. */
const REPORTERS = {
  pretty: (report: RunReport, { colors }: RenderOptions) => renderPretty(report, colors),
  json: (report: RunReport) => renderJson(report),
  junit: (report: RunReport) => renderJunit(report),
  github: (report: RunReport) => renderGithub(report),
  html: (report: RunReport, { docsBase }: RenderOptions) => renderHtml(report, { docsBase }),
} as const;

export type ReporterName = keyof typeof REPORTERS;
export const REPORTER_NAMES = Object.keys(REPORTERS) as readonly ReporterName[];

export function render(reporter: ReporterName, report: RunReport, options: RenderOptions): string {
  return REPORTERS[reporter](report, options);
}
