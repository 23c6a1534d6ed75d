import { describeTimeout, FRAME_BUDGET_BYTES } from '../../core/exchange.js';
import { defineRule, deviationOf, type Deviation, type Rule, type RuleMeta } from '../../core/rule.js';
import { INVALID_UTF8 } from '../abort.js';

/**
 * The one rule every HTTP exchange is held to, whatever the protocol: the answer arrived and
 * ended, within chatwire's bounds, without the connection breaking.
 */
// Could a legal server fail this? A slow server: the limits are flags (--timeout, --first-frame-timeout,
// --idle-timeout, --max-frames, --max-bytes).
export const responseComplete: Rule = defineRule({
  id: 'http.response.complete',
  title: 'The answer arrives and ends within the time, frame and byte bounds, on an unbroken connection',
  severity: 'error',
  basis: 'doc',
  source: { doc: 'RFC 9112', section: '6.3 Message Body Length' },
  scopes: ['stream', 'answer', 'refusal'],
  create: (_context, report) => ({
    end(end) {
      switch (end.type) {
        case 'closed':
        case 'held-open':
          return;
        case 'timeout':
          report({
            at: 'end',
            end,
            message: `${describeTimeout(end)}; chatwire cut the exchange`,
            expected: 'the server ends the answer',
            actual: `cut after ${Math.round(end.atMs)} ms`,
          });
          return;
        case 'frame-limit':
          report({
            at: 'end',
            end,
            message: `more than ${end.limit} frames; chatwire stopped reading (raise --max-frames if this is legitimate)`,
            expected: `at most ${end.limit} frames`,
          });
          return;
        case 'byte-limit':
          report({
            at: 'end',
            end,
            message:
              end.perFrame === true
                ? `a single frame of more than ${end.limit} bytes; chatwire stopped reading (one frame may take ${FRAME_BUDGET_BYTES} bytes divided by --concurrency, and no more than --max-bytes)`
                : `more than ${end.limit} bytes; chatwire stopped reading (raise --max-bytes if this is legitimate)`,
            expected: `at most ${end.limit} bytes${end.perFrame === true ? ' in one frame' : ''}`,
          });
          return;
        case 'broken':
          report({
            at: 'end',
            end,
            message: end.message === INVALID_UTF8 ? end.message : `the connection broke before the answer ended: ${end.message}`,
            expected: 'a complete response',
          });
          return;
      }
    },
  }),
});

/** What to check when every valid request is refused for its credentials. */
// Could a legal server fail this? None with the right --token: a valid request refused for its credentials is
// either a wrong setup (a run where all are refused exits 2) or a server refusing its own key.
export const CHECK_TOKEN = 'check --token: the server refused the credentials of every valid request';

/** What to check when every valid request lands on a path the server does not know. */
export const CHECK_PATH = 'check the path prefix of --target: chatwire appends the documented paths to it';

// Could a legal server fail this? None with the right --token: a valid request refused for its credentials is
// either a wrong setup (a run where all are refused exits 2) or a server refusing its own key.
export const authAccepted: Rule = defineRule({
  id: 'http.auth.accepted',
  title: 'A valid request with the credentials given is not refused as unauthorised (HTTP 401 or 403)',
  severity: 'error',
  basis: 'doc',
  source: { doc: 'RFC 9110', section: '15.5.2 401 Unauthorized, 15.5.4 403 Forbidden' },
  scopes: ['stream', 'answer'],
  create: (context, report) => ({
    response(head) {
      // Live traffic: the credentials are the client's, and may well be wrong.
      if ((head.status !== 401 && head.status !== 403) || context.live === true) return;
      report({
        at: 'response',
        message: `a valid request was refused with HTTP ${head.status}`,
        expected: 'an answer',
        actual: `HTTP ${head.status}`,
        misconfiguration: CHECK_TOKEN,
      });
    },
  }),
});

/**
 * A rule that a valid request's status breaks when it says the call went nowhere (unknown, moved): the
 * deviation names the call and the status (and where to, for a redirect), and says what to check when
 * every valid request of a run breaks it.
 */
function callAnsweredRule(
  meta: RuleMeta,
  breaks: (status: number) => boolean,
  expected: string,
  misconfiguration: string,
  options: { readonly live?: boolean } = {},
): Rule {
  return defineRule({
    ...meta,
    create: (context, report) => ({
      response(head) {
        if (!breaks(head.status) || (options.live === false && context.live === true)) return;
        const { method, url } = context.request;
        const location = head.headers['location'];
        const to = head.status >= 300 && head.status < 400 && location !== undefined ? ` to ${location}` : '';
        report({ at: 'response', message: `${method} ${url} answered HTTP ${head.status}${to}`, expected, actual: `HTTP ${head.status}`, misconfiguration });
      },
    }),
  });
}

