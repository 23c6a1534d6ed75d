/**
 * The `stream` flag as a Python service reads it (document 000_a17f2b116e8d969e.txt, 接口地址:
 * `POST /chat?stream=true`). FastAPI parses a bool query parameter as pydantic does, so `True`
 * (what `requests` sends for `params={'stream': True}`), `1`, `yes` and `on` all ask for a stream.
 */
const TRUE = new Set(['true', '1', 'yes', 'on', 't', 'y']);
const FALSE = new Set(['false', '0', 'no', 'off', 'f', 'n']);

/** true or false for a value pydantic reads as a bool; undefined when absent; 'invalid' for anything else. */
export function queryFlag(value: string | null): boolean | undefined | 'invalid' {
  if (value === null) return undefined;
  const word = value.trim().toLowerCase();
  return TRUE.has(word) ? true : FALSE.has(word) ? false : 'invalid';
}

/** Whether a request asks for a stream: `stream` true in the query string or in the body. */
export function asksStream(query: string | null, body: unknown): boolean {
  return queryFlag(query) === true || (typeof body === 'object' && body !== null && 'stream' in body && body.stream === true);
}
