import { failsRun, whereOf, type RunReport } from './model.js';

/** GitHub Actions workflow-command escaping for data and property values. */
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/**
 * Deviations as GitHub Actions annotations (::error / ::warning), one per line, then a notice with
 * the totals. With strict, warnings are annotated as errors.
 */
export function renderGithub(report: RunReport): string {
  const lines: string[] = [];
  for (const c of report.cases) {
    for (const step of c.steps) {
      for (const deviation of step.deviations) {
        const level = failsRun(deviation, report.strict) ? 'error' : deviation.known === undefined ? 'warning' : 'notice';
        const expected =
          deviation.expected === undefined ? '' : `\nexpected ${deviation.expected}${deviation.actual === undefined ? '' : `, got ${deviation.actual}`}`;
        const message = `${c.protocol}/${c.name} at ${whereOf(deviation)}: ${deviation.message}${expected}\nsee ${deviation.source.doc}, ${deviation.source.section}`;
        lines.push(`::${level} title=${escapeProperty(`chatwire ${deviation.rule}`)}::${escapeData(message)}`);
      }
    }
  }
  for (const entry of report.baseline?.stale ?? []) {
    const message = `${entry.case}: ${entry.rule} no longer occurs; remove it from ${report.baseline?.file ?? 'the baseline'}`;
    lines.push(`::error title=${escapeProperty('chatwire stale baseline entry')}::${escapeData(message)}`);
  }
  const { totals } = report;
  lines.push(
    `::notice title=chatwire::${escapeData(`${totals.passed} passed, ${totals.warned} warned, ${totals.failed} failed, ${totals.skipped} skipped of ${totals.cases} case(s) against ${report.target}`)}`,
  );
  return `${lines.join('\n')}\n`;
}
