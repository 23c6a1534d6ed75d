import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { Scenario } from './scenario.js';

/**
 * The script of a scenario, parsed by the protocol's schema once per scenario (it was checked when
 * the scenario loaded; this gives it its type).
 */
export function scriptReader<T extends z.ZodType>(schema: T): (scenario: Scenario) => z.output<T> {
  const parsed = new WeakMap<Scenario, z.output<T>>();
  return (scenario) => {
    let script = parsed.get(scenario);
    if (script === undefined) {
      script = schema.parse(scenario.script ?? {});
      parsed.set(scenario, script);
    }
    return script;
  };
}

/** A protocol's in-memory store of one kind (chats, sessions, rooms…), made on first use. */
export function stateOf<T extends object>(state: Map<string, unknown>, Kind: new () => T): T {
  const found = state.get(Kind.name);
  if (found instanceof Kind) return found;
  const made = new Kind();
  state.set(Kind.name, made);
  return made;
}

/** How many entries a mock keeps in any one store (chats, sessions, tasks…) before dropping the oldest. */
export const MAX_STORED = 10_000;

/** Sets `key` in a map used as a store, dropping the oldest entries past `max`. */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number = MAX_STORED): void {
  map.delete(key);
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= max) break;
    map.delete(oldest);
  }
}

/**
 * Bytes one store keeps (keys and values, estimated) before dropping its oldest entries: a client
 * sending big bodies cannot grow the mock's memory past it, however many entries that leaves.
 */
export const MAX_STORED_BYTES = 16 * 1024 * 1024;

/** Keys longer than this are kept as their SHA-256 digest: the same key finds the same entry, in 64 characters. */
export const MAX_KEY_CHARS = 256;

/** Estimated bytes of a value held in memory: two per character, eight per number, some per object and field. Walked without recursion, `max` nodes at most. */
export function approxBytes(value: unknown, max = 100_000): number {
  let bytes = 0;
  const pending: unknown[] = [value];
  for (let visited = 0; pending.length > 0 && visited < max; visited++) {
    const next = pending.pop();
    if (typeof next === 'string') bytes += 16 + 2 * next.length;
    else if (typeof next === 'object' && next !== null) {
      const children = Object.values(next);
      bytes += 32 + 16 * children.length;
      for (const child of children) pending.push(child);
    } else bytes += 8;
  }
  // What was not walked still counts: at least a field's worth each.
  return bytes + 16 * pending.length;
}

/**
 * A protocol's store (chats, sessions, tasks…) bounded in entries and in bytes, oldest first out.
 * An entry that changes in place is `set` again, so it counts as newest and its size is taken anew.
 */
export class BoundedStore<T> {
  readonly #entries = new Map<string, { readonly value: T; readonly bytes: number }>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #sizeOf: (value: T) => number;
  #bytes = 0;

  constructor(limits: { readonly entries?: number; readonly bytes?: number; readonly sizeOf?: (value: T) => number } = {}) {
    this.#maxEntries = limits.entries ?? MAX_STORED;
    this.#maxBytes = limits.bytes ?? MAX_STORED_BYTES;
    this.#sizeOf = limits.sizeOf ?? approxBytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The estimated bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): T | undefined {
    return this.#entries.get(keyOf(key))?.value;
  }

  has(key: string): boolean {
    return this.#entries.has(keyOf(key));
  }

  /** Sets `key` as the newest entry, then drops the oldest past either bound (the new one too, if alone it is over). */
  set(key: string, value: T): void {
    const stored = keyOf(key);
    this.delete(key);
    const bytes = 16 + 2 * stored.length + this.#sizeOf(value);
    this.#entries.set(stored, { value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }

  delete(key: string): boolean {
    const stored = keyOf(key);
    const entry = this.#entries.get(stored);
    if (entry === undefined) return false;
    this.#entries.delete(stored);
    this.#bytes -= entry.bytes;
    return true;
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  /** The values, oldest first. */
  *values(): IterableIterator<T> {
    for (const entry of this.#entries.values()) yield entry.value;
  }
}

function keyOf(key: string): string {
  return key.length <= MAX_KEY_CHARS ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}
