import { randomBytes } from 'node:crypto';
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
