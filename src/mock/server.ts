import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mocksDir } from '../core/paths.js';
import { systemClock, type Clock } from '../core/clock.js';
import { ChatwireError, describeError, isChatwireError } from '../core/errors.js';
import type { Protocol } from '../protocols/protocol.js';
import { checkClientRequest, MockExchange, type ClientDeviationRecord, type MockRoute } from './exchange.js';
import { loadScenarios, type ScenarioSet } from './scenario.js';

/** The most client deviations kept; older ones are dropped first. */
const MAX_CLIENT_DEVIATIONS = 1_000;
const CONTROL_PREFIX = '/_chatwire/';

export interface MockServerOptions {
  readonly protocols: readonly Protocol[];
  /** 127.0.0.1 unless told otherwise. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly clock?: Clock;
  /** Extra scenario folders per protocol id, read after the built-in ones. */
  readonly scenarioDirs?: Readonly<Record<string, readonly string[]>>;
  readonly onClientDeviation?: (record: ClientDeviationRecord) => void;
  /** The one bearer token protocols with auth accept; when unset, any non-empty token. */
  readonly token?: string;
}

export interface MockServer {
  /** `http://host:port`, the base URL to give clients. */
  readonly url: string;
  readonly port: number;
  readonly scenarios: ReadonlyMap<string, ScenarioSet>;
  /** Client deviations seen so far, oldest first (at most 1,000). */
  clientDeviations(): readonly ClientDeviationRecord[];
  /** Stops listening and closes every open connection, held-open streams included. */
  close(): Promise<void>;
}

interface BoundRoute {
  readonly protocol: Protocol;
  readonly route: MockRoute;
  /** For a path with :parameters, the pattern that matches it and their names. */
  readonly pattern?: { readonly regex: RegExp; readonly names: readonly string[] };
}

/** `/api/v1/tasks/:id` → a regex capturing each :parameter (one path segment each). */
function compilePath(path: string): BoundRoute['pattern'] {
  if (!path.includes('/:')) return undefined;
  const names: string[] = [];
  const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/:(\w+)/g, (_match, name: string) => {
    names.push(name);
    return '/([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

/**
 * One node:http server hosting every given protocol at once (their paths do not collide), plus
 * `/_chatwire/scenarios` and `/_chatwire/client-deviations` for whoever drives the mock.
 */
export async function startMockServer(options: MockServerOptions): Promise<MockServer> {
  const clock = options.clock ?? systemClock;
  const routes = new Map<string, BoundRoute>();
  const scenarioSets = new Map<string, ScenarioSet>();
  for (const protocol of options.protocols) {
    const dirs = [join(mocksDir, protocol.id), ...(options.scenarioDirs?.[protocol.id] ?? [])];
    scenarioSets.set(protocol.id, loadScenarios(protocol.id, dirs, protocol.mock.script));
    for (const route of protocol.mock.routes) {
      const key = `${route.method} ${route.path}`;
      const taken = routes.get(key);
      if (taken !== undefined) {
        throw new ChatwireError('SERVER_START', `Failed to start the mock: ${key} is served by both ${taken.protocol.id} and ${protocol.id}`);
      }
      const pattern = compilePath(route.path);
      routes.set(key, pattern === undefined ? { protocol, route } : { protocol, route, pattern });
    }
  }

  // Each protocol's in-memory state (chats, sessions…), created by the protocol on first use.
  const states = new Map<string, Map<string, unknown>>();
  const state = (id: string): Map<string, unknown> => {
    let found = states.get(id);
    if (found === undefined) states.set(id, (found = new Map()));
    return found;
  };

  const seen: ClientDeviationRecord[] = [];
  const onClientDeviation = (record: ClientDeviationRecord): void => {
    seen.push(record);
    if (seen.length > MAX_CLIENT_DEVIATIONS) seen.shift();
    options.onClientDeviation?.(record);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://mock.invalid');
    if (url.pathname.startsWith(CONTROL_PREFIX)) {
      control(url.pathname.slice(CONTROL_PREFIX.length), req, res, scenarioSets, seen);
      return;
    }
    const method = req.method ?? 'GET';
    let params: Record<string, string> = {};
    let bound = routes.get(`${method} ${url.pathname}`);
    if (bound === undefined) {
      for (const [key, candidate] of routes) {
        const match = key.startsWith(`${method} `) ? candidate.pattern?.regex.exec(url.pathname) : undefined;
        if (match === undefined || match === null) continue;
        params = Object.fromEntries((candidate.pattern?.names ?? []).map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
        bound = candidate;
        break;
      }
    }
    if (bound === undefined) {
      const served = [...routes.keys()].sort();
      sendJson(res, 404, {
        error: `Failed to route ${req.method ?? 'GET'} ${url.pathname}: no protocol of this mock serves it`,
        routes: served,
      });
      return;
    }
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort(new Error('client closed the connection'));
    });
    const exchange = new MockExchange(
      randomBytes(6).toString('hex'),
      bound.protocol,
      req,
      res,
      clock,
      gone.signal,
      scenarioSets.get(bound.protocol.id) as ScenarioSet,
      onClientDeviation,
      options.token,
      state(bound.protocol.id),
      params,
    );
    try {
      await bound.route.handle(exchange);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (isChatwireError(error) && error.code === 'UNKNOWN_SCENARIO') {
        bound.protocol.mock.refuse(exchange, { status: 400, message: error.message });
        return;
      }
      sendJson(res, 500, { error: `Failed to answer ${url.pathname}: ${describeError(error)}` });
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: describeError(error) });
      else res.destroy();
    });
  });
  // A client that never finishes sending its request must not hold a socket for ever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new ChatwireError('SERVER_START', `Failed to start the mock on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`, {
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
  const attached = options.protocols.flatMap((protocol) => {
    const attach = protocol.mock.attach;
    if (attach === undefined) return [];
    return [
      attach(server, {
        scenarios: scenarioSets.get(protocol.id) as ScenarioSet,
        clock,
        token: options.token,
        state: state(protocol.id),
        checkRequest: (request, requestJson) => checkClientRequest(protocol, request, requestJson, onClientDeviation),
      }),
    ];
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    scenarios: scenarioSets,
    clientDeviations: () => [...seen],
    close: async () => {
      await Promise.all(attached.map((transport) => transport.close()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function control(
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
  scenarioSets: ReadonlyMap<string, ScenarioSet>,
  seen: ClientDeviationRecord[],
): void {
  if (name === 'scenarios' && req.method === 'GET') {
    const list: Record<string, Array<{ name: string; description: string; breaks: string[] }>> = {};
    for (const [protocol, set] of scenarioSets) {
      list[protocol] = set.all().map(({ name: scenario, description, breaks }) => ({ name: scenario, description, breaks }));
    }
    sendJson(res, 200, list);
    return;
  }
  if (name === 'client-deviations' && req.method === 'GET') {
    sendJson(res, 200, seen);
    return;
  }
  if (name === 'client-deviations' && req.method === 'DELETE') {
    seen.length = 0;
    sendJson(res, 200, []);
    return;
  }
  sendJson(res, 404, {
    error: `Failed to route ${req.method ?? 'GET'} ${CONTROL_PREFIX}${name}: the mock's own routes are GET ${CONTROL_PREFIX}scenarios, GET and DELETE ${CONTROL_PREFIX}client-deviations`,
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
