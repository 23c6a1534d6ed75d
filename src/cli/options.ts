import { z } from 'zod';
import { ChatwireError } from '../core/errors.js';
import { REPORTER_NAMES } from '../report/render.js';

/** `250ms`, `5s`, `2m`: a unit is required, since a bare `5` reads as seconds to some and milliseconds to others. */
export const duration = z
  .string()
  .regex(/^\d+(?:\.\d+)?(?:ms|s|m)$/, 'a duration with its unit, such as 500ms, 30s or 2m')
  .transform((text) => {
    const value = Number.parseFloat(text);
    if (text.endsWith('ms')) return Math.round(value);
    if (text.endsWith('s')) return Math.round(value * 1000);
    return Math.round(value * 60_000);
  })
  .pipe(
    z
      .number()
      .int()
      .min(1, 'a duration of at least 1ms')
      .max(24 * 3_600_000, 'a duration of at most 24 hours'),
  );

export const count = (max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, 'a whole number of at least 1').max(max, `a whole number of at most ${max}`));

export const httpUrl = z
  .string()
  .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), 'an http:// or https:// URL such as http://127.0.0.1:8080');

/** `Name: value`, as curl takes it. */
export const header = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:.*$/, 'a header written as "Name: value"')
  .transform((text) => {
    const colon = text.indexOf(':');
    return [text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim()] as const;
  });

/** A -r value: a report format, and optionally the file it is written to (`junit:out.xml`). */
export const reporter = z.string().transform((text, context) => {
  const colon = text.indexOf(':');
  const name = colon === -1 ? text : text.slice(0, colon);
  const file = colon === -1 ? undefined : text.slice(colon + 1);
  const known = REPORTER_NAMES.find((candidate) => candidate === name);
  if (known === undefined || file === '') {
    context.addIssue({ code: 'custom', message: `a report format (${REPORTER_NAMES.join(', ')}), optionally with :FILE, e.g. junit:out.xml` });
    return z.NEVER;
  }
  return { reporter: known, file };
});

export const port = z
  .string()
  .regex(/^\d+$/, 'a port number from 0 to 65535')
  .transform(Number)
  .pipe(z.number().int().min(0, 'a port number from 0 to 65535').max(65_535, 'a port number from 0 to 65535'));

/** Parses a command's options; a bad one is exit 2 with the flag named. */
export function parseOptions<T extends z.ZodType>(schema: T, raw: unknown, command: string): z.output<T> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path[0];
  const flag = typeof key === 'string' ? `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}` : 'an option';
  const given = typeof key === 'string' && typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
  const shown: unknown = Array.isArray(given) ? given[Number(issue?.path[1] ?? 0)] : given;
  throw new ChatwireError(
    'BAD_OPTION',
    `Failed to parse ${flag}${shown === undefined ? '' : ` "${typeof shown === 'string' ? shown : JSON.stringify(shown)}"`}: expected ${issue?.message ?? 'a valid value'}`,
    {
      hint: `see chatwire ${command} --help`,
    },
  );
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
