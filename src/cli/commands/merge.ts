import { mergeReports } from '../../load/merge.js';
import { readReport } from '../../load/report-file.js';
import { exitCodeOf } from '../../report/model.js';
import { emitReports } from '../emit.js';
import { planOutputs } from '../outputs.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { mergeOptions } from './options-load.js';

const MergeOptions = optionsSchema(mergeOptions);

/** Merges JSON reports into one and exits as the merged result would: 0 conformant, 1 deviations. */
export async function mergeCommand(files: readonly string[], raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(MergeOptions, raw, 'merge');
  const outputs = planOutputs(options.reporter.length === 0 ? [{ reporter: 'json' }] : options.reporter, options.output);
  const merged = mergeReports(files.map(readReport), options.strict);
  emitReports(merged, outputs, { progressShown: false }, io);
  return exitCodeOf(merged.totals, merged.strict);
}
