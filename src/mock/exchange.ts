import type { Clock } from '../core/clock.js';
import { ExchangeCheck } from '../core/engine.js';
import { parseJson, type RequestRecord } from '../core/exchange.js';
import type { Deviation, Rule } from '../core/rule.js';
import type { TemplateVars } from '../core/template.js';
import type { BodyRead, ClientLeaving, MockRequest, MockResponse } from './io.js';
import { SUITE_HEADER, type MockAccess } from './access.js';
import type { CorsPolicy } from './cors.js';
import { playAnswer, playStream } from './playback.js';
import type { Scenario, ScenarioAnswer, ScenarioSet, ScenarioStream } from './scenario.js';
import type { Asked, Selection } from './choice.js';
import { RequestTarget } from './target.js';

export { SCENARIO_HEADER } from './choice.js';
export const MAX_REQUEST_BYTES = 1024 * 1024;
const NO_VARS: TemplateVars = {};

/** Why the mock will not serve a request; the protocol words it in its own error format. */
export interface Refusal {
  readonly status: number;
  readonly message: string;
}

export interface MockRoute {
  readonly method: string;
  readonly path: string;
  handle(exchange: MockExchange): Promise<void>;
}

/** A deviation of the client's, as the mock saw it. */
export interface ClientDeviationRecord {
  readonly at: string;
  readonly protocol: string;
  readonly method: string;
  readonly path: string;
  readonly deviation: Deviation;
}

/** What the mock needs to know of the protocol it answers for, whatever its transport. */
export interface ServedProtocol {
  readonly id: string;
  readonly rules: readonly Rule[];
  readonly mock: { readonly defaultScenario: string };
}

/** Each protocol's rules on requests, picked out once. */
const requestRulesOf = new WeakMap<ServedProtocol, readonly Rule[]>();
function requestRules(protocol: ServedProtocol): readonly Rule[] {
  let rules = requestRulesOf.get(protocol);
  if (rules === undefined) requestRulesOf.set(protocol, (rules = protocol.rules.filter((rule) => rule.scopes.includes('request'))));
  return rules;
}

/**
 * Runs a protocol's request rules over what a client sent, logs each deviation, and returns them so
 * the mock can refuse what must be refused. Shared by HTTP routes and socket handlers.
 */
export function checkClientRequest(
  protocol: ServedProtocol,
  request: RequestRecord,
  requestJson: unknown,
  onClientDeviation: (record: ClientDeviationRecord) => void,
  /** What the request rules keep between one client's requests (a chat's item ids), when the caller keeps it. */
  memory?: Map<string, unknown>,
): readonly Deviation[] {
  const deviations = new ExchangeCheck(requestRules(protocol), { request, requestJson, memory }).end({ type: 'closed', atMs: 0 });
  // chatwire run's own refusal cases: refused as they must be, but no deviation of a user's client.
  if (deviations.length === 0 || request.headers[SUITE_HEADER] !== undefined) return deviations;
  const path = new URL(request.url, 'http://mock.invalid').pathname;
  for (const deviation of deviations) {
    onClientDeviation({ at: new Date().toISOString(), protocol: protocol.id, method: request.method, path, deviation });
  }
  return deviations;
}

/**
 * One served protocol's share of the mock, for a transport that answers outside the routes (a
 * Socket.IO server): its scenarios, clock, state, and the client-request check that logs deviations.
 */
export interface MockContext {
  readonly protocol: ServedProtocol;
  readonly scenarios: ScenarioSet;
  readonly clock: Clock;
  readonly access: MockAccess;
  readonly state: Map<string, unknown>;
  /** Runs the protocol's request rules over what a client sent, logging each deviation. */
  readonly checkRequest: (request: RequestRecord, requestJson: unknown) => readonly Deviation[];
  /** The scenario and faults for a connection that asked `asked` (throws for an unknown scenario or fault). */
  readonly select: (asked: Asked) => Selection;
  /** The clock fault overlays wait on: real time, whatever --speed does to scripted delays. */
  readonly faultClock: Clock;
  /** Writes a line to the mock's log. */
  readonly log: (line: string) => void;
}

/** How a transport's mock server is set up beyond the protocols it serves. */
export interface MockAttachOptions {
  /** Socket.IO: the heartbeat's ping interval and timeout (default 25 s and 20 s). */
  readonly heartbeatMs?: number;
  /** The origins whose pages may use the mock, as its HTTP routes allow them (default: loopback ones). */
  readonly cors?: CorsPolicy;
}

/** Whether a request may be served at all: its Host names this mock (see server.ts). */
export type HostCheck = (headers: Readonly<Record<string, string | string[] | undefined>>) => boolean;

/** A request body as a route takes it in: read, parsed and checked, or refused for its size. */
export type RequestIntake =
  | { readonly ok: false; readonly refusal: Refusal }
  | {
      readonly ok: true;
      /** The body as sent; '' when there was none. */
      readonly text: string;
      /** The body as JSON; undefined when empty or not JSON. */
      readonly json: unknown;
      /** What the protocol's request rules found (already logged as client deviations). */
      readonly deviations: readonly Deviation[];
      /** The deviations of error severity: what a server refuses. */
      readonly errors: readonly Deviation[];
    };

