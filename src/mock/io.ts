import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request to the mock, whatever carried it (node:http, msw). */
export interface MockRequest {
  readonly method: string;
  /** Path and query, e.g. `/chat?stream=true`. */
  readonly url: string;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text, or undefined when it is over `limit` bytes (then not read further). */
  readBody(limit: number): Promise<string | undefined>;
}

/** Where the mock writes its answer: a head once, then text, then the end (or an abort). */
export interface MockResponse {
  readonly headersSent: boolean;
  readonly ended: boolean;
  writeHead(status: number, headers: Readonly<Record<string, string>>): void;
  write(text: string): void;
  /** Writes bytes as they are (a replayed chunk that is not text on its own); absent where only text can be written. */
  writeBytes?(bytes: Uint8Array): void;
  end(text?: string): void;
  /** Breaks the connection mid-answer. */
  abort(): void;
}

export function nodeRequest(req: IncomingMessage): MockRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    headers,
    readBody: (limit) =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) {
            resolve(undefined);
            req.resume();
            return;
          }
          chunks.push(chunk);
        });
        req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
      }),
  };
}

export function nodeResponse(res: ServerResponse): MockResponse {
  return {
    get headersSent() {
      return res.headersSent;
    },
    get ended() {
      return res.writableEnded;
    },
    writeHead(status, headers) {
      res.writeHead(status, headers);
      // Streams start at once, not when the first write fills a buffer.
      res.flushHeaders();
    },
    write: (text) => void res.write(text),
    writeBytes: (bytes) => void res.write(bytes),
    end: (text) => void (text === undefined ? res.end() : res.end(text)),
    abort: () => res.socket?.destroy(),
  };
}