// Could a legal server fail this? A server without one documented call (an older FastGPT without
// createQuestionGuide): it lacks a call the document names.
export const pathFound: Rule = callAnsweredRule(
  {
    id: 'http.path.found',
    title: 'The documented path answers a valid request: not HTTP 404 or 405',
    severity: 'error',
    basis: 'doc',
    source: { doc: 'RFC 9110', section: '15.5.5 404 Not Found, 15.5.6 405 Method Not Allowed' },
    scopes: ['stream', 'answer'],
  },
  (status) => status === 404 || status === 405,
  'the documented call',
  CHECK_PATH,
);

/** What to check when every valid request is sent elsewhere. */
export const CHECK_REDIRECT =
  'check --target: the server redirects the documented paths (http:// to https://, another host or prefix); give the URL they redirect to';

// Could a legal server fail this? One behind a proxy that redirects http:// to https:// when it is given
// as http://: the setup, not the server, and a run where every request is redirected exits 2 saying so.
// The documented clients post their JSON once; a redirect asks them to send it again elsewhere.
export const pathNotRedirected: Rule = callAnsweredRule(
  {
    id: 'http.path.not-redirected',
    title: 'The documented path answers a valid request in place: not a redirect (HTTP 3xx)',
    severity: 'error',
    basis: 'doc',
    source: { doc: 'RFC 9110', section: '15.4 Redirection 3xx' },
    scopes: ['stream', 'answer'],
  },
  (status) => status >= 300 && status < 400,
  'the documented call, answered at its path',
  CHECK_REDIRECT,
);

/** What to check when every valid request is turned away as busy. */
export const CHECK_BUSY =
  "lower --concurrency, or raise the server's rate limit for this client: it answered HTTP 429 to every valid request, even one at a time after waiting as it asked";

// Could a legal server fail this? One whose rate limit admits less than one request in five seconds
// to this client: chatwire first asks again (Retry-After, three times, more while its own cases crowd a
// server that lets requests through) and starts fewer cases at once,
// as clients do; a run where every request is turned away exits 2 saying so. Only the answer chatwire
// gave up on is judged, and by this rule alone: a rate limiter's 429 is not the protocol's answer.
export const busyLetThrough: Rule = callAnsweredRule(
  {
    id: 'http.busy.let-through',
    title: 'A request is let through once the client slows down and asks again: not still answered HTTP 429',
    severity: 'error',
    basis: 'doc',
    source: { doc: 'RFC 6585', section: '4. 429 Too Many Requests' },
    scopes: ['stream', 'answer', 'refusal'],
  },
  (status) => status === 429,
  'an answer once chatwire waited as the server asked and sent the request again',
  CHECK_BUSY,
  // Live traffic: the pace is the client's, and telling it to slow down is the server's right.
  { live: false },
);

// Could a legal client fail this? None: a documented path asked with a method it is not documented with
// gets a 405 from any server that routes by method, and no answer of the protocol.
/** Judged by the mock's router (it alone knows each path's methods): a client's call to a documented path with another method. */
export const requestMethod: Rule = defineRule({
  id: 'http.request.method',
  title: "A client calls a documented path with that call's documented method",
  severity: 'error',
  basis: 'doc',
  source: { doc: 'RFC 9110', section: '15.5.6 405 Method Not Allowed' },
  scopes: ['request'],
  create: () => ({}),
});

/**
 * The deviation of a client's call to a documented path with a method that path is not served with
 * (`methods`, never empty); none for a preflight or a HEAD, which any client may send.
 */
export function wrongMethod(method: string, path: string, protocolId: string, methods: readonly string[]): Deviation | undefined {
  const asked = method.toUpperCase();
  if (methods.includes(asked) || asked === 'OPTIONS' || asked === 'HEAD') return undefined;
  const served = methods.join(', ');
  const message = `${asked} ${path}: ${protocolId} serves this path with ${served} only`;
  return deviationOf(requestMethod, { type: 'request', pointer: '', message, expected: served, actual: asked });
}

// Could a legal client fail this? One whose server routes a near path too (FastAPI redirects /chat/ to
// /chat): the document names the path, and a client that leans on that leniency breaks elsewhere.
/** Judged by the mock's router: a call to an unknown path within a typo of a documented one. */
export const requestPath: Rule = defineRule({
  id: 'http.request.path',
  title: 'A client calls the paths the document names, not a near miss of one',
  severity: 'error',
  basis: 'doc',
  source: { doc: 'RFC 9110', section: '15.5.5 404 Not Found' },
  scopes: ['request'],
  create: () => ({}),
});

/** The deviation of a client's call to `path`, which no route serves, when it looks like a typo of `documented`. */
export function mistypedPath(method: string, path: string, protocolId: string, documented: string): Deviation {
  const message = `${method.toUpperCase()} ${path}: no ${protocolId} call has this path; the document names ${documented}`;
  return deviationOf(requestPath, { type: 'request', pointer: '', message, expected: documented, actual: path });
}

export const httpRules: readonly Rule[] = [responseComplete, authAccepted, pathFound, pathNotRedirected, busyLetThrough, requestMethod, requestPath];
