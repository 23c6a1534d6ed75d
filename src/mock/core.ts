import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { scaledClock, systemClock, type Clock } from '../core/clock.js';
import { ChatwireError, describeError, isChatwireError } from '../core/errors.js';
import { mocksDir } from '../core/paths.js';
import type { Protocol } from '../protocols/protocol.js';
import { transportOf } from '../transports/index.js';
import { checkClientRequest, MockExchange, type ClientDeviationRecord, type MockContext, type MockRoute } from './exchange.js';
import type { MockRequest, MockResponse } from './io.js';
import { MockAccess } from './access.js';
import { FAULT_HEADER, MockChoices, SCENARIO_HEADER, type FaultsInput, type Selection } from './choice.js';
import { control, CONTROL_PREFIX, sendJson, type ControlTarget } from './control.js';
import { FaultyResponse } from './fault-response.js';
import { formatFault, reaches, type Fault } from './faults.js';
import { redactRecord } from './redact.js';
import { loadScenarios, type ScenarioSet } from './scenario.js';

/** The most client deviations kept; older ones are dropped first. */
const MAX_CLIENT_DEVIATIONS = 1_000;

export interface MockCoreOptions {
  readonly protocols: readonly Protocol[];
  readonly clock?: Clock;
  /** Multiplies every scripted delay (0: none; 0.5: twice as fast). Fault overlays keep real time. */
  readonly speed?: number;
  /** Extra scenario folders per protocol id, read after the built-in ones. */
  readonly scenarioDirs?: Readonly<Record<string, readonly string[]>>;
  /** What each protocol plays until told otherwise: a scenario and fault overlays (see `use`). */
  readonly choose?: Readonly<Record<string, { readonly scenario?: string; readonly faults?: FaultsInput }>>;
  readonly onClientDeviation?: (record: ClientDeviationRecord) => void;
  /** Lines for the mock's log: each fault overlay as it is applied. */
  readonly onLog?: (line: string) => void;
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

/**
 * Exchange ids, 12 hex digits each, cut from one buffer of random bytes refilled when used up:
 * one call into the random source per 1,024 requests instead of one per request.
 */
const ids = { pool: Buffer.alloc(0), next: 0 };
function exchangeId(): string {
  if (ids.next + 6 > ids.pool.length) {
    ids.pool = randomBytes(6 * 1024);
    ids.next = 0;
  }
  ids.next += 6;
  return ids.pool.toString('hex', ids.next - 6, ids.next);
}

/** A path segment decoded, or kept as it is when its %-escapes are malformed. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The mock without a transport: every protocol's routes, scenarios, choices, in-memory state and
 * the client deviations seen. node:http (server.ts) and msw (msw.ts) each wrap it once.
 */
export class MockCore {
  /** The clock scripted delays run on (scaled by `speed`). */
  readonly clock: Clock;
  /** Real time, for fault overlays. */
  readonly faultClock: Clock;
  readonly scenarios = new Map<string, ScenarioSet>();
  readonly choices: MockChoices;
  readonly access: MockAccess;
  readonly #routes = new Map<string, BoundRoute>();
  readonly #states = new Map<string, Map<string, unknown>>();
  readonly #seen: ClientDeviationRecord[] = [];
  readonly #defaults = new Map<string, string>();

  constructor(private readonly options: MockCoreOptions) {
    this.faultClock = options.clock ?? systemClock;
    const speed = options.speed ?? 1;
    if (!(speed >= 0 && speed <= 100)) throw new ChatwireError('BAD_OPTION', `Failed to start the mock: speed ${speed} is not between 0 and 100`);
    this.clock = scaledClock(this.faultClock, speed);
    this.access = new MockAccess({ token: options.token, allowAuthFaults: options.allowAuthFaults });
    for (const protocol of options.protocols) {
      const dirs = [join(mocksDir, protocol.id), ...(options.scenarioDirs?.[protocol.id] ?? [])];
      this.scenarios.set(protocol.id, loadScenarios(protocol.id, dirs, protocol.mock.script));
      this.#defaults.set(protocol.id, protocol.mock.defaultScenario);
      for (const route of protocol.mock.routes ?? []) {
        const key = `${route.method} ${route.path}`;
        const taken = this.#routes.get(key);
        if (taken !== undefined)
          throw new ChatwireError('SERVER_START', `Failed to start the mock: ${key} is served by both ${taken.protocol.id} and ${protocol.id}`);
        const pattern = compilePath(route.path);
        this.#routes.set(key, pattern === undefined ? { protocol, route } : { protocol, route, pattern });
      }
    }
    const reach = new Map(options.protocols.map((protocol) => [protocol.id, transportOf(protocol).faultReach]));
    this.choices = new MockChoices(this.scenarios, reach, options.choose);
  }

  /** Plays `scenario` (undefined: the protocol's default) with `faults` for every later request to `protocol`. */
  use(protocol: string, scenario?: string, faults?: FaultsInput): void {
    this.choices.use(protocol, scenario, faults);
  }

