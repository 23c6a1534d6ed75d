import pc from 'picocolors';
import { caseLatency, formatLatency } from './latency.js';
import { citationOf, whereOf, type CaseReport, type ReportedDeviation, type RunReport } from './model.js';

export interface Colors {
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

/** Colour only on a terminal and only when NO_COLOR is unset (FORCE_COLOR forces it). */
export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colors {
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  const force = env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0';
  const enabled = !noColor && (force || stream.isTTY === true);
  return pc.createColors(enabled);
}

export function formatDeviation(deviation: ReportedDeviation, colors: Colors): string {
  const mark = deviation.known !== undefined ? colors.dim('known') : deviation.severity === 'error' ? colors.red('error') : colors.yellow('warn ');
  const where = whereOf(deviation);
  const lines = [`${mark} ${colors.bold(deviation.rule)} ${colors.dim(`at ${where}`)}: ${deviation.message}`];
  if (deviation.known?.reason !== undefined) lines.push(colors.dim(`      known: ${deviation.known.reason}`));
  if (deviation.expected !== undefined) lines.push(`      expected ${deviation.expected}${deviation.actual === undefined ? '' : `, got ${deviation.actual}`}`);
  if (deviation.type === 'frame') lines.push(colors.dim(`      frame: ${deviation.quote}`));
  lines.push(colors.dim(`      ${citationOf(deviation)}`));
  return lines.map((line) => `    ${line}`).join('\n');
}

/** One case as it finishes: a status line, then its deviations. */
export function formatCase(report: CaseReport, colors: Colors): string {
  if (report.outcome === 'skipped') return `${colors.dim('-')} ${report.protocol} › ${report.name} ${colors.dim(`skipped: ${report.skipped ?? ''}`)}`;
  const mark = report.outcome === 'passed' ? colors.green('✓') : report.outcome === 'warned' ? colors.yellow('!') : colors.red('✗');
  const head = `${mark} ${report.protocol} › ${report.name} ${colors.dim(`${report.title} (${report.durationMs} ms)`)}`;
  const stepLabel = (index: number): string => (report.steps.length > 1 ? `    ${colors.dim(`step ${index + 1}`)}\n` : '');
  const details = report.steps.flatMap((step) => [
    ...step.deviations.map((deviation) => stepLabel(step.index) + formatDeviation(deviation, colors)),
    ...(step.note === undefined ? [] : [`${stepLabel(step.index)}    ${colors.dim(`note: ${step.note}`)}`]),
  ]);
  const timed = caseLatency(report.steps);
  const latency =
    timed === undefined ? [] : [`    ${colors.dim(`${formatLatency(timed.latency)}${timed.timed > 1 ? ` (slowest of ${timed.timed} exchanges)` : ''}`)}`];
  return [head, ...latency, ...details].join('\n');
}

export function formatSummary(report: RunReport, colors: Colors): string {
  const { totals } = report;
  const parts = [
    colors.green(`${totals.passed} passed`),
    ...(totals.warned > 0 ? [colors.yellow(`${totals.warned} warned`)] : []),
    ...(totals.failed > 0 ? [colors.red(`${totals.failed} failed`)] : []),
    ...(totals.skipped > 0 ? [colors.dim(`${totals.skipped} skipped`)] : []),
  ];
  const baseline = `${totals.known > 0 ? `, ${totals.known} known` : ''}${totals.stale > 0 ? `, ${colors.red(`${totals.stale} stale baseline entr${totals.stale === 1 ? 'y' : 'ies'}`)}` : ''}`;
  const counts = `${totals.errors} error(s), ${totals.warnings} warning(s)${baseline}${report.strict ? ' (strict: warnings fail)' : ''}`;
  // A stale entry fails the run: say which, and that removing it is the fix.
  const stale = (report.baseline?.stale ?? []).map(
    (entry) => `\n${colors.red('✗')} stale baseline entry: ${entry.rule} in ${entry.case} no longer occurs; remove it from ${report.baseline?.file ?? ''}`,
  );
  const unchecked = report.baseline?.unchecked.length ?? 0;
  if (unchecked > 0) stale.push(`\n${colors.dim(`${unchecked} baseline entr${unchecked === 1 ? 'y' : 'ies'} not checked: their case did not run`)}`);
  const stopped = report.error === undefined ? '' : `\n${colors.red(`stopped early (${report.error.code}): the reason follows on stderr`)}`;
  return `\n${parts.join(', ')} of ${totals.cases} case(s) against ${report.target} in ${report.durationMs} ms; ${counts}${stale.join('')}${stopped}`;
}

export function renderPretty(report: RunReport, colors: Colors): string {
  return [...report.cases.map((c) => formatCase(c, colors)), formatSummary(report, colors)].join('\n') + '\n';
}
