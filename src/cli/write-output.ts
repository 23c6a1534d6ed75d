import { writeFileSync } from 'node:fs';
import { ChatwireError } from '../core/errors.js';
import type { CliIo } from './io.js';

/**
 * A command's one document: to standard output, or with -o to that file. Returns whether it went to a
 * file, so that the command can say so on stderr.
 */
export function writeOutput(text: string, output: string | undefined, io: CliIo): boolean {
  if (output === undefined) {
    io.stdout.write(text);
    return false;
  }
  try {
    writeFileSync(output, text);
  } catch (error) {
    throw new ChatwireError('BAD_OPTION', `Failed to write --output ${output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'check that the folder exists and is writable',
    });
  }
  return true;
}
