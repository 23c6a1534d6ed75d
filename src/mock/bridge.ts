import { ChatwireError } from '../core/errors.js';
import type { Protocol } from '../protocols/protocol.js';
import { transportOf } from '../transports/index.js';
import type { MockCore } from './core.js';
import { overLimit, SignalLeaving, type MockRequest, type MockResponse } from './io.js';

/**
 * What in-process stand-ins (msw handlers, nock interceptors) share: where the simulated upstream
 * lives, and the mock's answer as a head and a body that streams while the mock writes it.
 */

/** An answer of the mock: its head once written, and a body that goes on streaming after. */
export interface BridgedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ReadableStream<Uint8Array>;
}

/** The upstream's origin and path prefix, from `baseUrl` (e.g. `https://api.example/fastgpt`). */
export interface UpstreamBase {
  readonly origin: string;
  /** '' or a path without its trailing slash, e.g. `/fastgpt`. */
  readonly prefix: string;
  /** The path below the prefix (with its query) the mock routes on, or undefined outside the prefix. */
  pathOf(pathAndQuery: string): string | undefined;
}

export function upstreamBase(baseUrl: string, stack: string): UpstreamBase {
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new ChatwireError('BAD_OPTION', `Failed to create ${stack} for ${JSON.stringify(baseUrl)}: it is not an absolute URL`, {
      hint: 'give baseUrl as http://host or http://host/prefix',
    });
  }
  const prefix = base.pathname.replace(/\/+$/, '');
  return {
    origin: base.origin,
    prefix,
    pathOf: (pathAndQuery) => {
      if (!pathAndQuery.startsWith(prefix)) return undefined;
      const rest = pathAndQuery.slice(prefix.length);
      if (rest === '') return '/';
      return rest.startsWith('/') ? rest : rest.startsWith('?') ? `/${rest}` : undefined;
    },
  };
}

/** In-process stacks intercept HTTP only: a protocol whose answers travel otherwise is refused up front. */
export function refuseUnroutable(protocols: readonly Protocol[], stack: string): void {
  for (const protocol of protocols) {
    const transport = transportOf(protocol);
    if (transport.routesOnly) continue;
    throw new ChatwireError(
      'BAD_OPTION',
      `Failed to create ${stack} for ${protocol.id}: its answers travel by ${transport.travels}, which ${stack} cannot serve in-process`,
      {
        hint: `start a real mock for it with startMockServer({ protocols, port: 0 }) (or chatwire mock --port 0) and give ${stack} the other protocols`,
      },
    );
  }
}

/** A request body already read whole (nock reads it before answering), under the mock's limit. */
export function bodyOf(text: string): MockRequest['readBody'] {
  return async (limit) => (Buffer.byteLength(text) > limit ? overLimit(limit) : { ok: true, text });
}

/** The mock's writes, turned into a head and a streamed body once the head is written. */
function responseBridge(gone: AbortController): { res: MockResponse; answer: Promise<BridgedAnswer> } {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let headersSent = false;
  let ended = false;
  let resolve: (answer: BridgedAnswer) => void = () => undefined;
  const answer = new Promise<BridgedAnswer>((done) => (resolve = done));
  const bytes = (chunk: string | Uint8Array): Uint8Array => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
  // A write resolves once the reader has room again (or is gone): a slow reader holds the writer, not memory.
  let pulled: (() => void) | undefined;
  const wake = (): void => {
    const waiting = pulled;
    pulled = undefined;
    waiting?.();
  };
  const roomFor = (): Promise<void> => (ended || (controller?.desiredSize ?? 1) > 0 ? Promise.resolve() : new Promise<void>((done) => (pulled = done)));
  // A client that gave up reads no more: its body ends with the reason it gave.
  gone.signal.addEventListener(
    'abort',
    () => {
      if (ended) return;
      ended = true;
      wake();
      controller?.error(gone.signal.reason);
    },
    { once: true },
  );
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
          // A reader that gives up has gone, as a client that closes its connection has.
          cancel: () => {
            ended = true;
            wake();
            gone.abort(new Error('client closed the connection'));
          },
        },
        new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
      );
      resolve({ status, headers: { ...headers }, body });
    },
    async write(chunk) {
      if (ended) return;
      controller?.enqueue(bytes(chunk));
      await roomFor();
    },
    async end(chunk) {
      if (ended) return;
      if (chunk !== undefined && chunk.length > 0) controller?.enqueue(bytes(chunk));
      ended = true;
      controller?.close();
    },
    abort() {
      if (ended) return;
      ended = true;
      controller?.error(new TypeError('the simulated upstream broke the connection'));
    },
  };
  return { res, answer };
}

/**
 * Hands one request to the mock and resolves with its answer as soon as the head is written; the
 * body streams on while it is read. A route that ends without a head is answered 500.
 */
export function answerThrough(core: MockCore, req: MockRequest, signal: AbortSignal): Promise<BridgedAnswer> {
  const gone = new AbortController();
  if (signal.aborted) gone.abort(signal.reason);
  else signal.addEventListener('abort', () => gone.abort(signal.reason), { once: true });
  const { res, answer } = responseBridge(gone);
  const handled = core.handle(req, res, new SignalLeaving(gone.signal)).catch(() => res.abort());
  const headless = handled.then(async () => {
    if (res.headersSent) return answer;
    const body = new Blob(['chatwire mock wrote no answer']).stream();
    return { status: 500, headers: { 'content-type': 'text/plain' }, body };
  });
  return Promise.race([answer, headless]);
}
