import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ChatwireError, type ErrorCode } from './errors.js';

/**
 * chatwire's own inputs (scenario and suite files, options) go through a zod schema; a bad one
 * gets a message naming what was read, the path inside it and what was expected.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string, options: { code?: ErrorCode; hint?: string } = {}): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 3).map((issue) => {
    const pointer = issue.path.map((part) => `/${String(part)}`).join('');
    return `at ${pointer === '' ? '/' : pointer}: ${issue.message}`;
  });
  const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : '';
  throw new ChatwireError(options.code ?? 'BAD_FILE', `Failed to load ${what}: ${problems.join('; ')}${more}`, {
    ...(options.hint === undefined ? {} : { hint: options.hint }),
  });
}

/** Reads and parses a JSON file, naming the file in any error. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new ChatwireError('BAD_FILE', `Failed to read ${what} ${path}: ${reason}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ChatwireError('BAD_FILE', `Failed to parse ${what} ${path}: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'the file must be JSON',
    });
  }
}
