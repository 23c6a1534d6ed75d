// Malformed requests for every route of every protocol the mock serves, as fast-check arbitraries,
// and what the mock must answer to each.
import fc from 'fast-check';
import type { Protocol } from '../../src/protocols/protocol.js';

export interface Route {
  readonly protocol: string;
  readonly method: string;
  readonly path: string;
}

/** The routes of every protocol, read from the protocols themselves, so a new route is fuzzed too. */
export function routesOf(protocols: readonly Protocol[]): Route[] {
  return protocols.flatMap((protocol) =>
    (protocol.transport === 'socketio' ? [] : protocol.mock.routes).map((route) => ({ protocol: protocol.id, method: route.method, path: route.path })),
  );
}

/** One request to send, by what is wrong with it. */
export type Malformed =
  /** A JSON body of the route's fields with values of any type (it may happen to be acceptable). */
  | { readonly kind: 'types'; readonly route: Route; readonly segment: string; readonly body: string; readonly slow: boolean }
  /** JSON text cut short. */
  | { readonly kind: 'broken'; readonly route: Route; readonly segment: string; readonly body: string }
  /** Arrays or objects nested past the mock's limit. */
  | { readonly kind: 'deep'; readonly route: Route; readonly segment: string; readonly depth: number; readonly object: boolean }
  /** A body over the mock's 1 MB limit. */
  | { readonly kind: 'huge'; readonly route: Route; readonly segment: string; readonly bytes: number }
  /** A JSON body with bytes that are not UTF-8 inside a string. */
  | { readonly kind: 'utf8'; readonly route: Route; readonly segment: string; readonly bad: readonly number[] }
  /** A route's path asked with a method it does not serve. */
  | { readonly kind: 'method'; readonly route: Route; readonly segment: string; readonly method: string }
  /** Headers over node:http's 16 KB. */
  | { readonly kind: 'headers'; readonly route: Route; readonly segment: string; readonly bytes: number }
  /** A body announced longer than what is sent before the client leaves. */
  | { readonly kind: 'truncated'; readonly route: Route; readonly segment: string; readonly sent: number }
  /** A query string of any text on a route (GET routes read theirs). */
  | { readonly kind: 'query'; readonly route: Route; readonly segment: string; readonly query: string }
  /** Bytes that are not HTTP at all. */
  | { readonly kind: 'garbage'; readonly bytes: Uint8Array }
  /** Engine.IO / Socket.IO requests that are wrong at some layer. */
  | { readonly kind: 'socketio'; readonly query: string; readonly packets: string | undefined };

const FIELDS = [
  'query_text',
  'stream',
  'session_id',
  'sessionId',
  'timeStamp',
  'text',
  'messages',
  'chatId',
  'detail',
  'appId',
  'workspace_id',
  'conversation_id',
  'message',
  'variables',
  'offset',
  'pageSize',
  'dataId',
  'contentId',
  'customTitle',
];

// A path segment of any text, escaped; not `.` or `..`, which a URL resolves away (another path, not a bad request).
const segment = fc.oneof(
  fc.constant('x'),
  fc
    .string({ minLength: 1, maxLength: 40 })
    .map(encodeURIComponent)
    .filter((text) => text !== '.' && text !== '..'),
  fc.constant('%E0%A4%A'),
);
const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary', maxLength: 200 }));
const body = fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }).map((fields) => JSON.stringify(fields));

export function malformed(routes: readonly Route[]): fc.Arbitrary<Malformed> {
  const route = fc.constantFrom(...routes);
  const bodied = fc.constantFrom(...routes.filter((candidate) => candidate.method !== 'GET'));
  return fc.oneof(
    { weight: 30, arbitrary: fc.record({ kind: fc.constant('types' as const), route, segment, body, slow: fc.nat({ max: 49 }).map((n) => n === 0) }) },
    {
      weight: 15,
      arbitrary: fc.record({ route: bodied, segment, text: body, cut: fc.nat() }).map(({ route: at, segment: seg, text, cut }) => ({
        kind: 'broken' as const,
        route: at,
        segment: seg,
        body: text.slice(0, 1 + (cut % (text.length - 1))),
      })),
    },
    {
      weight: 6,
      // Mostly just past the limit; one in ten 100,000 levels deep, the depth that overflowed the stack.
      arbitrary: fc.record({
        kind: fc.constant('deep' as const),
        route: bodied,
        segment,
        depth: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1_001, max: 5_000 }) }, { weight: 1, arbitrary: fc.constant(100_000) }),
        object: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('huge' as const), route: bodied, segment, bytes: fc.integer({ min: 1024 * 1024 + 1, max: 3 * 1024 * 1024 }) }),
    },
    {
      weight: 10,
      arbitrary: fc.record({
        kind: fc.constant('utf8' as const),
        route: bodied,
        segment,
        // Bytes no UTF-8 text holds: a lone continuation byte, a lead byte without its follower, 0xFF, an overlong form.
        bad: fc.constantFrom([0x80], [0xc3], [0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]),
      }),
    },
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('method' as const),
        route,
        segment,
        method: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'OPTIONS'),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('headers' as const), route, segment, bytes: fc.integer({ min: 17 * 1024, max: 64 * 1024 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncated' as const), route: bodied, segment, sent: fc.nat({ max: 500 }) }) },
    { weight: 10, arbitrary: fc.record({ kind: fc.constant('query' as const), route, segment, query: fc.string({ unit: 'binary', maxLength: 300 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 400 }) }) },
    {
      weight: 14,
      arbitrary: fc.record({
        kind: fc.constant('socketio' as const),
        query: fc.oneof(
          fc.constant('EIO=4&transport=polling'),
          fc.constant('EIO=3&transport=polling'),
          fc.string({ maxLength: 60 }).map((text) => `EIO=${encodeURIComponent(text)}&transport=polling`),
          fc.string({ maxLength: 60 }).map((text) => `EIO=4&transport=${encodeURIComponent(text)}`),
          fc.string({ maxLength: 30 }).map((text) => `EIO=4&transport=polling&sid=${encodeURIComponent(text)}`),
        ),
        packets: fc.option(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 200 }),
            value.map((payload) => `40\u001e42${JSON.stringify(['CHAT_CS', payload])}`),
            fc.integer({ min: 1_001, max: 50_000 }).map((depth) => `40\u001e42["CHAT_CS",${'['.repeat(depth)}${']'.repeat(depth)}]`),
            fc.constantFrom('4', '42', '42[', '42["CHAT_CS"', '2probe', '6', '1', '40/nope,', '4{'),
          ),
          { nil: undefined },
        ),
      }),
    },
  );
}

/** What the mock must answer: `refuse` with a message matching `names`, or any answer in the protocol's own form. */
export function expectation(request: Malformed): { readonly refuse: boolean; readonly names?: RegExp } {
  switch (request.kind) {
    case 'broken':
      return { refuse: true, names: /not JSON/ };
    case 'deep':
      return { refuse: true, names: /deeper than 1000 levels/ };
    case 'huge':
      return { refuse: true, names: /over 1048576 bytes/ };
    case 'utf8':
      return { refuse: true, names: /not valid UTF-8/ };
    case 'method':
      // OPTIONS is a CORS preflight, answered by the CORS gate.
      return request.method === request.route.method || request.method === 'OPTIONS' ? { refuse: false } : { refuse: true, names: /serves it with/ };
    case 'headers':
      return { refuse: true, names: /headers are over \d+ bytes/ };
    case 'garbage':
      return { refuse: true, names: /not valid HTTP/ };
    case 'types':
    case 'query':
    case 'truncated':
    case 'socketio':
      return { refuse: false };
  }
}
