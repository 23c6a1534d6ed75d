import { http, type HttpHandler } from 'msw';
import { ChatwireError } from '../core/errors.js';
import { transportOf } from '../transports/index.js';
import { MockCore, type MockCoreOptions } from './core.js';
import type { FaultsInput } from './choice.js';
import type { ClientDeviationRecord } from './exchange.js';
import { decodeBody, overLimit, type BodyRead, type MockRequest, type MockResponse } from './io.js';

export interface ChatwireHandlersOptions extends MockCoreOptions {
  /** Where the simulated upstream lives, e.g. `http://ctai.test` or `https://api.example/fastgpt`. */
  readonly baseUrl: string;
}

export interface ChatwireHandlers {
  /** Give these to msw's setupServer / setupWorker. */
  readonly handlers: HttpHandler[];
  /** Client deviations the simulated upstream saw, oldest first. */
  clientDeviations(): readonly ClientDeviationRecord[];
  /** Plays `scenario` (undefined: the default) with `faults` for every later request to `protocol`, until `reset()`. */
  use(protocol: string, scenario?: string, faults?: FaultsInput): void;
  /** Forgets state, client deviations and every `use`: call it in afterEach. */
  reset(): void;
}

/** Reads a fetch Request's body as text, stopping past `limit` bytes. */
async function readLimited(request: Request, limit: number): Promise<BodyRead> {
  if (request.body === null) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const chunk: { readonly done: boolean; readonly value?: unknown } = await reader.read();
    const { done, value } = chunk;
    if (done) {
      // No Buffer: msw handlers may run in a browser.
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const part of chunks) {
        bytes.set(part, offset);
        offset += part.length;
      }
      return decodeBody(bytes);
    }
    if (!(value instanceof Uint8Array)) throw new TypeError('Failed to read the request body: a chunk is not bytes');
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      return overLimit(limit);
    }
    chunks.push(value);
  }
}

/** The mock's writes, turned into a streamed fetch Response once the head is written. */
function responseBridge(): { res: MockResponse; response: Promise<Response> } {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let headersSent = false;
  let ended = false;
  let resolve: (response: Response) => void = () => undefined;
  const response = new Promise<Response>((done) => (resolve = done));
  // A write resolves once the reader has room again (or is gone): a slow reader holds the writer, not memory.
  let pulled: (() => void) | undefined;
  const wake = (): void => {
    const waiting = pulled;
    pulled = undefined;
    waiting?.();
  };
  const roomFor = (): Promise<void> => (ended || (controller?.desiredSize ?? 1) > 0 ? Promise.resolve() : new Promise<void>((done) => (pulled = done)));
  const res: MockResponse = {
    get headersSent() {
      return headersSent;
    },
    get ended() {
      return ended;
    },
    writeHead(status, headers) {
      headersSent = true;
      const body = new ReadableStream<Uint8Array>(
        {
          start: (c) => void (controller = c),
          pull: wake,
          cancel: () => {
            ended = true;
            wake();
          },
        },
        new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
      );
      resolve(new Response(body, { status, headers: { ...headers } }));
    },
    async write(chunk) {
      if (ended) return;
      controller?.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      await roomFor();
    },
    async end(chunk) {
      if (ended) return;
      if (chunk !== undefined && chunk.length > 0) controller?.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      ended = true;
      controller?.close();
    },
    abort() {
      if (ended) return;
      ended = true;
      controller?.error(new TypeError('the simulated upstream broke the connection'));
    },
  };
  return { res, response };
}

/**
 * msw handlers that answer for a simulated upstream in-process, with the same scenarios, rules
 * and in-memory state as `chatwire mock`, for every protocol its HTTP routes serve whole (a
 * Socket.IO protocol needs the real server).
 * Requests to paths no protocol serves fall through to the next handler.
 */
export function chatwireHandlers(options: ChatwireHandlersOptions): ChatwireHandlers {
  for (const protocol of options.protocols) {
    const transport = transportOf(protocol);
    if (!transport.routesOnly) {
      throw new ChatwireError(
        'BAD_OPTION',
        `Failed to create msw handlers for ${protocol.id}: its answers travel by ${transport.travels}, which msw's HTTP handlers cannot serve`,
        {
          hint: 'start a real mock with startMockServer (or chatwire mock) for it, and give chatwireHandlers the other protocols',
        },
      );
    }
  }
  // In-process, nothing outside the test reaches it: fault scenarios may weaken its auth.
  const core = new MockCore({ allowAuthFaults: true, ...options });
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const handler = http.all(`${base.origin}${prefix}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const path = url.pathname.slice(prefix.length) || '/';
    if (!core.serves(request.method, path)) return undefined;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const req: MockRequest = { method: request.method, url: `${path}${url.search}`, headers, readBody: (limit) => readLimited(request, limit) };
    const { res, response } = responseBridge();
    const handled = core.handle(req, res, request.signal).catch(() => res.abort());
    // The answer streams on while the Response is read; a route that never wrote a head is a bug.
    return Promise.race([response, handled.then(async () => (res.headersSent ? response : new Response('chatwire mock wrote no answer', { status: 500 })))]);
  });
  return {
    handlers: [handler],
    clientDeviations: () => core.clientDeviations(),
    use: (protocol, scenario, faults) => core.use(protocol, scenario, faults),
    reset: () => core.reset(),
  };
}
