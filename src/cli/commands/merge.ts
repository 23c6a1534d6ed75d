import { mergeReports } from '../../load/merge.js';
import { readReport } from '../../load/report-file.js';
import { exitCodeOf } from '../../report/model.js';
import { emitReport } from '../emit.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { mergeOptions } from './options.js';

const MergeOptions = optionsSchema(mergeOptions);

/** Merges JSON reports into one and exits as the merged result would: 0 conformant, 1 deviations. */
export async function mergeCommand(files: readonly string[], raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(MergeOptions, raw, 'merge');
  const merged = mergeReports(files.map(readReport), options.strict);
  emitReport(merged, { reporter: options.reporter, output: options.output, progressShown: false }, io);
  return exitCodeOf(merged.totals, merged.strict);
}
