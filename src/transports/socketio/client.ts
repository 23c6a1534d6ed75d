import { createRequire } from 'node:module';
import { Fetch, NodeWebSocket } from 'engine.io-client';
import { io } from 'socket.io-client';

type AnyListener = (event: string, ...args: unknown[]) => void;

/** What the session needs of a Socket.IO client, whichever Engine.IO version it speaks. */
export interface ClientSocket {
  readonly id: string | undefined;
  readonly connected: boolean;
  onAny(listener: AnyListener): void;
  offAny(listener: AnyListener): void;
  onceConnected(listener: () => void): void;
  onceConnectError(listener: (error: Error & { description?: unknown }) => void): void;
  on(event: 'disconnect', listener: (reason: string) => void): void;
  off(event: 'disconnect', listener: (reason: string) => void): void;
  emit(event: string, ...args: unknown[]): void;
  disconnect(): void;
  /** The limit the client's own transport broke off on, if any: why the connection dropped. */
  readonly failure: string | undefined;
}

export interface ClientOptions {
  readonly path: string;
  readonly timeoutMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The most bytes one polling answer or WebSocket message may bring. */
  readonly maxBytes: number;
  /** The server takes WebSocket only: its long-polling handshake answered Engine.IO's "Transport unknown". */
  readonly websocketOnly?: boolean;
}

/** Where a transport notes the limit it broke off on. */
interface FailureNote {
  failure: string | undefined;
}

/** A response's text, read up to `maxBytes`: past it the read stops and throws. */
async function boundedText(res: Response, maxBytes: number, note: FailureNote): Promise<string> {
  if (res.body === null) return '';
  const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let text = '';
  let bytes = 0;
  // Each turn reads a chunk; the byte cap (and the read's abort signal) ends the loop.
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.length;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      note.failure = `a long-polling answer of more than ${maxBytes} bytes, the most chatwire reads of one frame`;
      throw new Error(note.failure);
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * Long-polling on fetch that follows no redirect. socket.io-client's own polling follows 302, 303
 * and 307 with every header, credentials included, to whatever origin the server names; here a
 * redirect is a transport error. Its reads are bounded: an answer is read up to maxBytes, a write
 * waits at most timeoutMs, and closing the transport aborts the long poll it has pending (else a
 * server that holds it open keeps the process alive long after the run).
 */
function boundedPolling(options: ClientOptions, note: FailureNote): typeof Fetch {
  return class BoundedPolling extends Fetch {
    readonly #closed = new AbortController();

    override doPoll(): void {
      this.#send(undefined, this.#closed.signal)
        .then(async (res) => {
          if (res.ok) this.onData(await boundedText(res, options.maxBytes, note));
          else this.onError('fetch read error', res.status, res);
        })
        .catch((error: unknown) => this.onError('fetch read error', error));
    }

    override doWrite(data: string, callback: () => void): void {
      this.#send(data, AbortSignal.any([this.#closed.signal, AbortSignal.timeout(options.timeoutMs)])).then(
        async (res) => {
          await res.body?.cancel().catch(() => undefined);
          if (res.ok) callback();
          else this.onError('fetch write error', res.status, res);
        },
        (error: unknown) => this.onError('fetch write error', error),
      );
    }

    protected override onClose(details?: Parameters<Fetch['onClose']>[0]): void {
      super.onClose(details);
      this.#closed.abort();
    }

    #send(data: string | undefined, signal: AbortSignal): Promise<Response> {
      const headers = new Headers(this.opts.extraHeaders);
      if (data !== undefined) headers.set('content-type', 'text/plain;charset=UTF-8');
      return fetch(this.uri(), { method: data === undefined ? 'GET' : 'POST', body: data ?? null, headers, redirect: 'manual', signal });
    }
  };
}

/** WebSocket (ws) with its message size bounded as a polling answer is; ws follows no redirect. */
function boundedWebSocket(options: ClientOptions): typeof NodeWebSocket {
  return class BoundedWebSocket extends NodeWebSocket {
    override createSocket(uri: string, protocols: string | string[] | undefined, opts: Record<string, unknown>): ReturnType<NodeWebSocket['createSocket']> {
      return super.createSocket(uri, protocols, { ...opts, maxPayload: options.maxBytes });
    }
  };
}

