/**
 * Cross-origin access to the mock, for a web front end served from another origin (a dev server on
 * http://localhost:5173 calling the mock on :4010). By default pages of any loopback origin may read
 * the mock's answers; `--cors-origin` (corsOrigins) names the only origins that may, `*` any.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ChatwireError } from '../core/errors.js';

/** How long a browser may reuse a preflight's answer, in seconds. */
export const PREFLIGHT_MAX_AGE_S = 600;

/** An origin as browsers send it: scheme, host and port (default ports dropped), no path. */
function isOrigin(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === ''
  );
}

/** What `--cors-origin` takes: `*`, or an origin such as http://localhost:5173 (a trailing slash is dropped). */
export const corsOrigin = z
  .string()
  .refine((text) => text === '*' || isOrigin(text), 'an origin such as http://localhost:5173 (scheme, host and port, no path), or * for any')
  .transform((text) => (text === '*' ? text : new URL(text).origin));

export interface CorsPolicy {
  /** Whether a page of this origin (an Origin header's value) may read the mock's answers. */
  allows(origin: string): boolean;
  /** The origins allowed, as a sentence's object. */
  readonly described: string;
}

/** http(s)://localhost, 127.x.x.x or [::1], any port: pages served from this machine. */
function isLoopbackOrigin(origin: string): boolean {
  if (!isOrigin(origin)) return false;
  const url = new URL(origin);
  return url.origin === origin && (url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname));
}

/** The policy for the given origins (checked here: they come from a library caller too); none given, loopback origins. */
export function corsPolicy(origins: readonly string[] | undefined): CorsPolicy {
  if (origins === undefined || origins.length === 0)
    return { allows: isLoopbackOrigin, described: 'pages from loopback origins only: http(s)://localhost, 127.x.x.x or [::1] on any port' };
  const parsed = z.array(corsOrigin).safeParse(origins);
  if (!parsed.success) {
    const index = Number(parsed.error.issues[0]?.path[0] ?? 0);
    throw new ChatwireError('BAD_OPTION', `Failed to read the CORS origin ${JSON.stringify(origins[index])}: it is not an origin`, {
      hint: 'give --cors-origin (corsOrigins) an origin such as http://localhost:5173 (scheme, host and port, no path), or * for any',
    });
  }
  const allowed = new Set(parsed.data);
  if (allowed.has('*')) return { allows: () => true, described: 'pages from any origin (--cors-origin *)' };
  return { allows: (origin) => allowed.has(origin), described: `pages from ${[...allowed].join(', ')} only` };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function refuse(res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error }));
}

/**
 * CORS for the mock's own routes. `handle` answers a preflight itself (true: the request is done)
 * and otherwise sets an allowed origin's headers on `res`, where node merges them into the head
 * the route writes later, streamed answers included. A disallowed origin gets no CORS header.
 */
export interface CorsGate {
  readonly policy: CorsPolicy;
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

export function corsGate(policy: CorsPolicy, serves: (method: string, pathname: string) => boolean): CorsGate {
  return {
    policy,
    handle(req, res) {
      // The answer depends on the Origin, so no cache may hand one origin's answer to another.
      res.setHeader('vary', 'Origin');
      const origin = single(req.headers.origin);
      if (origin === undefined) return false;
      const asked = req.method === 'OPTIONS' ? single(req.headers['access-control-request-method']) : undefined;
      if (!policy.allows(origin)) {
        if (asked === undefined) return false;
        refuse(
          res,
          403,
          `Failed to allow a cross-origin request from ${origin}: this mock answers ${policy.described} (start it with --cors-origin ${origin}, or give startMockServer corsOrigins: ['${origin}'])`,
        );
        return true;
      }
      res.setHeader('access-control-allow-origin', origin);
      if (asked === undefined) {
        // No credentials are allowed, so * exposes every header, a scenario's own included.
        res.setHeader('access-control-expose-headers', '*');
        return false;
      }
      res.setHeader('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
      const pathname = new URL(req.url ?? '/', 'http://mock.invalid').pathname;
      if (!serves(asked, pathname)) {
        refuse(res, 404, `Failed to allow ${asked} ${pathname}: no route of this mock answers it`);
        return true;
      }
      const headers: Record<string, string> = {
        'access-control-allow-methods': asked,
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
        'content-length': '0',
      };
      const requested = single(req.headers['access-control-request-headers']);
      if (requested !== undefined) headers['access-control-allow-headers'] = requested;
      // Chrome asks before a public page may call a loopback address.
      if (single(req.headers['access-control-request-private-network']) === 'true') headers['access-control-allow-private-network'] = 'true';
      res.writeHead(204, headers).end();
      return true;
    },
  };
}

/**
 * Whether a connection may be opened that no CORS check guards (a WebSocket): with no Origin (not
 * a browser), from the mock's own origin (clients that send one, like Python's websocket-client),
 * or from an allowed origin.
 */
export function admitsOrigin(policy: CorsPolicy, headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  const origin = single(headers['origin']);
  return origin === undefined || origin === `http://${single(headers['host']) ?? ''}` || policy.allows(origin);
}
