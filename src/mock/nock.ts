import type { ReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import nock from 'nock';
import { answerThrough, bodyOf, refuseUnroutable, upstreamBase } from './bridge.js';
import { MockCore, type MockCoreOptions } from './core.js';
import type { FaultsInput } from './choice.js';
import type { ClientDeviationRecord } from './exchange.js';
import type { MockRequest } from './io.js';

export interface ChatwireNockOptions extends MockCoreOptions {
  /** Where the simulated upstream lives, e.g. `http://ctai.test` or `https://api.example/fastgpt`. */
  readonly baseUrl: string;
}

export interface ChatwireNock {
  /** Client deviations the simulated upstream saw, oldest first. */
  clientDeviations(): readonly ClientDeviationRecord[];
  /** Plays `scenario` (undefined: the default) with `faults` for every later request to `protocol`, until `reset()`. */
  use(protocol: string, scenario?: string, faults?: FaultsInput): void;
  /** Forgets state, client deviations and every `use`: call it in afterEach. */
  reset(): void;
  /** Removes the interceptors and ends the answers still streaming; other nock scopes stay. */
  remove(): void;
}

type Matcher = (uri: string) => boolean;

/** Methods the interceptors answer; a path no protocol serves on them is left to other scopes. */
const METHODS: Readonly<Record<string, (scope: nock.Scope, uri: Matcher) => nock.Interceptor>> = {
  GET: (scope, uri) => scope.get(uri),
  POST: (scope, uri) => scope.post(uri),
  PUT: (scope, uri) => scope.put(uri),
  PATCH: (scope, uri) => scope.patch(uri),
  DELETE: (scope, uri) => scope.delete(uri),
};

/**
 * nock interceptors that answer for a simulated upstream in-process, with the same scenarios, rules
 * and in-memory state as `chatwire mock`, for every protocol its HTTP routes serve whole (a
 * Socket.IO protocol needs the real server: startMockServer). They persist, so every request to a
 * served path is answered, and stream each answer as the mock writes it.
 */
export function chatwireNock(options: ChatwireNockOptions): ChatwireNock {
  refuseUnroutable(options.protocols, 'nock interceptors');
  // In-process, nothing outside the test reaches it: fault scenarios may weaken its auth.
  const core = new MockCore({ allowAuthFaults: true, ...options });
  const base = upstreamBase(options.baseUrl, 'nock interceptors');
  const inFlight = new Set<AbortController>();
  // What each request sent, as sent: nock hands a reply function its body parsed as JSON.
  const sent = new WeakMap<object, { readonly headers: Record<string, string>; readonly body: string }>();
  const scope = nock(base.origin).persist();
  scope.on('request', (req: unknown, _interceptor: unknown, body: unknown) => {
    if (typeof req !== 'object' || req === null) return;
    const headers: Record<string, string> = {};
    const given: unknown = Reflect.get(req, 'headers');
    if (typeof given === 'object' && given !== null) for (const [name, value] of Object.entries(given)) headers[name.toLowerCase()] = String(value);
    sent.set(req, { headers, body: typeof body === 'string' ? body : '' });
    // nock parses a JSON-typed body next and throws on a malformed one beyond any catch; the mock
    // must see that body to refuse it, so the parse is given no content type to go by.
    Reflect.set(req, 'headers', {});
  });
  const interceptors: nock.Interceptor[] = [];

  for (const [method, intercept] of Object.entries(METHODS)) {
    const serves = (uri: string): boolean => {
      const path = base.pathOf(uri);
      return path !== undefined && core.serves(method, new URL(path, 'http://upstream.invalid').pathname);
    };
    const interceptor = intercept(scope, serves);
    interceptors.push(interceptor);
    interceptor.reply(async function (uri) {
      const { headers, body: text } = sent.get(this.req) ?? { headers: {}, body: '' };
      const req: MockRequest = { method, url: base.pathOf(uri) ?? uri, headers, readBody: bodyOf(text) };
      const gone = new AbortController();
      inFlight.add(gone);
      // A client that goes away destroys the message nock answers it with: the mock stops there too.
      this.req.once('response', (message: IncomingMessage) => message.once('close', () => gone.abort(new Error('client closed the connection'))));
      const answer = await answerThrough(core, req, gone.signal);
      const body = Readable.fromWeb(answer.body);
      body.once('close', () => inFlight.delete(gone));
      // nock streams any Readable it is given; its types name only the file stream.
      return [answer.status, body as ReadStream, { ...answer.headers }];
    });
  }

  return {
    clientDeviations: () => core.clientDeviations(),
    use: (protocol, scenario, faults) => core.use(protocol, scenario, faults),
    reset: () => core.reset(),
    remove: () => {
      for (const interceptor of interceptors) nock.removeInterceptor(interceptor);
      for (const gone of inFlight) gone.abort(new Error('the nock interceptors were removed'));
      inFlight.clear();
    },
  };
}