/** What one request to the mock comes with. */
export interface MockExchangeOptions {
  readonly id: string;
  readonly protocol: ServedProtocol;
  readonly req: MockRequest;
  readonly res: MockResponse;
  readonly clock: Clock;
  /** When the client goes away before the answer is complete. */
  readonly leaving: ClientLeaving;
  readonly scenarios: ScenarioSet;
  readonly onClientDeviation: (record: ClientDeviationRecord) => void;
  /** Who may do what: the token the mock was started with, if any. */
  readonly access: MockAccess;
  /** This protocol's state on this server: what a stateful mock keeps between requests. */
  readonly state: Map<string, unknown>;
  /** The values of the route's :parameters. */
  readonly params?: Readonly<Record<string, string>> | undefined;
  /** What plays for this request: its scenario and faults (see MockChoices). */
  readonly selection: Selection;
  /** `req.url` parsed already, when the caller has it. */
  readonly target?: RequestTarget | undefined;
}

/** One request to the mock and the means to answer it. */
export class MockExchange {
  readonly target: RequestTarget;
  readonly id: string;
  readonly protocol: ServedProtocol;
  readonly req: MockRequest;
  readonly res: MockResponse;
  readonly clock: Clock;
  readonly leaving: ClientLeaving;
  readonly scenarios: ScenarioSet;
  readonly access: MockAccess;
  readonly state: Map<string, unknown>;
  readonly params: Readonly<Record<string, string>>;
  readonly selection: Selection;
  readonly #onClientDeviation: (record: ClientDeviationRecord) => void;
  #bodyRead: Promise<BodyRead> | undefined;

  constructor(options: MockExchangeOptions) {
    this.id = options.id;
    this.protocol = options.protocol;
    this.req = options.req;
    this.res = options.res;
    this.clock = options.clock;
    this.leaving = options.leaving;
    this.scenarios = options.scenarios;
    this.access = options.access;
    this.state = options.state;
    this.selection = options.selection;
    this.params = options.params ?? {};
    this.#onClientDeviation = options.onClientDeviation;
    this.target = options.target ?? new RequestTarget(this.req.url);
  }

  /** The request's path and query. */
  get url(): URL {
    return this.target.url;
  }

  /** Aborts when the client goes away before the answer is complete. */
  get signal(): AbortSignal {
    return this.leaving.signal;
  }

  get method(): string {
    return this.req.method;
  }

  header(name: string): string | undefined {
    return this.req.headers[name.toLowerCase()];
  }

  /** Whether the request carries a key the mock accepts: the configured one, or any when none is. */
  auth(): 'ok' | 'missing' | 'wrong' {
    return this.access.auth(this.req.headers);
  }

  /** Whether a fault scenario that accepts a missing key may apply to this request (see MockAccess). */
  mayWeakenAuth(): boolean {
    return this.access.mayWeakenAuth(this.req.headers);
  }

  /** The request body as text, or undefined when the mock will not take it (too large, not UTF-8, cut short). */
  async text(): Promise<string | undefined> {
    const read = await this.#read();
    return read.ok ? read.text : undefined;
  }

  #read(): Promise<BodyRead> {
    this.#bodyRead ??= this.req.readBody(MAX_REQUEST_BYTES);
    return this.#bodyRead;
  }

  /** The request as a record for the rules. */
  record(body: string | undefined): RequestRecord {
    return { method: this.req.method, url: this.target.pathname + this.target.search, headers: this.req.headers, body };
  }

  /**
   * Runs the protocol's request rules over this request, logs every client deviation, and returns
   * them so the route can refuse what must be refused.
   */
  checkRequest(body: string | undefined, requestJson: unknown): readonly Deviation[] {
    return checkClientRequest(this.protocol, this.record(body), requestJson, this.#onClientDeviation, this.state);
  }

  /**
   * Reads the body, parses it, and runs the protocol's request rules over it (unless `check` is
   * false, for a request that carries no body by its method). Each route then answers the way
   * its protocol words errors.
   */
  async intake(options: { readonly check?: boolean } = {}): Promise<RequestIntake> {
    const read = await this.#read();
    if (!read.ok) return { ok: false, refusal: { status: read.status, message: `Failed to read the request: ${read.problem}` } };
    const { text } = read;
    const parsed = text === '' ? undefined : parseJson(text);
    // Too deep to judge safely: refused before any rule walks it.
    if (parsed?.ok === false && parsed.tooDeep === true)
      return { ok: false, refusal: { status: 400, message: `Failed to parse the request: ${parsed.error}` } };
    const json = parsed?.ok === true ? parsed.value : undefined;
    const deviations = options.check === false ? [] : this.checkRequest(text === '' ? undefined : text, json);
    return { ok: true, text, json, deviations, errors: deviations.filter((deviation) => deviation.severity === 'error') };
  }

  /** The scenario asked for by header or `?scenario=`, else the one chosen for the mock, else the protocol's default. */
  scenario(): Scenario {
    return this.selection.scenario;
  }

  /** The default scenario, for parts a fault scenario leaves out. */
  defaultScenario(): Scenario {
    return this.scenarios.require(this.protocol.mock.defaultScenario);
  }

  json(status: number, body: unknown): void {
    if (this.res.headersSent) return;
    this.res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    void this.res.end(JSON.stringify(body));
  }

  playStream(stream: ScenarioStream, vars: TemplateVars = NO_VARS): Promise<void> {
    return playStream(stream, { res: this.res, clock: this.clock, leaving: this.leaving, vars: this.#vars(vars) });
  }

  playAnswer(answer: ScenarioAnswer, vars: TemplateVars = NO_VARS): Promise<void> {
    return playAnswer(answer, { res: this.res, clock: this.clock, leaving: this.leaving, vars: this.#vars(vars) });
  }

  /** The exchange's id and the route's values; most routes give none, and a spread of nothing still cost a slow path. */
  #vars(vars: TemplateVars): TemplateVars {
    return vars === NO_VARS ? { exchange: this.id } : { exchange: this.id, ...vars };
  }
}
