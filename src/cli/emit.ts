import { appendFileSync, writeFileSync } from 'node:fs';
import { ChatwireError } from '../core/errors.js';
import { renderJobSummary } from '../report/github.js';
import type { RunReport } from '../report/model.js';
import { colorsFor, formatSummary } from '../report/pretty.js';
import { render } from '../report/render.js';
import { docsBaseOf } from './docs-base.js';
import type { CliIo } from './io.js';
import type { ReportOutput } from './outputs.js';
import type { ReporterName } from '../report/render.js';

/** Where progress lines go while a run goes on: standard output unless a report other than pretty is printed there. */
export function progressStream(outputs: readonly ReportOutput[], io: CliIo): CliIo['stdout'] {
  const printed = outputs.find((o) => o.file === undefined);
  return printed === undefined || printed.reporter === 'pretty' ? io.stdout : io.stderr;
}

/**
 * Writes every report where it was asked for: files without colour, then at most one to standard
 * output. When pretty progress was shown, or no report goes to standard output, a summary line
 * does. Every file is attempted before a failure is reported.
 */
export function emitReports(report: RunReport, outputs: readonly ReportOutput[], options: { progressShown: boolean }, io: CliIo): void {
  const colors = colorsFor(io.stdout, io.env);
  const docsBase = docsBaseOf(io.env);
  const failed: string[] = [];
  for (const { reporter, file } of outputs) {
    if (file === undefined) continue;
    try {
      writeFileSync(file, render(reporter, report, { colors: colorsFor({}, {}), docsBase }));
    } catch (error) {
      failed.push(`${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  const summaryFile = io.env['GITHUB_STEP_SUMMARY'];
  if (outputs.some((o) => o.reporter === 'github') && summaryFile !== undefined && summaryFile !== '') {
    try {
      appendFileSync(summaryFile, renderJobSummary(report));
    } catch (error) {
      failed.push(`GITHUB_STEP_SUMMARY ${summaryFile} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  const printed = outputs.find((o) => o.file === undefined);
  if (printed === undefined || (printed.reporter === 'pretty' && options.progressShown)) io.stdout.write(`${formatSummary(report, colors)}\n`);
  else io.stdout.write(render(printed.reporter, report, { colors, docsBase }));
  if (failed.length > 0) {
    throw new ChatwireError('BAD_OPTION', `Failed to write report ${failed.join(', ')}`, { hint: 'check that the folder exists and is writable' });
  }
}

/** One report, to --output or standard output. */
export function emitReport(report: RunReport, options: { reporter: ReporterName; output?: string | undefined; progressShown: boolean }, io: CliIo): void {
  emitReports(report, [{ reporter: options.reporter, file: options.output }], options, io);
}
