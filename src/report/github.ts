import type { Deviation } from '../core/rule.js';
import type { RunReport } from './model.js';

/** GitHub Actions workflow-command escaping for data and property values. */
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

function where(deviation: Deviation): string {
  switch (deviation.type) {
    case 'frame':
      return `frame ${deviation.frame}${deviation.pointer === '' ? '' : ` ${deviation.pointer}`}`;
    case 'request':
      return `request${deviation.pointer === '' ? '' : ` ${deviation.pointer}`}`;
    case 'stream':
      return `end of stream (${deviation.end})`;
    case 'omitted':
      return `${deviation.count} more`;
    case 'response':
      return 'response';
  }
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
        const level = deviation.severity === 'error' || report.strict ? 'error' : 'warning';
        const expected = deviation.expected === undefined ? '' : `\nexpected ${deviation.expected}${deviation.actual === undefined ? '' : `, got ${deviation.actual}`}`;
        const message = `${c.protocol}/${c.name} at ${where(deviation)}: ${deviation.message}${expected}\nsee ${deviation.source.doc}, ${deviation.source.section}`;
        lines.push(`::${level} title=${escapeProperty(`chatwire ${deviation.rule}`)}::${escapeData(message)}`);
      }
    }
  }
  const { totals } = report;
  lines.push(`::notice title=chatwire::${escapeData(`${totals.passed} passed, ${totals.warned} warned, ${totals.failed} failed, ${totals.skipped} skipped of ${totals.cases} case(s) against ${report.target}`)}`);
  return `${lines.join('\n')}\n`;
}
