import { caseLatency } from './latency.js';
import { caseDeviations, citationOf, failsRun, whereOf, type RunReport } from './model.js';

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
        const message = `${c.protocol}/${c.name} at ${whereOf(deviation)}: ${deviation.message}${expected}\n${citationOf(deviation)}`;
        lines.push(`::${level} title=${escapeProperty(`chatwire ${deviation.rule}`)}::${escapeData(message)}`);
      }
    }
  }
  for (const entry of report.baseline?.stale ?? []) {
    const message = `${entry.case}: ${entry.rule} no longer occurs; remove it from ${report.baseline?.file ?? 'the baseline'}`;
    lines.push(`::error title=${escapeProperty('chatwire stale baseline entry')}::${escapeData(message)}`);
  }
  const { totals } = report;
  if (report.error !== undefined)
    lines.push(
      `::error title=chatwire stopped early::${escapeData(`${report.error.message}${report.error.hint === undefined ? '' : ` (${report.error.hint})`}`)}`,
    );
  lines.push(
    `::notice title=chatwire::${escapeData(`${totals.passed} passed, ${totals.warned} warned, ${totals.failed} failed, ${totals.skipped} skipped of ${totals.cases} case(s) against ${report.target}`)}`,
  );
  return `${lines.join('\n')}\n`;
}

/** A Markdown table cell: pipes and line breaks would end the cell or the row. */
function cell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

const OUTCOME: Readonly<Record<string, string>> = { passed: '✅ passed', warned: '⚠️ warned', failed: '❌ failed', skipped: '⏭️ skipped' };

/** The job summary (GITHUB_STEP_SUMMARY): the totals, then a table per protocol with each case's outcome, latency and rules broken. */
export function renderJobSummary(report: RunReport): string {
  const { totals } = report;
  const ms = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : `${value} ms`);
  const parts = [
    `## chatwire: ${totals.passed} passed, ${totals.warned} warned, ${totals.failed} failed, ${totals.skipped} skipped`,
    '',
    `${totals.errors} error(s), ${totals.warnings} warning(s) against \`${cell(report.target)}\` in ${report.durationMs} ms${report.strict ? ' (strict)' : ''}.`,
  ];
  if (report.error !== undefined) parts.push('', `**Stopped early (${report.error.code}):** ${cell(report.error.message)}`);
  for (const protocol of [...new Set(report.cases.map((c) => c.protocol))]) {
    parts.push('', `### ${protocol}`, '', '| case | outcome | first content | gap p99 | total | deviations |', '| --- | --- | --- | --- | --- | --- |');
    for (const c of report.cases.filter((one) => one.protocol === protocol)) {
      const latency = caseLatency(c.steps)?.latency;
      const counts = new Map<string, number>();
      for (const deviation of caseDeviations(c)) counts.set(deviation.rule, (counts.get(deviation.rule) ?? 0) + 1);
      const rules = [...counts].map(([rule, n]) => `\`${rule}\`${n > 1 ? ` ×${n}` : ''}`).join(', ');
      const outcome = OUTCOME[c.outcome] ?? c.outcome;
      parts.push(
        `| ${cell(c.name)} | ${outcome} | ${ms(latency?.ttftMs)} | ${ms(latency?.gaps.p99Ms)} | ${ms(latency?.totalMs)} | ${cell(rules === '' ? (c.skipped ?? '') : rules)} |`,
      );
    }
  }
  return `${parts.join('\n')}\n\n`;
}
