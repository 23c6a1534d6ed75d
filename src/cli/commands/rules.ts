import type { RuleMeta } from '../../core/rule.js';
import { crosstalkRule } from '../../load/crosstalk.js';
import { selectProtocols } from '../../protocols/index.js';
import { rulePage } from '../../protocols/pages.js';
import { LATENCY_RULES } from '../../report/budgets.js';
import { colorsFor } from '../../report/pretty.js';
import { captureRule } from '../../suite/rules.js';
import { transportRules } from '../../transports/index.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { rulesOptions } from './options.js';

const RulesOptions = optionsSchema(rulesOptions);

function describe(rule: RuleMeta) {
  return { id: rule.id, severity: rule.severity, basis: rule.basis, scopes: rule.scopes, source: rule.source, page: rulePage(rule.id).link, title: rule.title };
}

/** Lists every rule with its id, severity, basis, document section and the section of its protocol page. */
export async function rulesCommand(protocolNames: readonly string[], raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(RulesOptions, raw, 'rules');
  const protocols = await selectProtocols(protocolNames);
  // The latency rules judge only runs given a budget (--max-ttft, --max-gap, --max-total).
  const rules: RuleMeta[] = [...protocols.flatMap((protocol) => protocol.rules), ...transportRules(), captureRule, crosstalkRule, ...LATENCY_RULES];
  if (options.json) {
    io.stdout.write(`${JSON.stringify(rules.map(describe), null, 2)}\n`);
    return 0;
  }
  const colors = colorsFor(io.stdout, io.env);
  const width = Math.max(...rules.map((rule) => rule.id.length));
  for (const rule of rules) {
    const severity = rule.severity === 'error' ? colors.red('error') : colors.yellow('warn ');
    io.stdout.write(`${colors.bold(rule.id.padEnd(width))}  ${severity}  ${rule.basis.padEnd(8)}  ${rule.scopes.join(',').padEnd(14)}  ${rule.title}\n`);
    io.stdout.write(`${' '.repeat(width)}  ${colors.dim(`${rule.source.doc}, ${rule.source.section}; ${rulePage(rule.id).link}`)}\n`);
  }
  io.stdout.write(
    `\n${rules.length} rule(s). Severity: error fails a run; warn fails only with --strict. Basis: doc (stated by the document) or inferred (from its examples).\n`,
  );
  return 0;
}
