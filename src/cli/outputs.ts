import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ChatwireError } from '../core/errors.js';
import type { ReporterName } from '../report/render.js';

/** One report to write: a format, and the file it goes to (standard output when none). */
export interface ReportOutput {
  readonly reporter: ReporterName;
  readonly file?: string | undefined;
}

/** A -r value as parsed: `junit` or `junit:out.xml`. */
export interface ReporterSpec {
  readonly reporter: ReporterName;
  readonly file?: string | undefined;
}

const usage = 'give each report its own file: -r pretty -r junit:out.xml -r json:out.json (or one -r NAME with -o FILE)';

/**
 * The reports a run writes, from its -r flags and -o: `-r NAME:FILE` names its file, and -o gives
 * one to the single -r without one (pretty when no -r is given). At most one report goes to
 * standard output and no two share a file: a flag is never silently dropped.
 */
export function planOutputs(specs: readonly ReporterSpec[], output: string | undefined): ReportOutput[] {
  const given: ReporterSpec[] = specs.length === 0 ? [{ reporter: 'pretty' }] : [...specs];
  const unnamed = given.filter((spec) => spec.file === undefined);
  if (output !== undefined && unnamed.length !== 1) {
    throw new ChatwireError(
      'BAD_OPTION',
      `Failed to place --output ${output}: it names the file of the one -r without :FILE, and ${unnamed.length === 0 ? 'every -r names its own' : `${unnamed.length} have none`}`,
      { hint: usage },
    );
  }
  const outputs = given.map((spec): ReportOutput => (spec.file === undefined && output !== undefined ? { ...spec, file: output } : spec));
  const toStdout = outputs.filter((o) => o.file === undefined);
  if (toStdout.length > 1) {
    throw new ChatwireError('BAD_OPTION', `Failed to place the reports: ${toStdout.map((o) => o.reporter).join(' and ')} would both go to standard output`, {
      hint: usage,
    });
  }
  const files = outputs.flatMap((o) => (o.file === undefined ? [] : [resolve(o.file)]));
  const twice = files.find((file, index) => files.indexOf(file) !== index);
  if (twice !== undefined) throw new ChatwireError('BAD_OPTION', `Failed to place the reports: two of them would be written to ${twice}`, { hint: usage });
  for (const o of outputs) if (o.file !== undefined) checkWritable(o.file);
  return outputs;
}

/** Fails before any work is done when a report could not be written afterwards. */
function checkWritable(file: string): void {
  const folder = dirname(resolve(file));
  const fail = (reason: string, hint: string): never => {
    throw new ChatwireError('BAD_OPTION', `Failed to prepare report ${file}: ${reason}`, { hint });
  };
  try {
    if (!statSync(folder).isDirectory()) fail(`${folder} is not a folder`, 'give a path in an existing folder');
  } catch (error) {
    if (error instanceof ChatwireError) throw error;
    fail(`the folder ${folder} does not exist`, 'create the folder first, or give a path in an existing one');
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    fail(`the folder ${folder} is not writable`, 'give a path in a folder you can write to');
  }
  try {
    if (statSync(file).isDirectory()) fail('it is a folder', 'give a file name');
  } catch (error) {
    if (error instanceof ChatwireError) throw error;
    // No such file yet: it will be created.
  }
}
