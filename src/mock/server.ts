import { createServer, maxHeaderSize, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ChatwireError, describeError } from '../core/errors.js';
import { attachMocks } from '../transports/index.js';
import { MockCore, type MockCoreOptions } from './core.js';
import type { FaultsInput } from './choice.js';
import { corsGate, corsPolicy } from './cors.js';
import type { ClientDeviationRecord, HostCheck } from './exchange.js';
import { LazyLeaving, nodeRequest, nodeResponse } from './io.js';
import { checkScenarioDirs, type ScenarioJudgement } from './scenario-check.js';
import type { ScenarioSet } from './scenario.js';

export interface MockServerOptions extends MockCoreOptions {
  /** 127.0.0.1 unless told otherwise. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Socket.IO heartbeat interval and timeout in ms (default 25,000 and 20,000). */
  readonly heartbeatMs?: number;
  /** Origins whose pages may read the mock's answers (`*`: any); by default any loopback origin. */
  readonly corsOrigins?: readonly string[];
  /**
   * Play each file of `scenarioDirs` through its protocol's suite before serving, and refuse one
   * that breaks other rules than its `breaks` names (true by default; see checkScenarioDirs).
   */
  readonly judgeScenarios?: boolean;
}

export interface MockServer {
  /** `http://host:port`, the base URL to give clients. */
  readonly url: string;
  readonly port: number;
  readonly scenarios: ReadonlyMap<string, ScenarioSet>;
  /** The user's scenario files judged before serving (see judgeScenarios), with what each breaks and the time it took. */
  readonly judged: readonly ScenarioJudgement[];
  /** Client deviations seen so far, oldest first (at most 1,000). */
  clientDeviations(): readonly ClientDeviationRecord[];
  /**
   * Plays `scenario` (undefined: the protocol's default) with `faults` (e.g. `'stall:2:5000'`) for
   * every later request to `protocol`, until `reset()`. A request's own headers still win.
   */
  use(protocol: string, scenario?: string, faults?: FaultsInput): void;
  /** Forgets every protocol's state, the client deviations seen and every `use`: back to how the mock started. */
  reset(): void;
  /** Stops listening and closes every open connection, held-open streams included. */
  close(): Promise<void>;
}

/** Loopback names a browser on this machine may use for a mock bound to loopback. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

/**
 * A mock bound to loopback answers only requests addressed to loopback: a web page that points a
 * name of its own at 127.0.0.1 (DNS rebinding) gets nothing. Bound elsewhere, the operator chose.
 */
function hostCheck(bound: string, port: () => number): HostCheck {
  if (!isLoopback(bound)) return () => true;
  return (headers) => {
    const host = headers['host'];
    if (typeof host !== 'string') return false;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.trim().toLowerCase());
    return match !== null && isLoopback(match[1] ?? '') && (match[2] === undefined || Number(match[2]) === port());
  };
}

/**
 * The mock on a real port: one node:http server hosting every given protocol at once (their paths
 * do not collide), plus `/_chatwire/scenarios` and `/_chatwire/client-deviations`.
 */
export async function startMockServer(options: MockServerOptions): Promise<MockServer> {
  const judged =
    options.judgeScenarios === false || options.scenarioDirs === undefined
      ? []
      : await checkScenarioDirs(options.protocols, options.scenarioDirs, (judge) => startMockServer({ ...judge, judgeScenarios: false }));
  const core = new MockCore(options);
  const host = options.host ?? '127.0.0.1';
  let boundPort = 0;
  const admits = hostCheck(host, () => boundPort);
  const cors = corsGate(corsPolicy(options.corsOrigins), (method, pathname) => core.serves(method, pathname));
  const server: Server = createServer((req, res) => {
    if (!admits(req.headers)) {
      res.writeHead(421, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: `Failed to serve a request for host ${JSON.stringify(req.headers.host ?? '')}: this mock answers only requests addressed to 127.0.0.1 or localhost (start it with --host to serve another address)`,
        }),
      );
      return;
    }
    if (cors.handle(req, res)) return;
    const leaving = new LazyLeaving();
    res.on('close', () => {
      if (!res.writableFinished) leaving.leave(new Error('client closed the connection'));
    });
    core.handle(nodeRequest(req), nodeResponse(res), leaving).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: describeError(error) }));
    });
  });
  // Requests node:http refuses before any route sees them (headers over its 16 KB cap, bytes that
  // are not HTTP) still get an answer that names the problem, as JSON like the mock's other errors.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return void socket.destroy();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const problem = tooLarge ? `its headers are over ${maxHeaderSize} bytes` : `it is not valid HTTP (${error.code ?? error.message})`;
    const body = JSON.stringify({ error: `Failed to read the request: ${problem}` });
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  // A client that never finishes sending its request must not hold a socket for ever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new ChatwireError('SERVER_START', `Failed to start the mock on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`, {
          hint: error.code === 'EADDRINUSE' ? 'choose another --port, or 0 for a free one' : 'check --host and --port',
        }),
      );
    };
    server.once('error', onError);
    // A backlog for bursts of a thousand connections and more (the kernel caps it at somaxconn).
    server.listen({ port: options.port ?? 0, host, backlog: 4096 }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  boundPort = port;
  const served = options.protocols.map((protocol) => ({ protocol, context: core.contextFor(protocol) }));
  const attached = await attachMocks(server, served, admits, {
    cors: cors.policy,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
  }).catch(async (error: unknown) => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  });
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    scenarios: core.scenarios,
    judged,
    clientDeviations: () => core.clientDeviations(),
    use: (protocol, scenario, faults) => core.use(protocol, scenario, faults),
    reset: () => core.reset(),
    close: async () => {
      await Promise.all(attached.map((transport) => transport.close()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
