import type { Clock } from '../../core/clock.js';
import { ChatwireError, describeError } from '../../core/errors.js';
import type { Limits, RequestRecord, ResponseHead, StreamEnd } from '../../core/exchange.js';
import { CutReason, endFromAbort } from '../abort.js';
import { Watchdog, type WatchdogLimits } from '../watchdog.js';

/** Error codes meaning nothing answers at that address: chatwire cannot do its job (exit 2). */
export const UNREACHABLE: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
/** TLS failures: the target may be fine, but chatwire cannot trust it as configured (exit 2). */
const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Methods a client may send again when the connection closed before any answer (RFC 9110, 9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** A connection closed under a request before any response byte came. */
const CLOSED_UNDER = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

export type HttpOutcome =
  | {
      readonly type: 'response';
      readonly head: ResponseHead;
      readonly body: AsyncIterable<Uint8Array>;
    }
  /** The server accepted the connection but never produced a response head. */
  | { readonly type: 'no-response'; readonly end: StreamEnd };

export interface HttpExchange {
  readonly startedAt: number;
  /** Aborted when the exchange is cut; its reason says why. */
  readonly signal: AbortSignal;
  readonly outcome: HttpOutcome;
  /** Starts the wait for the server to close after the protocol's last frame. */
  expectClose(): void;
  /** A frame arrived: the answer is alive (see SendOptions.watch). */
  activity(): void;
  /** Stops the timers and releases the connection. Always call it. */
  dispose(): void;
}

export interface SendOptions {
  readonly limits: Pick<Limits, 'timeoutMs' | 'closeGraceMs'>;
  readonly clock: Clock;
  readonly signal?: AbortSignal | undefined;
  /** For a streamed answer: cut it when no frame comes within the first-frame limit, or none for the idle limit (call activity() per frame). */
  readonly watch?: WatchdogLimits | undefined;
}

/**
 * Sends one request with fetch and opens its response, under a deadline for the whole exchange.
 * Throws ChatwireError TARGET_UNREACHABLE only when nothing listens at the address; everything a
 * listening server does wrong is an outcome to judge.
 */
export async function sendHttp(request: RequestRecord, options: SendOptions): Promise<HttpExchange> {
  const { clock, limits } = options;
  const cut = new AbortController();
  const timers = new AbortController();
  const signal = options.signal === undefined ? cut.signal : AbortSignal.any([cut.signal, options.signal]);
  const startedAt = clock.now();
  const arm = (ms: number, reason: CutReason): void => {
    clock.sleep(ms, timers.signal).then(
      () => cut.abort(reason),
      () => undefined,
    );
  };
  arm(limits.timeoutMs, new CutReason('timeout', limits.timeoutMs));
  const watchdog = options.watch === undefined ? undefined : new Watchdog(clock, options.watch, timers.signal, (reason) => cut.abort(reason));
  // The close grace runs from the last frame and starts again at each frame after it (a protocol may
  // send more after its last frame, as a summary of the run): a watchdog whose limits are both the grace.
  let grace: Watchdog | undefined;
  const exchange = (outcome: HttpOutcome): HttpExchange => ({
    startedAt,
    signal,
    outcome,
    activity() {
      watchdog?.activity();
      grace?.activity();
    },
    expectClose() {
      const ms = limits.closeGraceMs;
      grace ??= new Watchdog(clock, { firstFrameMs: ms, idleMs: ms }, timers.signal, () => cut.abort(new CutReason('held-open', ms)));
    },
    dispose() {
      timers.abort();
      if (!cut.signal.aborted) cut.abort(new Error('exchange disposed'));
    },
  });

  const send = (): Promise<Response> =>
    fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
      redirect: 'manual',
    });
  let response: Response;
  try {
    response = await sendAgainIfClosedUnder(send, request, signal);
  } catch (error) {
    const code = errorCode(error) ?? (describeError(error).includes('bad port') ? 'a port fetch refuses to use' : undefined);
    if (code !== undefined && UNTRUSTED.has(code)) {
      timers.abort();
      throw new ChatwireError('TARGET_UNREACHABLE', `Failed to trust ${new URL(request.url).origin}: ${code}`, {
        hint: 'give Node the CA that signed its certificate with NODE_EXTRA_CA_CERTS=ca.pem, or test over http://',
        cause: error,
      });
    }
    if (code !== undefined && (UNREACHABLE.has(code) || code.startsWith('a port'))) {
      timers.abort();
      throw new ChatwireError('TARGET_UNREACHABLE', `Failed to connect to ${new URL(request.url).origin}: ${code} (${describeError(error)})`, {
        hint: 'check that the server is running and that --target names its host and port',
        cause: error,
      });
    }
    return exchange({ type: 'no-response', end: endFromAbort(signal, error, clock.now() - startedAt) });
  }

  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const head: ResponseHead = { status: response.status, headers, atMs: clock.now() - startedAt };
  return exchange({ type: 'response', head, body: iterate(response.body) });
}

