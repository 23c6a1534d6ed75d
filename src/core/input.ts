import { readFileSync } from 'node:fs';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { ChatwireError, type ErrorCode } from './errors.js';
import { explainIssues } from './issues.js';

/**
 * chatwire's own inputs (scenario and suite files, options) go through a zod schema; a bad one
 * gets a message naming what was read, the path inside it and what was expected.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string, options: { code?: ErrorCode; hint?: string } = {}): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const found = explainIssues(schema, result.error.issues);
  const problems = found.slice(0, 3).map((problem) => `at ${problem.pointer === '' ? '/' : problem.pointer}: ${problem.message}`);
  const more = found.length > 3 ? ` (and ${found.length - 3} more)` : '';
  throw new ChatwireError(options.code ?? 'BAD_FILE', `Failed to load ${what}: ${problems.join('; ')}${more}`, {
    ...(options.hint === undefined ? {} : { hint: options.hint }),
  });
}

/** What went wrong at a JSON syntax error, in words. */
const SYNTAX: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected text',
  InvalidNumberFormat: 'a malformed number',
  PropertyNameExpected: 'expected a property name in double quotes (a trailing comma?)',
  ValueExpected: 'expected a value (a trailing comma, or a missing value?)',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected "," between items',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'expected the end of the file',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'comments are not JSON',
  UnexpectedEndOfString: 'a string is not closed on its line',
  UnexpectedEndOfNumber: 'a number is cut short',
  InvalidUnicode: 'a malformed \\u escape',
  InvalidEscapeCharacter: 'an escape JSON does not have',
  InvalidCharacter: 'a control character inside a string (write it as an escape)',
};

/** Line and column (from 1) of an offset into the text. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** Where a text JSON.parse refused first goes wrong, read with a scanner that keeps offsets. */
function syntaxError(text: string, fallback: string): string {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) return fallback;
  const { line, column } = lineColumn(text, first.offset);
  const code = printParseErrorCode(first.error);
  return `bad JSON at line ${line}, column ${column}: ${SYNTAX[code] ?? code}`;
}

/** Reads and parses a JSON file, naming the file in any error, and the line and column of bad JSON. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new ChatwireError('BAD_FILE', `Failed to read ${what} ${path}: ${reason}`);
  }
  // Editors on some systems save a byte order mark; it is not part of the JSON.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = syntaxError(text, error instanceof Error ? error.message : String(error));
    throw new ChatwireError('BAD_FILE', `Failed to load ${what} ${path}: ${reason}; expected JSON`, { hint: 'the file must be JSON' });
  }
}
