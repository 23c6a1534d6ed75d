import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import { ChatwireError, describeError, isChatwireError } from '../core/errors.js';
import { mocksDir } from '../core/paths.js';
import type { Protocol } from '../protocols/protocol.js';
import { checkClientRequest, MockExchange, type ClientDeviationRecord, type MockContext, type MockRoute } from './exchange.js';
import type { MockRequest, MockResponse } from './io.js';
import { MockAccess, TOKEN_HEADER } from './access.js';
import { redactRecord } from './redact.js';
import type { ScenarioSet } from './scenario.js';
import { scenarioKindOf } from './scenario-kind.js';
import { loadScenarios } from './scenario-load.js';

/** The most client deviations kept; older ones are dropped first. */
const MAX_CLIENT_DEVIATIONS = 1_000;
const CONTROL_PREFIX = '/_chatwire/';

export interface MockCoreOptions {
  readonly protocols: readonly Protocol[];
  readonly clock?: Clock;
  /** Extra scenario folders per protocol id, read after the built-in ones. */
  readonly scenarioDirs?: Readonly<Record<string, readonly string[]>>;
  readonly onClientDeviation?: (record: ClientDeviationRecord) => void;
  /** The one bearer token protocols with auth accept; when unset, any non-empty token. */
  readonly token?: string;
  /** Fault scenarios that accept a missing key apply to any request (see MockAccess). */
  readonly allowAuthFaults?: boolean;
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

/** A path segment decoded, or kept as it is when its %-escapes are malformed. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function sendJson(res: MockResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/**
 * The mock without a transport: every protocol's routes, scenarios, in-memory state and the client
 * deviations seen. node:http (server.ts) and msw (msw.ts) each wrap it once.
 */
export class MockCore {
  readonly clock: Clock;
  readonly scenarios = new Map<string, ScenarioSet>();
  readonly #routes = new Map<string, BoundRoute>();
  readonly #states = new Map<string, Map<string, unknown>>();
  readonly #seen: ClientDeviationRecord[] = [];
  readonly access: MockAccess;

  constructor(private readonly options: MockCoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.access = new MockAccess({ token: options.token, allowAuthFaults: options.allowAuthFaults });
    for (const protocol of options.protocols) {
      const dirs = [join(mocksDir, protocol.id), ...(options.scenarioDirs?.[protocol.id] ?? [])];
      this.scenarios.set(protocol.id, loadScenarios(scenarioKindOf(protocol), dirs, options.protocols.map(scenarioKindOf)));
      for (const route of protocol.mock.routes ?? []) {
        const key = `${route.method} ${route.path}`;
        const taken = this.#routes.get(key);
        if (taken !== undefined)
          throw new ChatwireError('SERVER_START', `Failed to start the mock: ${key} is served by both ${taken.protocol.id} and ${protocol.id}`);
        const pattern = compilePath(route.path);
        this.#routes.set(key, pattern === undefined ? { protocol, route } : { protocol, route, pattern });
      }
    }
  }