/** Engine.IO v4 (Socket.IO 3 and later): socket.io-client 4, on transports that follow no redirect. */
export function connectV4(origin: string, options: ClientOptions): ClientSocket {
  const note: FailureNote = { failure: undefined };
  const socket = io(origin, {
    path: options.path,
    forceNew: true,
    reconnection: false,
    timeout: options.timeoutMs,
    transports: options.websocketOnly === true ? [boundedWebSocket(options)] : [boundedPolling(options, note), boundedWebSocket(options)],
    extraHeaders: { ...options.headers },
    query: { ...options.query },
  });
  return {
    get id() {
      return socket.id;
    },
    get connected() {
      return socket.connected;
    },
    onAny: (listener) => socket.onAny(listener),
    offAny: (listener) => socket.offAny(listener),
    onceConnected: (listener) => socket.once('connect', listener),
    onceConnectError: (listener) => socket.once('connect_error', listener),
    on: (event, listener) => socket.on(event, listener),
    off: (event, listener) => socket.off(event, listener),
    emit: (event, ...args) => socket.emit(event, ...args),
    disconnect: () => socket.disconnect(),
    get failure() {
      return note.failure;
    },
  };
}

/** The parts of a socket.io-client 2 socket used here; checked when the module loads. */
interface LegacySocket {
  id?: string;
  connected: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  once(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  close(): unknown;
  onevent(packet: { data?: unknown[] }): void;
}

/** socket.io-client 2's default export: io(origin, options) returns a socket (checked by isLegacySocket). */
type LegacyIo = (origin: string, options: Record<string, unknown>) => unknown;

function isLegacyIo(value: unknown): value is LegacyIo {
  return typeof value === 'function';
}

function isLegacySocket(value: unknown): value is LegacySocket {
  if (typeof value !== 'object' || value === null) return false;
  return ['on', 'once', 'off', 'emit', 'close', 'onevent'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
}

/**
 * Engine.IO v3 (Socket.IO 2 servers): socket.io-client 2, which has no onAny; every incoming event
 * passes through its onevent, so the adapter listens there.
 */
export function connectV3(origin: string, options: ClientOptions): ClientSocket {
  const loaded: unknown = createRequire(import.meta.url)('socket.io-client-v2');
  if (!isLegacyIo(loaded)) throw new Error('socket.io-client-v2 did not load as a function');
  // Its polling client follows redirects with every header: with credentials to send, WebSocket only.
  const transports = options.websocketOnly === true || Object.keys(options.headers).length > 0 ? ['websocket'] : ['polling', 'websocket'];
  const socket: unknown = loaded(origin, {
    path: options.path,
    forceNew: true,
    reconnection: false,
    timeout: options.timeoutMs,
    transports,
    extraHeaders: { ...options.headers },
    query: { ...options.query },
  });
  if (!isLegacySocket(socket)) throw new Error('socket.io-client-v2 returned something that is not a socket');
  const listeners = new Set<AnyListener>();
  const original = socket.onevent.bind(socket);
  socket.onevent = (packet) => {
    const [event, ...args] = packet.data ?? [];
    if (typeof event === 'string') for (const listener of listeners) listener(event, ...args);
    original(packet);
  };
  return {
    get id() {
      return socket.id;
    },
    get connected() {
      return socket.connected;
    },
    onAny: (listener) => listeners.add(listener),
    offAny: (listener) => listeners.delete(listener),
    onceConnected: (listener) => socket.once('connect', listener),
    onceConnectError: (listener) => socket.once('connect_error', (error: Error) => listener(error)),
    on: (event, listener) => socket.on(event, listener),
    off: (event, listener) => socket.off(event, listener),
    emit: (event, ...args) => socket.emit(event, ...args),
    disconnect: () => socket.close(),
    failure: undefined,
  };
}
