/**
 * What a recording blanks before anything is written: credentials in headers, JSON fields by
 * name, and every credential value once seen, wherever it shows up again (a URL, a body, a chunk).
 */
export const REDACTED = '[redacted]';

/** Headers whose values are credentials: blanked unless told otherwise. */
export const DEFAULT_REDACTED_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-chatwire-token'];

export interface RedactionOptions {
  /** Header names whose values are blanked, besides the defaults. */
  readonly headers?: readonly string[];
  /** JSON field names whose values are blanked, in bodies, chunks, frames and events. */
  readonly fields?: readonly string[];
  /** Values blanked wherever they appear (a token given on the command line). */
  readonly secrets?: readonly string[];
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class Redaction {
  readonly headers: ReadonlySet<string>;
  readonly fields: readonly string[];
  readonly #secrets = new Set<string>();
  readonly #field: RegExp | undefined;

  constructor(options: RedactionOptions = {}) {
    this.headers = new Set([...DEFAULT_REDACTED_HEADERS, ...(options.headers ?? [])].map((name) => name.toLowerCase()));
    this.fields = [...new Set(options.fields ?? [])];
    for (const secret of options.secrets ?? []) this.#learn(secret);
    // "name": "value" or "name": 12, also inside a JSON string (\"name\":\"value\").
    this.#field =
      this.fields.length === 0
        ? undefined
        : new RegExp(String.raw`(\\?"(?:${this.fields.map(escape).join('|')})\\?"\s*:\s*)(\\?"(?:[^"\\]|\\(?!")|\\\\)*\\?"|-?\d[\d.eE+-]*)`, 'g');
  }

  /** Header values blanked by name; each blanked value is then blanked everywhere else too. */
  redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (this.headers.has(name.toLowerCase())) {
        this.#learn(value);
        out[name] = REDACTED;
      } else out[name] = this.text(value);
    }
    return out;
  }

  /** Text with known secrets and named JSON fields blanked. */
  text(text: string): string {
    let out = text;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    if (this.#field !== undefined) {
      out = out.replace(this.#field, (_match, name: string, value: string) => {
        const quote = value.startsWith('\\"') ? '\\"' : '"';
        return `${name}${quote}${REDACTED}${quote}`;
      });
    }
    return out;
  }

  /** A JSON value with the same blanking, keeping its shape. */
  json(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item: unknown) => this.json(item));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.fields.includes(key) ? REDACTED : this.json(item)]));
    }
    return value;
  }

  /** Bytes that are not text on their own: known secrets are blanked byte for byte (fields need text). */
  bytes(bytes: Uint8Array): Buffer {
    let out = Buffer.from(bytes);
    for (const secret of this.#secrets) {
      const needle = Buffer.from(secret);
      for (let at = out.indexOf(needle), guard = 0; at !== -1 && guard < 10_000; at = out.indexOf(needle, at + REDACTED.length), guard++) {
        out = Buffer.concat([out.subarray(0, at), Buffer.from(REDACTED), out.subarray(at + needle.length)]);
      }
    }
    return out;
  }

  #learn(value: string): void {
    // The credential itself, with or without its scheme (Bearer, Basic), is a secret from now on.
    const credential = value.replace(/^(?:Bearer|Basic)\s+/i, '').trim();
    for (const secret of [value.trim(), credential]) if (secret.length >= 4) this.#secrets.add(secret);
  }
}
