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
