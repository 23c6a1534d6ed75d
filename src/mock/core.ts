import { join } from 'node:path';
import { scaledClock, systemClock, type Clock } from '../core/clock.js';
import { ChatwireError, describeError, isChatwireError } from '../core/errors.js';
import { mocksDir } from '../core/paths.js';
import type { Protocol } from '../protocols/protocol.js';
import { transportOf } from '../transports/index.js';
import { checkClientRequest, MockExchange, type ClientDeviationRecord, type MockContext, type MockExchangeOptions } from './exchange.js';
import type { ClientLeaving, MockRequest, MockResponse } from './io.js';
import { MockAccess, SUITE_HEADER } from './access.js';
import { mistypedPath, wrongMethod } from '../transports/http/rules.js';
import { FAULT_HEADER, MockChoices, SCENARIO_HEADER, type FaultsInput, type Selection } from './choice.js';
import { control, CONTROL_PREFIX, sendJson, type ControlTarget } from './control.js';
import { CrosstalkBoard } from './crosstalk.js';
import { FaultyResponse } from './fault-response.js';
import { formatFault, reaches, retryAfterHeaders, type Fault } from './faults.js';
import { redactRecord } from './redact.js';
import { safeDecode } from '../core/url.js';
import { compilePath, exchangeId, mistypedRoute, type BoundRoute } from './routes.js';
import { RequestTarget } from './target.js';
import type { ScenarioSet } from './scenario.js';
import { scenarioKindOf } from './scenario-kind.js';
import { loadScenarios } from './scenario-load.js';

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

