import type { SuitePlan } from '../../suite/runner.js';
import type { CliIo } from '../io.js';

/** chatwire run --list: each protocol's cases (those --case picks, if given) with their titles, in suite order. */
export function listCases(plans: readonly SuitePlan[], io: CliIo): number {
  for (const { protocol, cases } of plans) {
    io.stdout.write(`${protocol.id} (${cases.length} case${cases.length === 1 ? '' : 's'})\n`);
    const width = Math.max(...cases.map((c) => c.name.length));
    for (const c of cases) io.stdout.write(`  ${c.name.padEnd(width)}  ${c.title}\n`);
  }
  return 0;
}
