import { didYouMean } from '../core/near.js';
import { ChatwireError } from '../core/errors.js';
import type { Protocol } from '../protocols/protocol.js';
import { transportOf } from '../transports/index.js';
import { captureRule } from './rules.js';
import type { Suite } from './suite-file.js';
import { TOKEN_VARS } from './token-vars.js';
import { RUN_VARS } from './run-vars.js';

/** Names every run provides: a run id (and its digits), the case's name, and the key in use with the near keys made from it. */
const BUILT_IN = [...RUN_VARS, ...TOKEN_VARS];

interface Problem {
  readonly path: string;
  readonly message: string;
}

/**
 * What the file's schema cannot see: that every rule it names exists, every step can run on the
 * protocol's transport, and every {{variable}} has a source. A suite that would silently lose a
 * check is refused instead.
 */
export function checkSuite(suite: Suite, protocol: Protocol, display: string): void {
  const problems: Problem[] = [];
  if (suite.protocol !== protocol.id) problems.push({ path: '/protocol', message: `expected "${protocol.id}", got "${suite.protocol}"` });
  const transport = transportOf(protocol);
  const ruleIds = new Set([...protocol.rules, ...transport.rules, captureRule].map((rule) => rule.id));
  const stepTypes = transport.steps;
  const declared = [...BUILT_IN, ...Object.keys(suite.variables)];
  for (const [name, variable] of Object.entries(suite.variables)) {
    for (const used of namesIn(variable.mock ?? '')) {
      if (!BUILT_IN.includes(used))
        problems.push({ path: `/variables/${name}/mock`, message: `unknown variable {{${used}}}: expected one of ${BUILT_IN.join(', ')}` });
    }
  }
  for (const [c, suiteCase] of suite.cases.entries()) {
    const known = new Set(declared);
    for (const [s, step] of suiteCase.steps.entries()) {
      const at = `/cases/${c}/steps/${s}`;
      if (!stepTypes.includes(step.type)) {
        problems.push({
          path: `${at}/type`,
          message: `a ${transport.id} protocol cannot run a "${step.type}" step: expected ${stepTypes.map((type) => `"${type}"`).join(' or ')}`,
        });
      }
      const rules = 'rules' in step ? (step.rules ?? []) : [];
      for (const [r, rule] of rules.entries()) if (!ruleIds.has(rule)) problems.push({ path: `${at}/rules/${r}`, message: unknownRule(rule, protocol) });
      for (const [a, assertion] of (step.assert ?? []).entries()) {
        if (!ruleIds.has(assertion.rule)) problems.push({ path: `${at}/assert/${a}/rule`, message: unknownRule(assertion.rule, protocol) });
      }
      const { capture, ...sent } = step;
      for (const used of namesIn(JSON.stringify(sent))) {
        if (!known.has(used))
          problems.push({
            path: at,
            message: `unknown variable {{${used}}}: expected a suite variable, a value captured by an earlier step, or one of ${BUILT_IN.join(', ')}`,
          });
      }
      for (const [name, { answer }] of Object.entries(capture ?? {})) {
        known.add(name);
        if (answer !== undefined && protocol.answers?.[answer] === undefined) {
          const makers = Object.keys(protocol.answers ?? {});
          problems.push({
            path: `${at}/capture/${name}/answer`,
            message: `unknown answer maker "${answer}": expected ${makers.length === 0 ? `none (${protocol.id} has none)` : `one of ${makers.join(', ')}`}`,
          });
        }
      }
    }
  }
  if (problems.length === 0) return;
  const shown = problems.slice(0, 3).map((problem) => `at ${problem.path}: ${problem.message}`);
  const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
  throw new ChatwireError('BAD_FILE', `Failed to load suite ${display}: ${shown.join('; ')}${more}`, {
    hint: `chatwire rules ${protocol.id} lists the rule ids`,
  });
}

function namesIn(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] as string);
}

function unknownRule(rule: string, protocol: Protocol): string {
  return `unknown rule "${rule}": expected one of ${protocol.id}'s rules${didYouMean(
    rule,
    protocol.rules.map((r) => r.id),
  )}`;
}