/**
 * The mock without a transport: every protocol's routes, scenarios, choices, in-memory state and
 * the client deviations seen. node:http (server.ts), msw (msw.ts) and nock (nock.ts) each wrap it once.
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
  /** The answers in flight under a crosstalk fault, per protocol. */
  readonly #crosstalk = new CrosstalkBoard();
  readonly #defaults = new Map<string, string>();

  constructor(private readonly options: MockCoreOptions) {
    this.faultClock = options.clock ?? systemClock;
    const speed = options.speed ?? 1;
    if (!(speed >= 0 && speed <= 100)) throw new ChatwireError('BAD_OPTION', `Failed to start the mock: speed ${speed} is not between 0 and 100`);
    this.clock = scaledClock(this.faultClock, speed);
    this.access = new MockAccess({ token: options.token, allowAuthFaults: options.allowAuthFaults });
    for (const protocol of options.protocols) {
      const dirs = [join(mocksDir, protocol.id), ...(options.scenarioDirs?.[protocol.id] ?? [])];
      this.scenarios.set(protocol.id, loadScenarios(scenarioKindOf(protocol), dirs, options.protocols.map(scenarioKindOf)));
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
      checkRequest: (request, requestJson) => checkClientRequest(protocol, request, requestJson, this.#onClientDeviation, this.#state(protocol.id)),
      select: (asked) => this.choices.select(protocol.id, protocol.mock.defaultScenario, asked),
      log: this.#log,
    };
  }

  /** True when a protocol route or a control route answers this method and path. */
  serves(method: string, pathname: string): boolean {
    return pathname.startsWith(CONTROL_PREFIX) || this.#match(method, pathname) !== undefined;
  }

  /** Answers one request. `leaving` says when the client goes away. */
  async handle(req: MockRequest, res: MockResponse, leaving: ClientLeaving): Promise<void> {
    const target = new RequestTarget(req.url);
    if (target.pathname.startsWith(CONTROL_PREFIX)) return control(this.#controlTarget, target.pathname.slice(CONTROL_PREFIX.length), req, res);
    const found = this.#match(req.method, target.pathname);
    const other = found === undefined ? this.#methodsAt(target.pathname) : undefined;
    if (other !== undefined && other.methods.length > 0) {
      // A protocol's path asked with the wrong method: refused in that protocol's words.
      const { protocol } = other;
      const exchange = this.#exchange({ protocol, req, res, leaving, id: exchangeId(), params: {}, selection: this.#fallback(protocol) });
      const served = other.methods.join(', ');
      protocol.mock.refuse(exchange, {
        status: 405,
        message: `Failed to route ${req.method} ${target.pathname}: ${protocol.id} serves it with ${served} only`,
      });
      // chatwire run's own probes excepted, a wrong method is the client's mistake.
      const deviation = req.headers[SUITE_HEADER] === undefined ? wrongMethod(req.method, target.pathname, protocol.id, other.methods) : undefined;
      if (deviation !== undefined)
        this.#onClientDeviation({ at: new Date().toISOString(), protocol: protocol.id, method: req.method, path: target.pathname, deviation });
      return;
    }
    if (found === undefined) {
      const meant = req.headers[SUITE_HEADER] === undefined ? mistypedRoute(target.pathname, this.#routes.values()) : undefined;
      if (meant !== undefined) {
        const deviation = mistypedPath(req.method, target.pathname, meant.protocol.id, meant.route.path);
        this.#onClientDeviation({ at: new Date().toISOString(), protocol: meant.protocol.id, method: req.method, path: target.pathname, deviation });
      }
      sendJson(res, 404, {
        error: `Failed to route ${req.method} ${target.pathname}: no protocol of this mock serves it`,
        ...(meant === undefined ? {} : { hint: `did you mean ${meant.route.method} ${meant.route.path}? (${meant.protocol.id})` }),
        routes: [...this.#routes.keys()].sort(),
      });
      return;
    }
    const { bound, params } = found;
    const { protocol } = bound;
    const id = exchangeId();
    // Reading searchParams builds them: only when there is a query.
    const query = (name: string): string | undefined => (target.search === '' ? undefined : (target.url.searchParams.get(name) ?? undefined));
    const asked = {
      scenario: req.headers[SCENARIO_HEADER] ?? query('scenario'),
      fault: req.headers[FAULT_HEADER] ?? query('fault'),
    };
    const exchangeFor = (selection: Selection, answer: MockResponse): MockExchange =>
      this.#exchange({ protocol, req, res: answer, leaving, id, params, selection, target });
    let selection: Selection;
    try {
      selection = this.choices.select(protocol.id, protocol.mock.defaultScenario, asked);
    } catch (error) {
      protocol.mock.refuse(exchangeFor(this.#fallback(protocol), res), {
        status: 400,
        message: isChatwireError(error) ? error.toLine() : describeError(error),
      });
      return;
    }
    const faults = selection.faults.filter((fault) => reaches(fault, 'http'));
    if (faults.length > 0) this.#log(`fault ${faults.map(formatFault).join(', ')} on ${req.method} ${target.pathname} (${protocol.id}, exchange ${id})`);
    const status = faults.find((fault): fault is Extract<Fault, { kind: 'status' }> => fault.kind === 'status');
    const answer =
      faults.length === 0
        ? res
        : new FaultyResponse(
            res,
            faults,
            { clock: this.faultClock, signal: leaving.signal, crosstalk: { board: this.#crosstalk, channel: protocol.id, request: () => exchange.text() } },
            retryAfterHeaders(status),
          );
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
      sendJson(answer, 500, { error: `Failed to answer ${target.pathname}: ${describeError(error)}` });
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

  #exchange(
    part: Pick<MockExchangeOptions, 'protocol' | 'req' | 'res' | 'leaving' | 'id' | 'params' | 'selection' | 'target'> & { readonly protocol: Protocol },
  ): MockExchange {
    const { protocol } = part;
    // Every property named, in one order: a spread made V8 miss its inline caches on every request.
    return new MockExchange({
      id: part.id,
      protocol,
      req: part.req,
      res: part.res,
      clock: this.clock,
      leaving: part.leaving,
      scenarios: this.#scenariosOf(protocol),
      onClientDeviation: this.#onClientDeviation,
      access: this.access,
      state: this.#state(protocol.id),
      params: part.params,
      selection: part.selection,
      target: part.target,
    });
  }

  /** The protocol's default scenario with no faults, for a request refused before its choice is read. */
  #fallback(protocol: Protocol): Selection {
    return { scenario: this.#scenariosOf(protocol).require(protocol.mock.defaultScenario), faults: [] };
  }

  /** The methods other routes answer at this path, and the protocol they belong to. */
  #methodsAt(pathname: string): { protocol: Protocol; methods: string[] } | undefined {
    let protocol: Protocol | undefined;
    const methods: string[] = [];
    for (const [key, candidate] of this.#routes) {
      const [method = '', path = ''] = key.split(' ');
      if (path !== pathname && candidate.pattern?.regex.test(pathname) !== true) continue;
      protocol ??= candidate.protocol;
      methods.push(method);
    }
    return protocol === undefined ? undefined : { protocol, methods };
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