async function* iterate(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array, void, undefined> {
  if (body === null) return;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}

/** Sends on a connection the server closed while it was idle, one after another, before giving up. */
const MAX_STALE_CONNECTIONS = 16;

/**
 * Sends a request again when a kept-alive connection was closed under it before any answer (RFC 9112,
 * 9.3.1; a server may close an idle connection at any time, 9.5), as browsers do. Again and again while
 * the connection it went out on had carried an earlier answer (the pool may hold several such
 * connections, all closed by the same idle timer; the close was that timer's, not this request's
 * doing: Chromium resends on a reused socket alike, whatever the method); once more for an idempotent
 * request on a fresh connection; never for another, which the server may have acted on.
 */
async function sendAgainIfClosedUnder(send: () => Promise<Response>, request: RequestRecord, signal: AbortSignal): Promise<Response> {
  const { method } = request;
  const origin = new URL(request.url).origin;
  let freshRetried = false;
  for (let stale = 0; ; stale++) {
    try {
      const response = await send();
      answered.set(origin, Date.now());
      return response;
    } catch (error) {
      if (signal.aborted || !CLOSED_UNDER.has(errorCode(error) ?? '')) throw error;
      if (onReusedConnection(error, origin)) {
        if (stale >= MAX_STALE_CONNECTIONS) throw error;
        continue;
      }
      if (freshRetried || !IDEMPOTENT.has(method.toUpperCase())) throw error;
      freshRetried = true;
    }
  }
}

/** When each origin last answered: within the client's keep-alive time, its connections may be in the pool. */
const answered = new Map<string, number>();
/** How long fetch keeps an idle connection for reuse (undici's default keepAliveTimeout, 4 s), with a margin. */
const POOLED_MS = 5_000;

/**
 * Whether a failed request went out on a connection that had already carried an answer. undici's
 * SocketError says how many bytes the connection read; a reset (ECONNRESET) says nothing, so then:
 * whether the origin answered recently enough for a kept-alive connection of it to be in the pool.
 */
function onReusedConnection(error: unknown, origin: string): boolean {
  for (const cause of causesOf(error)) {
    const socket: unknown = (cause as Error & { socket?: unknown }).socket;
    if (typeof socket === 'object' && socket !== null && 'bytesRead' in socket && typeof socket.bytesRead === 'number') return socket.bytesRead > 0;
  }
  const last = answered.get(origin);
  if (answered.size > 1_000) answered.clear(); // bounded: a run talks to a handful of origins
  return last !== undefined && Date.now() - last < POOLED_MS;
}

/** An error and the causes under it, five deep at most (fetch wraps the socket's error in its own). */
function* causesOf(error: unknown): Generator<Error> {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    yield current;
    current = current.cause;
  }
}

function errorCode(error: unknown): string | undefined {
  for (const cause of causesOf(error)) {
    const code = (cause as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** The server root (possibly with a path prefix) and a documented path, as one URL. */
export function joinUrl(baseUrl: string, path: string, query: Readonly<Record<string, string>> = {}): string {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.href;
}
