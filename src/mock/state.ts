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
