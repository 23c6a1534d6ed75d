import { renderGithub } from './github.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import type { RunReport } from './model.js';
import { renderPretty, type Colors } from './pretty.js';

export type ReporterName = 'pretty' | 'json' | 'junit' | 'github';

export function render(reporter: ReporterName, report: RunReport, colors: Colors): string {
  switch (reporter) {
    case 'pretty':
      return renderPretty(report, colors);
    case 'json':
      return renderJson(report);
    case 'junit':
      return renderJunit(report);
    case 'github':
      return renderGithub(report);
  }
}
