import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { describeError } from '../core/errors.js';
import type { RequestRecord, ResponseHead } from '../core/exchange.js';
import { UNREACHABLE } from '../transports/http/request.js';

/** The most of a request body kept for the request rules; the whole body is forwarded whatever its size. */
export const MAX_CHECKED_REQUEST_BYTES = 1024 * 1024;

/** How much of an answer may wait for a slow client before the upstream is paused. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** Headers about one hop only: never forwarded (RFC 9110, 7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'upgrade']);

/** What a relayed exchange tells whoever judges it, each as it happens, after the bytes were passed on. */
export interface RelayHooks {
  /** The request, its body read (up to MAX_CHECKED_REQUEST_BYTES; `truncated` past it). */
  request(record: RequestRecord, truncated: boolean): void;
  response(head: ResponseHead, headers: IncomingHttpHeaders): void;
  chunk(chunk: Buffer): void;
  /** How it ended: the upstream finished, broke, or the client went away first. */
  end(outcome: RelayEnd): void;
}

export type RelayEnd =
  | { readonly type: 'finished' }
  | { readonly type: 'upstream-failed'; readonly message: string; readonly responded: boolean }
  | { readonly type: 'client-gone' };

/** The URL on the target for a path the client asked: the target's own path prefix, then the client's path and query. */
export function upstreamUrl(target: URL, path: string): URL {
  const url = new URL(target.href);
  const at = path.indexOf('?');
  url.pathname = target.pathname.replace(/\/+$/, '') + (at === -1 ? path : path.slice(0, at));
  url.search = at === -1 ? '' : path.slice(at);
  return url;
}

/** The request's headers for the next hop: hop-by-hop ones dropped, Host naming the target. */
export function forwardHeaders(headers: IncomingHttpHeaders, target: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  out['host'] = target.host;
  return out;
}

/** Flattens headers to one string each, for the rules and recordings. */
export function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** The response's raw headers without the hop-by-hop ones, names spelt and repeated as the upstream sent them. */
function responseHeaders(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!HOP_BY_HOP.has(name.toLowerCase())) out.push(name, raw[i + 1] ?? '');
  }
  return out;
}

/**
 * Passes one HTTP request to the target and its answer back, chunk by chunk as each arrives: every
 * chunk is written to the client first and only then shown to the hooks, so judging never holds a
 * frame back. Back-pressure from a slow client pauses the upstream. Credentials go to the target only.
 */
export function relayHttp(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  now: () => number,
  given: RelayHooks,
  onError: (error: unknown) => void = () => undefined,
): void {
  const hooks = guarded(given, onError);
  const url = upstreamUrl(target, req.url ?? '/');
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send(url, { method: req.method ?? 'GET', headers: forwardHeaders(req.headers, target) });
  const started = now();
  let ended = false;
  const finish = (outcome: RelayEnd): void => {
    if (ended) return;
    ended = true;
    hooks.end(outcome);
  };

  const kept: Buffer[] = [];
  let keptBytes = 0;
  let truncated = false;
  let told = false;
  const tellRequest = (): void => {
    if (told) return;
    told = true;
    const body = keptBytes === 0 ? undefined : Buffer.concat(kept).toString('utf8');
    kept.length = 0;
    hooks.request({ method: req.method ?? 'GET', url: req.url ?? '/', headers: flatHeaders(req.headers), body }, truncated);
  };
  req.on('data', (chunk: Buffer) => {
    if (keptBytes + chunk.length > MAX_CHECKED_REQUEST_BYTES) truncated = true;
    else {
      kept.push(chunk);
      keptBytes += chunk.length;
    }
  });
  req.on('end', tellRequest);
  req.pipe(upstream);

  upstream.on('response', (answer: IncomingMessage) => {
    // An answer before the request's end (rare): judged with the part of the body read so far.
    tellRequest();
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, responseHeaders(answer.rawHeaders));
    res.flushHeaders();
    hooks.response({ status: answer.statusCode ?? 502, headers: flatHeaders(answer.headers), atMs: now() - started }, answer.headers);
    answer.on('data', (chunk: Buffer) => {
      // A slow client pauses the upstream once a bounded amount waits for it, not at every full socket buffer.
      if (!res.write(chunk) && res.writableLength > MAX_BUFFERED_BYTES) {
        answer.pause();
        res.once('drain', () => answer.resume());
      }
      hooks.chunk(chunk);
    });
    answer.on('end', () => {
      res.end();
      finish({ type: 'finished' });
    });
    const broke = (message: string): void => {
      // The client sees the break as it happened: its connection is cut, not closed cleanly.
      res.destroy();
      finish({ type: 'upstream-failed', message, responded: true });
    };
    answer.on('error', (error) => broke(describeError(error)));
    answer.on('close', () => {
      if (!answer.complete) broke('the target closed the connection before the answer ended');
    });
  });
  upstream.on('error', (error) => {
    if (ended) return;
    if (!res.headersSent) {
      tellRequest();
      res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
      // Refused or unresolvable: not reached. Anything else: reached, but it hung up without an answer.
      const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
      const reached = !UNREACHABLE.has(code);
      const what = reached ? 'get an answer from the target' : 'reach the target';
      res.end(JSON.stringify({ error: `chatwire proxy: Failed to ${what}: ${describeError(error)}` }));
      finish({ type: 'upstream-failed', message: describeError(error), responded: false });
      return;
    }
    res.destroy();
    finish({ type: 'upstream-failed', message: describeError(error), responded: true });
  });
  res.on('close', () => {
    if (res.writableFinished) return;
    upstream.destroy();
    finish({ type: 'client-gone' });
  });
}

/** The hooks, each kept from throwing into the relay: a fault in judging never breaks the traffic. */
function guarded(hooks: RelayHooks, onError: (error: unknown) => void): RelayHooks {
  const safely =
    <A extends unknown[]>(call: (...args: A) => void) =>
    (...args: A): void => {
      try {
        call(...args);
      } catch (error) {
        onError(error);
      }
    };
  return {
    request: safely((record: RequestRecord, truncated: boolean) => hooks.request(record, truncated)),
    response: safely((head: ResponseHead, headers: IncomingHttpHeaders) => hooks.response(head, headers)),
    chunk: safely((chunk: Buffer) => hooks.chunk(chunk)),
    end: safely((outcome: RelayEnd) => hooks.end(outcome)),
  };
}
