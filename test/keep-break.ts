import { describe, expect, it } from 'vitest';
import type { Deviation } from '../src/core/rule.js';
import type { Protocol } from '../src/protocols/protocol.js';
import { transportOf } from '../src/transports/index.js';
import { ruleIds } from './helpers.js';

/** For one rule: inputs that keep it and inputs that break it. */
export interface KeepBreak<C> {
  readonly keeps: readonly C[];
  readonly breaks: readonly C[];
}

type Judge = () => readonly Deviation[] | Promise<readonly Deviation[]>;

/** A table of keep/break inputs, each bound to the way its protocol's test judges one. */
export interface RuleTrials {
  readonly [rule: string]: { readonly keeps: readonly Judge[]; readonly breaks: readonly Judge[] };
}

export function trials<C>(
  table: Readonly<Record<string, KeepBreak<C>>>,
  judge: (input: C) => readonly Deviation[] | Promise<readonly Deviation[]>,
): RuleTrials {
  return Object.fromEntries(
    Object.entries(table).map(([rule, { keeps, breaks }]) => [
      rule,
      { keeps: keeps.map((input) => () => judge(input)), breaks: breaks.map((input) => () => judge(input)) },
    ]),
  );
}

/**
 * The rules a protocol's tables must cover: every rule of its own judged on the wire (a rule
 * with no scope is judged by suite assertions: test/expectations.test.ts), and the rule its
 * transport holds a failed connection to.
 */
export function rulesOnTheWire(protocol: Protocol): string[] {
  return [...protocol.rules.filter((rule) => rule.scopes.length > 0).map((rule) => rule.id), transportOf(protocol).connectionRule.id];
}

/**
 * Every rule on the wire has an input that keeps it and one that breaks it, and each does: the
 * rule is silent on the first and reports, with its document section and a message, on the second.
 */
export function keepBreak(protocol: Protocol, ...tables: readonly RuleTrials[]): void {
  const known = new Set([...protocol.rules, ...transportOf(protocol).rules].map((rule) => rule.id));
  const covered = tables.flatMap((table) => Object.keys(table));

  it('has a keep and a break input for every rule checked on the wire, and names only its own rules', () => {
    expect(rulesOnTheWire(protocol).filter((id) => !covered.includes(id))).toEqual([]);
    expect(covered.filter((id) => !known.has(id))).toEqual([]);
    expect(covered.filter((id, index) => covered.indexOf(id) !== index)).toEqual([]);
  });

  for (const table of tables) {
    for (const [id, { keeps, breaks }] of Object.entries(table)) {
      describe(id, () => {
        it('has at least one input of each kind', () => {
          expect(keeps.length).toBeGreaterThan(0);
          expect(breaks.length).toBeGreaterThan(0);
        });
        it.each(keeps.map((judge, i) => [i, judge] as const))('kept by input %i', async (_i, judge) => {
          expect(ruleIds(await judge())).not.toContain(id);
        });
        it.each(breaks.map((judge, i) => [i, judge] as const))('broken by input %i', async (_i, judge) => {
          const deviation = (await judge()).find((found) => found.rule === id);
          expect(deviation, `expected ${id} to be reported`).toBeDefined();
          expect(deviation?.source.doc).toBeTruthy();
          expect(deviation?.message).toBeTruthy();
        });
      });
    }
  }
}
