import { writeFileSync } from 'node:fs';
import { ChatwireError } from '../core/errors.js';
import type { RunReport } from '../report/model.js';
import { colorsFor, formatSummary } from '../report/pretty.js';
import { render } from '../report/render.js';
import type { CliIo } from './io.js';
import type { ReporterName } from '../report/render.js';

/**
 * Writes a report where it was asked for: to --output (without colour) with a summary on stdout,
 * else to stdout. With pretty output the cases were already printed as they finished.
 */
export function emitReport(report: RunReport, options: { reporter: ReporterName; output?: string | undefined; progressShown: boolean }, io: CliIo): void {
  const colors = colorsFor(io.stdout, io.env);
  if (options.output !== undefined) {
    try {
      writeFileSync(options.output, render(options.reporter, report, colorsFor({}, {})));
    } catch (error) {
      throw new ChatwireError('BAD_OPTION', `Failed to write --output ${options.output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        hint: 'check that the folder exists and is writable',
      });
    }
    io.stdout.write(`${formatSummary(report, colors)}\n`);
  } else if (options.reporter === 'pretty' && options.progressShown) {
    io.stdout.write(`${formatSummary(report, colors)}\n`);
  } else {
    io.stdout.write(render(options.reporter, report, colors));
  }
}
