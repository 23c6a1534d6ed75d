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

/** What the mock writes: text, or bytes when a fault cuts through a character. */
export type MockChunk = string | Uint8Array;

/**
 * Where the mock writes its answer: a head once, then chunks, then the end (or an abort). A write
 * resolves once the chunk is handed on and the client keeps up (backpressure), or it has left.
 */
export interface MockResponse {
  readonly headersSent: boolean;
  readonly ended: boolean;
  writeHead(status: number, headers: Readonly<Record<string, string>>): void;
  write(chunk: MockChunk): Promise<void>;
  end(chunk?: MockChunk): Promise<void>;
  /** Breaks the connection mid-answer. */
  abort(): void;
}

/**
 * What a write that the client kept up with returns: resolved already, the same promise every
 * time, so a writer may skip awaiting it (see playStream) and no promise is made per write.
 */
export const WRITTEN: Promise<void> = Promise.resolve();

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
  // Streams start at once, not when the first write fills a buffer; but a head sent alone costs a
  // write of its own, so it waits for this turn of the event loop: a frame written now carries it.
  let flush: NodeJS.Immediate | undefined;
  const sending = (): void => {
    if (flush === undefined) return;
    clearImmediate(flush);
    flush = undefined;
  };
  const write = (chunk: MockChunk): Promise<void> => {
    sending();
    return res.write(chunk) || res.destroyed
      ? WRITTEN
      : new Promise<void>((resolve) => {
          // A client that stops reading holds this write, not the mock's memory.
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
  };
  return {
    get headersSent() {
      return res.headersSent;
    },
    get ended() {
      return res.writableEnded;
    },
    writeHead(status, headers) {
      res.writeHead(status, headers);
      flush = setImmediate(() => {
        flush = undefined;
        if (!res.destroyed && !res.writableEnded) res.flushHeaders();
      });
    },
    write,
    end: async (chunk) => {
      sending();
      if (chunk === undefined) res.end();
      else res.end(chunk);
    },
    abort: () => {
      sending();
      res.socket?.destroy();
    },
  };
}
