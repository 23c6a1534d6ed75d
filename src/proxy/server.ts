import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../core/clock.js';
import { ChatwireError, describeError } from '../core/errors.js';
import { defaultLimits, type Limits } from '../core/exchange.js';
import { isBearer } from '../core/kit.js';
import { isLoopback } from '../mock/server.js';
import type { Protocol } from '../protocols/protocol.js';
import type { WireObserver } from '../transports/observer.js';
import type { ProxyContext } from './context.js';
import { proxyHttp } from './http.js';
import { routeMatcher, routeMethods } from '../mock/routes.js';
import { wrongMethod } from '../transports/http/rules.js';
import { Ledger, type DeviationEntry } from './ledger.js';
import { PollingProxy } from './polling.js';
import { relayHttp } from './relay.js';
import { SocketProxy } from './socketio.js';

export interface ProxyOptions {
  readonly protocol: Protocol;
  /** The backend's root; the client's paths are appended to it. */
  readonly target: string;
  /** 127.0.0.1 unless told otherwise. */
  readonly host?: string | undefined;
  /** 0 picks a free port. */
  readonly port?: number | undefined;
  readonly limits?: Partial<Pick<Limits, 'maxFrames' | 'maxBytes' | 'closeGraceMs' | 'idleMs'>> | undefined;
  readonly clock?: Clock | undefined;
  /** Sees what passed (`--record`). */
  readonly observer?: WireObserver | undefined;
  /** Each deviation as it is found. */
  readonly onDeviation?: ((entry: DeviationEntry) => void) | undefined;
  /** A line about the proxy itself (a failure it survived). */
  readonly onLog?: ((line: string) => void) | undefined;
  /** Values blanked in deviations' quotes, besides credential-looking ones. */
  readonly secrets?: readonly string[] | undefined;
}

export interface ProxyServer {
  /** `http://host:port`, the base URL to give the client instead of the backend's. */
  readonly url: string;
  readonly port: number;
  readonly ledger: Ledger;
  /** Stops listening, ends the exchanges still open (judging what passed) and closes every connection. */
  close(): Promise<void>;
}

const ENGINE_PATH = '/socket.io/';

/**
 * A validation proxy: passes a real client's traffic to a real backend unchanged and judges both
 * sides as it passes, with the rules the mock and the suites use.
 */
export async function startProxy(options: ProxyOptions): Promise<ProxyServer> {
  const { protocol } = options;
  const target = new URL(options.target);
  const host = options.host ?? '127.0.0.1';
  const log = options.onLog ?? (() => undefined);
  const stopping = new AbortController();
  const ledger = new Ledger({
    protocol: protocol.id,
    doc: protocol.doc,
    secrets: options.secrets ?? [],
    onDeviation: options.onDeviation ?? (() => undefined),
  });
  const context: ProxyContext = {
    protocol,
    target,
    clock: options.clock ?? systemClock,
    ledger,
    limits: { ...defaultLimits, ...options.limits },
    observer: options.observer,
    signal: stopping.signal,
    onError: (error) => log(`Failed to judge an exchange: ${describeError(error)}`),
    requestMemory: new Map(),
  };
  // Only the protocol's documented calls (its mock's routes) are judged; anything else passes unjudged.
  const isDocumented = routeMatcher(protocol.mock.routes ?? []);
  const methodsAt = routeMethods(protocol.mock.routes ?? []);
  const polling = protocol.transport === 'polling' ? new PollingProxy(context, protocol) : undefined;
  const sockets = protocol.transport === 'socketio' ? new SocketProxy(context, protocol) : undefined;
  let boundPort = 0;

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    const pathname = new URL(req.url ?? '/', 'http://proxy.invalid').pathname;
    if (pathname === '/_chatwire/deviations') return serveDeviations(req, res, ledger, host, boundPort);
    // Whatever else the server serves (its pages, a CORS preflight, an undocumented call) passes unjudged;
    // a documented path asked with another method is the client's mistake, said before it passes.
    const unjudged = (): void => {
      const method = (req.method ?? 'GET').toUpperCase();
      const methods = methodsAt(pathname);
      const deviation = methods.length > 0 ? wrongMethod(method, pathname, protocol.id, methods) : undefined;
      if (deviation !== undefined) ledger.addAlone(method, pathname, 'refusal', [deviation]);
      relayHttp(
        req,
        res,
        target,
        () => context.clock.now(),
        { request: () => undefined, response: () => undefined, chunk: () => undefined, end: () => undefined },
        context.onError,
      );
    };
    switch (protocol.transport) {
      case 'http':
        return isDocumented(req.method ?? 'GET', pathname) ? proxyHttp(req, res, context, protocol.answerKind) : unjudged();
      case 'polling':
        // A poll without the key (as Bearer) is the client's own mistake: judged alone, as a refusal it may get.
        if (polling?.isPoll(req) === true)
          return protocol.mock.keyed === true && !isBearer(req.headers.authorization) ? proxyHttp(req, res, context, () => 'answer') : polling.handle(req, res);
        return isDocumented(req.method ?? 'GET', pathname) ? proxyHttp(req, res, context, () => 'answer') : unjudged();
      case 'socketio':
        // The protocol lives at /socket.io/.
        if (pathname.startsWith(ENGINE_PATH) && sockets !== undefined) return sockets.handlePolling(req, res);
        return unjudged();
    }
  };
  const server: Server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (error) {
      // A bug in judging must not take the traffic down with it.
      log(`Failed to judge ${req.method ?? ''} ${req.url ?? ''}: ${describeError(error)}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: describeError(error) }));
    }
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://proxy.invalid').pathname;
    if (sockets === undefined || !pathname.startsWith(ENGINE_PATH)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head);
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new ChatwireError('SERVER_START', `Failed to start the proxy on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`, {
          hint: error.code === 'EADDRINUSE' ? 'choose another --port, or 0 for a free one' : 'check --host and --port',
        }),
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  boundPort = port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    ledger,
    close: async () => {
      stopping.abort(new Error('the proxy stopped'));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The deviations so far as JSON; on loopback only for requests addressed to loopback (no DNS rebinding). */
function serveDeviations(req: IncomingMessage, res: ServerResponse, ledger: Ledger, host: string, port: number): void {
  const asked = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec((req.headers.host ?? '').trim().toLowerCase());
  const admitted = !isLoopback(host) || (asked !== null && isLoopback(asked[1] ?? '') && (asked[2] === undefined || Number(asked[2]) === port));
  if (!admitted || req.method !== 'GET') {
    res
      .writeHead(admitted ? 405 : 421, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: 'Failed to serve /_chatwire/deviations: GET it on a loopback address' }));
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(ledger.deviations()));
}
