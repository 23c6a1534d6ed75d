import type { Deviation } from '../core/rule.js';
import type { ClientDeviationRecord } from './exchange.js';

/**
 * Client deviations quote what clients sent. Before one is kept or logged, credentials and
 * secret-looking values are blanked: a mock in shared CI must not hand out what its clients sent.
 */
const REDACTED = '[redacted]';

/** Field names whose values are secrets, in JSON (`"apiKey": "…"`) or header form (`Cookie: …`). */
const SECRET_NAME = String.raw`(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|apikey|access[-_]?token|refresh[-_]?token|id[-_]?token|token|secret|client[-_]?secret|password|passwd|private[-_]?key|x-chatwire-token)`;

const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // "apiKey": "value" (also with escaped quotes inside a quoted body)
  [new RegExp(String.raw`((?:\\?")${SECRET_NAME}(?:\\?")\s*:\s*(?:\\?"))((?:[^"\\]|\\(?!"))*)`, 'gi'), `$1${REDACTED}`],
  // Authorization: Bearer …, Cookie: …  (header lines, "Name: value")
  [new RegExp(String.raw`(\b${SECRET_NAME}\s*[:=]\s*)([^\s,;"'}]+(?:\s+[^\s,;"'}]+)?)`, 'gi'), `$1${REDACTED}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi, `$1 ${REDACTED}`],
  // Well-known key shapes: OpenAI/FastGPT keys, GitHub and Slack tokens, JWTs.
  [/\b(?:sk|fastgpt|openapi)-[A-Za-z0-9_-]{12,}/g, REDACTED],
  [/\b(?:ghp|gho|ghs|xox[abprs])[-_][A-Za-z0-9-]{12,}/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
];

/** The text with every secret it shows blanked, the mock's own token included. */
export function redact(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A client deviation with every text field that may quote the client redacted. */
export function redactRecord(record: ClientDeviationRecord, known: readonly string[]): ClientDeviationRecord {
  const { deviation } = record;
  const fields = {
    message: redact(deviation.message, known),
    ...(deviation.expected === undefined ? {} : { expected: redact(deviation.expected, known) }),
    ...(deviation.actual === undefined ? {} : { actual: redact(deviation.actual, known) }),
  };
  const redacted: Deviation = deviation.type === 'frame' ? { ...deviation, ...fields, quote: redact(deviation.quote, known) } : { ...deviation, ...fields };
  return { ...record, deviation: redacted };
}
