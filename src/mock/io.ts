import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request body as read: its text, or why the mock will not take it (with the status that says so). */
export type BodyRead = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly status: 400 | 413; readonly problem: string };

/** A request to the mock, whatever carried it (node:http, msw). */
export interface MockRequest {
  readonly method: string;
  /** Path and query, e.g. `/chat?stream=true`. */
  readonly url: string;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, unless it is over `limit` bytes (then not read further), not UTF-8, or cut short. */
  readBody(limit: number): Promise<BodyRead>;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as text; a request's JSON must be UTF-8, so bytes that are not are refused, not replaced by U+FFFD. */
export function decodeBody(bytes: Uint8Array): BodyRead {
  try {
    return { ok: true, text: strictUtf8.decode(bytes) };
  } catch {
    return { ok: false, status: 400, problem: 'the body is not valid UTF-8' };
  }
}

export const overLimit = (limit: number): BodyRead => ({ ok: false, status: 413, problem: `the body is over ${limit} bytes` });

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

/** When the client left: read cheaply per frame, with an AbortSignal for a wait that must end with it. */
export interface ClientLeaving {
  readonly left: boolean;
  readonly signal: AbortSignal;
}

/**
 * The client of a node:http response, its AbortSignal made only when a wait asks for it: most
 * answers never wait, and node's AbortController took V8's slow paths on every request.
 */
export class LazyLeaving implements ClientLeaving {
  #controller: AbortController | undefined;
  #left = false;
  #reason: unknown;

  get left(): boolean {
    return this.#left;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#left) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  leave(reason: unknown): void {
    if (this.#left) return;
    this.#left = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}

/** An AbortSignal one has already (msw's request, a bridge's), as ClientLeaving. */
export class SignalLeaving implements ClientLeaving {
  constructor(readonly signal: AbortSignal) {}

  get left(): boolean {
    return this.signal.aborted;
  }
}

/**
 * What a write that the client kept up with returns: resolved already, the same promise every
 * time, so a writer may skip awaiting it (see playStream) and no promise is made per write.
 */
export const WRITTEN: Promise<void> = Promise.resolve();

/** Whether every header is one string, as node:http gives them for all but a repeated set-cookie. */
function allStrings(headers: Readonly<Record<string, string | string[] | undefined>>): headers is Readonly<Record<string, string>> {
  for (const name in headers) if (typeof headers[name] !== 'string') return false;
  return true;
}

function joined(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

export function nodeRequest(req: IncomingMessage): MockRequest {
  // node:http's own object when it holds only strings: a copy per request cost more than reading it.
  const headers = allStrings(req.headers) ? req.headers : joined(req.headers);
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
            // Nothing more is kept; the rest is read and dropped so the answer can still be sent.
            chunks.length = 0;
            resolve(overLimit(limit));
            req.resume();
            return;
          }
          chunks.push(chunk);
        });
        req.on('end', () => resolve(size > limit ? overLimit(limit) : decodeBody(Buffer.concat(chunks))));
        // A client that leaves mid-upload ends the read; the promise must not wait for ever.
        req.on('close', () => {
          if (!req.complete) resolve({ ok: false, status: 400, problem: 'the client closed the connection before the body ended' });
        });
        req.on('error', reject);
      }),
  };
}

/**
 * How long a client may leave a write of the mock's unread before it is dropped: past it, the
 * answer it holds is freed rather than kept for a reader that may never come back.
 */
export const SLOW_READER_MS = 30_000;

/**
 * Resolves once a client that stopped reading takes what waits for it, or leaves, or is dropped
 * for taking nothing for SLOW_READER_MS. The write waits, not the mock's memory: what the answer
 * writes next is not made until then.
 */
function drained(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const socket = res.socket;
    const drop = (): void => void res.destroy();
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      // Only while a write waits: a stream held open on purpose may be quiet for longer.
      socket?.off('timeout', drop);
      socket?.setTimeout(0);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
    socket?.setTimeout(SLOW_READER_MS);
    socket?.on('timeout', drop);
  });
}

/**
 * A node:http response as a MockResponse. A class, not an object literal: a literal with getters
 * gets a hidden class of its own on every request (its accessors are new closures each time), which
 * sent every property access in the mock's request path down V8's slow lookups (see bench/README.md).
 */
class NodeResponse implements MockResponse {
  readonly #res: ServerResponse;
  // Streams start at once, not when the first write fills a buffer; but a head sent alone costs a
  // write of its own, so it waits for this turn of the event loop: a frame written now carries it.
  #flush: NodeJS.Immediate | undefined;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  get headersSent(): boolean {
    return this.#res.headersSent;
  }

  get ended(): boolean {
    return this.#res.writableEnded;
  }

  writeHead(status: number, headers: Readonly<Record<string, string>>): void {
    const res = this.#res;
    res.writeHead(status, headers);
    this.#flush = setImmediate(() => {
      this.#flush = undefined;
      if (!res.destroyed && !res.writableEnded) res.flushHeaders();
    });
  }

  write(chunk: MockChunk): Promise<void> {
    this.#sending();
    const res = this.#res;
    // A client that stops reading holds this write, not the mock's memory.
    return res.write(chunk) || res.destroyed ? WRITTEN : drained(res);
  }

  end(chunk?: MockChunk): Promise<void> {
    this.#sending();
    if (chunk === undefined) this.#res.end();
    else this.#res.end(chunk);
    return WRITTEN;
  }

  abort(): void {
    this.#sending();
    this.#res.socket?.destroy();
  }

  #sending(): void {
    if (this.#flush === undefined) return;
    clearImmediate(this.#flush);
    this.#flush = undefined;
  }
}

export function nodeResponse(res: ServerResponse): MockResponse {
  return new NodeResponse(res);
}
