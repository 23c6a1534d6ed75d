import { ChatwireError } from '../core/errors.js';
import { didYouMean } from '../core/near.js';
import type { Protocol } from '../protocols/protocol.js';
import type { SuitePlan } from './runner.js';
import { loadSuite, type SuiteCase } from './suite.js';

/**
 * Loads each protocol's suite and picks the cases named by --case (`name` or `protocol/name`);
 * every name must match one, and a mistyped one is answered with the nearest known names.
 */
export function planCases(protocols: readonly Protocol[], names: readonly string[]): SuitePlan[] {
  const planned = protocols.map((protocol) => {
    const suite = loadSuite(protocol);
    return { protocol, suite, cases: suite.cases };
  });
  if (names.length === 0) return planned;
  const known = planned.flatMap(({ protocol, cases }) => cases.map((c) => `${protocol.id}/${c.name}`));
  for (const name of names) {
    if (!known.some((full) => full === name || full.endsWith(`/${name}`))) {
      // A bare name is compared with bare names, a protocol/name with full ones.
      const candidates = name.includes('/') ? known : [...new Set(planned.flatMap(({ cases }) => cases.map((c) => c.name)))];
      throw new ChatwireError('UNKNOWN_CASE', `Failed to find case "${name}"${didYouMean(name, candidates)}: known cases are ${known.join(', ')}`, {
        hint: 'chatwire run --list lists the cases',
      });
    }
  }
  const wanted = (protocol: Protocol, c: SuiteCase): boolean => names.some((name) => name === c.name || name === `${protocol.id}/${c.name}`);
  return planned.map((p) => ({ ...p, cases: p.cases.filter((c) => wanted(p.protocol, c)) })).filter(({ cases }) => cases.length > 0);
}
