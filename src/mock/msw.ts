import { http, type HttpHandler } from 'msw';
import { answerThrough, refuseUnroutable, upstreamBase } from './bridge.js';
import { MockCore, type MockCoreOptions } from './core.js';
import type { FaultsInput } from './choice.js';
import type { ClientDeviationRecord } from './exchange.js';
import { decodeBody, overLimit, type BodyRead, type MockRequest } from './io.js';

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

/**
 * msw handlers that answer for a simulated upstream in-process, with the same scenarios, rules
 * and in-memory state as `chatwire mock`, for every protocol its HTTP routes serve whole (a
 * Socket.IO protocol needs the real server: startMockServer).
 * Requests to paths no protocol serves fall through to the next handler.
 */
export function chatwireHandlers(options: ChatwireHandlersOptions): ChatwireHandlers {
  refuseUnroutable(options.protocols, 'msw handlers');
  // In-process, nothing outside the test reaches it: fault scenarios may weaken its auth.
  const core = new MockCore({ allowAuthFaults: true, ...options });
  const base = upstreamBase(options.baseUrl, 'msw handlers');
  const handler = http.all(`${base.origin}${base.prefix}/*`, async ({ request }) => {
    const url = new URL(request.url);
    const path = base.pathOf(url.pathname);
    if (path === undefined || !core.serves(request.method, path)) return undefined;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const req: MockRequest = { method: request.method, url: `${path}${url.search}`, headers, readBody: (limit) => readLimited(request, limit) };
    // The answer streams on while the Response is read.
    const { status, headers: head, body } = await answerThrough(core, req, request.signal);
    return new Response(body, { status, headers: { ...head } });
  });
  return {
    handlers: [handler],
    clientDeviations: () => core.clientDeviations(),
    use: (protocol, scenario, faults) => core.use(protocol, scenario, faults),
    reset: () => core.reset(),
  };
}