  /** Forgets every protocol's state, the client deviations seen and the choices made since the start. */
  reset(): void {
    this.choices.reset();
    for (const state of this.#states.values()) state.clear();
    this.#seen.length = 0;
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
      faultClock: this.faultClock,
      access: this.access,
      state: this.#state(protocol.id),
      checkRequest: (request, requestJson) => checkClientRequest(protocol, request, requestJson, this.#onClientDeviation),
      select: (asked) => this.choices.select(protocol.id, protocol.mock.defaultScenario, asked),
      log: this.#log,
    };
  }

  /** True when a protocol route or a control route answers this method and path. */
  serves(method: string, pathname: string): boolean {
    return pathname.startsWith(CONTROL_PREFIX) || this.#match(method, pathname) !== undefined;
  }

  /** Answers one request. `signal` aborts when the client goes away. */
  async handle(req: MockRequest, res: MockResponse, signal: AbortSignal): Promise<void> {
    const url = new URL(req.url, 'http://mock.invalid');
    if (url.pathname.startsWith(CONTROL_PREFIX)) return control(this.#controlTarget, url.pathname.slice(CONTROL_PREFIX.length), req, res);
    const found = this.#match(req.method, url.pathname);
    if (found === undefined) {
      sendJson(res, 404, {
        error: `Failed to route ${req.method} ${url.pathname}: no protocol of this mock serves it`,
        routes: [...this.#routes.keys()].sort(),
      });
      return;
    }
    const { bound, params } = found;
    const { protocol } = bound;
    const id = exchangeId();
    // Reading searchParams builds them: only when there is a query.
    const query = (name: string): string | undefined => (url.search === '' ? undefined : (url.searchParams.get(name) ?? undefined));
    const asked = {
      scenario: req.headers[SCENARIO_HEADER] ?? query('scenario'),
      fault: req.headers[FAULT_HEADER] ?? query('fault'),
    };
    const exchangeFor = (selection: Selection, answer: MockResponse): MockExchange =>
      new MockExchange({
        id,
        protocol,
        req,
        res: answer,
        clock: this.clock,
        signal,
        scenarios: this.#scenariosOf(protocol),
        onClientDeviation: this.#onClientDeviation,
        access: this.access,
        state: this.#state(protocol.id),
        params,
        selection,
        url,
      });
    let selection: Selection;
    try {
      selection = this.choices.select(protocol.id, protocol.mock.defaultScenario, asked);
    } catch (error) {
      const fallback = { scenario: this.#scenariosOf(protocol).require(protocol.mock.defaultScenario), faults: [] };
      protocol.mock.refuse(exchangeFor(fallback, res), { status: 400, message: isChatwireError(error) ? error.toLine() : describeError(error) });
      return;
    }
    const faults = selection.faults.filter((fault) => reaches(fault, 'http'));
    if (faults.length > 0) this.#log(`fault ${faults.map(formatFault).join(', ')} on ${req.method} ${url.pathname} (${protocol.id}, exchange ${id})`);
    const status = faults.find((fault): fault is Extract<Fault, { kind: 'status' }> => fault.kind === 'status');
    const answer = faults.length === 0 ? res : new FaultyResponse(res, faults, { clock: this.faultClock, signal }, retryAfter(status));
    const exchange = exchangeFor(selection, answer);
    if (status !== undefined) {
      // Asked for a bare status: answer it in the protocol's error form, and do nothing else.
      await exchange.text();
      protocol.mock.refuse(exchange, { status: status.status, message: `Failed to answer: the mock was asked for fault status:${status.status}` });
      return;
    }
    try {
      await bound.route.handle(exchange);
    } catch (error) {
      if (answer.headersSent) {
        answer.abort();
        return;
      }
      if (isChatwireError(error) && error.code === 'UNKNOWN_SCENARIO') {
        protocol.mock.refuse(exchange, { status: 400, message: error.message });
        return;
      }
      sendJson(answer, 500, { error: `Failed to answer ${url.pathname}: ${describeError(error)}` });
    }
  }

  readonly #log = (line: string): void => this.options.onLog?.(line);

  readonly #onClientDeviation = (raw: ClientDeviationRecord): void => {
    // What a client sent may hold its credentials: kept and logged only with them blanked.
    const record = redactRecord(raw, this.options.token === undefined ? [] : [this.options.token]);
    this.#seen.push(record);
    if (this.#seen.length > MAX_CLIENT_DEVIATIONS) this.#seen.shift();
    this.options.onClientDeviation?.(record);
  };

  get #controlTarget(): ControlTarget {
    return {
      access: this.access,
      scenarios: this.scenarios,
      choices: this.choices,
      defaults: this.#defaults,
      clientDeviations: () => this.clientDeviations(),
      clearClientDeviations: () => void (this.#seen.length = 0),
      reset: () => this.reset(),
    };
  }

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
}

/** Retry-After for a status fault: as asked, else one second where the status invites a retry. */
function retryAfter(status: Extract<Fault, { kind: 'status' }> | undefined): Record<string, string> {
  if (status === undefined) return {};
  const seconds = status.retryAfter ?? (status.status === 429 || status.status === 503 ? 1 : undefined);
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}
