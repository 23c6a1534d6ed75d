import { randomBytes } from 'node:crypto';
import { editDistance } from '../core/near.js';
import type { Protocol } from '../protocols/protocol.js';
import type { MockRoute } from './exchange.js';

export interface BoundRoute {
  readonly protocol: Protocol;
  readonly route: MockRoute;
  /** For a path with :parameters, the pattern that matches it and their names. */
  readonly pattern?: { readonly regex: RegExp; readonly names: readonly string[] };
}

/** `/api/v1/tasks/:id` → a regex capturing each :parameter (one path segment each). */
export function compilePath(path: string): BoundRoute['pattern'] {
  if (!path.includes('/:')) return undefined;
  const names: string[] = [];
  const source = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\/:(\w+)/g, (_match, name: string) => {
    names.push(name);
    return '/([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

/** Whether a request names one of `routes` (method and path, :parameters matching a segment); compiled once. */
export function routeMatcher(routes: readonly MockRoute[]): (method: string, pathname: string) => boolean {
  const compiled = routes.map((route) => ({ method: route.method, path: route.path, pattern: compilePath(route.path) }));
  return (method, pathname) => {
    const asked = method.toUpperCase();
    return compiled.some((route) => route.method === asked && (route.path === pathname || route.pattern?.regex.test(pathname) === true));
  };
}

/** The methods the routes answer at a path (none when no route has the path). */
export function routeMethods(routes: readonly MockRoute[]): (pathname: string) => string[] {
  const compiled = routes.map((route) => ({ method: route.method, path: route.path, pattern: compilePath(route.path) }));
  return (pathname) => compiled.filter((route) => route.path === pathname || route.pattern?.regex.test(pathname) === true).map((route) => route.method);
}

/** Paths longer than this are not compared: a mistyped documented path is short. */
const MAX_COMPARED = 256;

/**
 * The route an unknown path most likely meant to call: the nearest documented path (its :parameters
 * filled with the request's own segments) within a typo's distance, or none. A probe such as
 * /favicon.ico, or another API's path, is not a mistyped call.
 */
export function mistypedRoute(pathname: string, routes: Iterable<BoundRoute>): BoundRoute | undefined {
  if (pathname.length > MAX_COMPARED) return undefined;
  const segments = pathname.split('/');
  let best: { bound: BoundRoute; far: number } | undefined;
  for (const bound of routes) {
    const template = bound.route.path.split('/');
    const filled =
      template.length === segments.length ? template.map((segment, i) => (segment.startsWith(':') ? segments[i] : segment)).join('/') : bound.route.path;
    const far = editDistance(pathname, filled);
    if (best === undefined || far < best.far) best = { bound, far };
  }
  return best !== undefined && best.far <= Math.max(2, Math.floor(best.bound.route.path.length / 8)) ? best.bound : undefined;
}

/**
 * Exchange ids, 12 hex digits each, cut from one buffer of random bytes refilled when used up:
 * one call into the random source per 1,024 requests instead of one per request.
 */
const ids = { pool: Buffer.alloc(0), next: 0 };
export function exchangeId(): string {
  if (ids.next + 6 > ids.pool.length) {
    ids.pool = randomBytes(6 * 1024);
    ids.next = 0;
  }
  ids.next += 6;
  return ids.pool.toString('hex', ids.next - 6, ids.next);
}