  /** Client deviations seen so far, oldest first (at most 1,000). */
  clientDeviations(): readonly ClientDeviationRecord[] {
    return [...this.#seen];
  }

  /** One served protocol's share of the mock, for a transport that answers outside the routes (Socket.IO). */
  contextFor(protocol: Protocol): MockContext {
    return {
      protocol,
      scenarios: this.#scenariosOf(protocol),
      clock: this.clock,
      access: this.access,
      state: this.#state(protocol.id),
      checkRequest: (request, requestJson) => checkClientRequest(protocol, request, requestJson, this.#onClientDeviation),
    };
  }

  /** True when a protocol route or a control route answers this method and path. */
  serves(method: string, pathname: string): boolean {
    return pathname.startsWith(CONTROL_PREFIX) || this.#match(method, pathname) !== undefined;
  }

  /** Answers one request. `signal` aborts when the client goes away. */
  async handle(req: MockRequest, res: MockResponse, signal: AbortSignal): Promise<void> {
    const url = new URL(req.url, 'http://mock.invalid');
    if (url.pathname.startsWith(CONTROL_PREFIX)) return this.#control(url.pathname.slice(CONTROL_PREFIX.length), req, res);
    const found = this.#match(req.method, url.pathname);
    if (found === undefined) {
      sendJson(res, 404, {
        error: `Failed to route ${req.method} ${url.pathname}: no protocol of this mock serves it`,
        routes: [...this.#routes.keys()].sort(),
      });
      return;
    }
    const { bound, params } = found;
    const exchange = new MockExchange({
      id: randomBytes(6).toString('hex'),
      protocol: bound.protocol,
      req,
      res,
      clock: this.clock,
      signal,
      scenarios: this.#scenariosOf(bound.protocol),
      onClientDeviation: this.#onClientDeviation,
      access: this.access,
      state: this.#state(bound.protocol.id),
      params,
    });
    try {
      await bound.route.handle(exchange);
    } catch (error) {
      if (res.headersSent) {
        res.abort();
        return;
      }
      if (isChatwireError(error) && error.code === 'UNKNOWN_SCENARIO') {
        bound.protocol.mock.refuse(exchange, { status: 400, message: error.message });
        return;
      }
      sendJson(res, 500, { error: `Failed to answer ${url.pathname}: ${describeError(error)}` });
    }
  }

  readonly #onClientDeviation = (raw: ClientDeviationRecord): void => {
    // What a client sent may hold its credentials: kept and logged only with them blanked.
    const record = redactRecord(raw, this.options.token === undefined ? [] : [this.options.token]);
    this.#seen.push(record);
    if (this.#seen.length > MAX_CLIENT_DEVIATIONS) this.#seen.shift();
    this.options.onClientDeviation?.(record);
  };

  /** A served protocol's scenarios: loaded for every protocol when the mock starts. */
  #scenariosOf(protocol: Protocol): ScenarioSet {
    const set = this.scenarios.get(protocol.id);
    if (set === undefined) throw new ChatwireError('INTERNAL', `Failed to find the scenarios of ${protocol.id}: the mock does not serve it`);
    return set;
  }

  /** Each protocol's in-memory state (chats, sessions…), created by the protocol on first use. */
  #state(id: string): Map<string, unknown> {
    let found = this.#states.get(id);
    if (found === undefined) this.#states.set(id, (found = new Map<string, unknown>()));
    return found;
  }

  #match(method: string, pathname: string): { bound: BoundRoute; params: Record<string, string> } | undefined {
    const exact = this.#routes.get(`${method} ${pathname}`);
    if (exact !== undefined) return { bound: exact, params: {} };
    for (const [key, candidate] of this.#routes) {
      const match = key.startsWith(`${method} `) ? candidate.pattern?.regex.exec(pathname) : undefined;
      if (match === undefined || match === null) continue;
      const params = Object.fromEntries((candidate.pattern?.names ?? []).map((name, i) => [name, safeDecode(match[i + 1] ?? '')]));
      return { bound: candidate, params };
    }
    return undefined;
  }

  #control(name: string, req: MockRequest, res: MockResponse): void {
    if (!this.access.mayControl(req.headers)) {
      sendJson(res, 401, {
        error: `Failed to authorise ${req.method} ${CONTROL_PREFIX}${name}: the mock was started with --token; send it as Authorization: Bearer <token> or ${TOKEN_HEADER}`,
      });
      return;
    }
    if (name === 'scenarios' && req.method === 'GET') {
      const list: Record<string, Array<{ name: string; description: string; breaks: string[] }>> = {};
      for (const [protocol, set] of this.scenarios)
        list[protocol] = set.all().map(({ name: scenario, description, breaks }) => ({ name: scenario, description, breaks }));
      sendJson(res, 200, list);
      return;
    }
    if (name === 'client-deviations' && req.method === 'GET') return sendJson(res, 200, this.#seen);
    if (name === 'client-deviations' && req.method === 'DELETE') {
      this.#seen.length = 0;
      sendJson(res, 200, []);
      return;
    }
    sendJson(res, 404, {
      error: `Failed to route ${req.method} ${CONTROL_PREFIX}${name}: the mock's own routes are GET ${CONTROL_PREFIX}scenarios, GET and DELETE ${CONTROL_PREFIX}client-deviations`,
    });
  }
}
