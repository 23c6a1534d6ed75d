import { LATENCY_RULES } from '../report/budgets.js';
import { ChatwireError } from '../core/errors.js';
import { parseInput, readJsonFile } from '../core/input.js';
import { didYouMean } from '../core/near.js';
import { protocolIds } from '../protocols/index.js';
import { outcomeOf, type CaseReport, type KnownEntry, type RunReport } from '../report/model.js';
import { transportOf } from '../transports/index.js';
import { BaselineFile, type BaselineEntry } from './baseline-file.js';
import { captureRule } from './rules.js';
import type { SuitePlan } from './runner.js';

export { BaselineEntry, BaselineFile } from './baseline-file.js';

const key = (rule: string, caseName: string): string => `${rule}\n${caseName}`;

/** The deviations a run accepts (--baseline), checked against the protocols and suites it runs. */
export class Baseline {
  private readonly byKey: ReadonlyMap<string, BaselineEntry>;

  constructor(
    readonly file: string,
    readonly entries: readonly BaselineEntry[],
  ) {
    this.byKey = new Map(entries.map((entry) => [key(entry.rule, entry.case), entry]));
  }

  /** The case with every deviation the baseline accepts marked known, and its outcome read again. */
  mark(report: CaseReport): CaseReport {
    if (report.outcome === 'skipped') return report;
    const name = `${report.protocol}/${report.name}`;
    const steps = report.steps.map((step) => ({
      ...step,
      deviations: step.deviations.map((deviation) => {
        const entry = this.byKey.get(key(deviation.rule, name));
        return entry === undefined ? deviation : { ...deviation, known: entry.reason === undefined ? {} : { reason: entry.reason } };
      }),
    }));
    return { ...report, steps, outcome: outcomeOf(steps.flatMap((step) => step.deviations)) };
  }

  /**
   * Entries whose case ran and broke their rule no more (stale: the backend improved, so the entry
   * must go), and those this run could not check (their case did not run).
   */
  settle(cases: readonly CaseReport[]): NonNullable<RunReport['baseline']> {
    const ran = new Map(cases.filter((c) => c.outcome !== 'skipped').map((c) => [`${c.protocol}/${c.name}`, c]));
    const stale: KnownEntry[] = [];
    const unchecked: KnownEntry[] = [];
    for (const entry of this.entries) {
      const report = ran.get(entry.case);
      if (report === undefined) unchecked.push(entry);
      else if (!report.steps.some((step) => step.deviations.some((deviation) => deviation.rule === entry.rule))) stale.push(entry);
    }
    return { file: this.file, stale, unchecked };
  }
}

/**
 * Reads a baseline file, checked by its schema, then each entry against what it names: a protocol
 * that exists, and for the protocols in this run a case of its suite and a rule it has. A duplicate
 * or a name that matches nothing is refused (exit 2), with the nearest known names.
 */
export function loadBaseline(path: string, plans: readonly SuitePlan[]): Baseline {
  const file = parseInput(BaselineFile, readJsonFile(path, 'baseline'), `baseline ${path}`, { hint: 'see schemas/chatwire/baseline.schema.json' });
  const problems: string[] = [];
  const seen = new Set<string>();
  const ids = protocolIds();
  for (const [index, entry] of file.known.entries()) {
    const at = `/known/${index}`;
    if (seen.has(key(entry.rule, entry.case))) problems.push(`at ${at}: "${entry.rule}" in ${entry.case} is listed twice`);
    seen.add(key(entry.rule, entry.case));
    const [protocolId = '', caseName = ''] = entry.case.split('/');
    if (!ids.includes(protocolId)) {
      problems.push(`at ${at}/case: unknown protocol "${protocolId}"${didYouMean(protocolId, ids)}`);
      continue;
    }
    const plan = plans.find((p) => p.protocol.id === protocolId);
    // A protocol this run does not play cannot be checked further; its entries are reported as unchecked.
    if (plan === undefined) continue;
    const cases = plan.suite.cases.map((c) => c.name);
    if (!cases.includes(caseName)) problems.push(`at ${at}/case: ${protocolId} has no case "${caseName}"${didYouMean(caseName, cases)}`);
    // Every rule a run can report for this protocol: its own, its transport's, the suite's, and the latency budgets'.
    const rules = [...plan.protocol.rules, ...transportOf(plan.protocol).rules, captureRule, ...LATENCY_RULES].map((rule) => rule.id);
    if (!rules.includes(entry.rule)) problems.push(`at ${at}/rule: ${protocolId} has no rule "${entry.rule}"${didYouMean(entry.rule, rules)}`);
  }
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new ChatwireError('BAD_FILE', `Failed to load baseline ${path}: ${problems.slice(0, 3).join('; ')}${more}`, {
      hint: 'chatwire run --list lists the cases and chatwire rules the rule ids; chatwire baseline REPORT.json writes a baseline from a report',
    });
  }
  return new Baseline(path, file.known);
}

/** What a baseline is made from: the cases of a report, as far as they name rules broken. */
export interface ReportedCases {
  readonly protocol: string;
  readonly name: string;
  readonly steps: readonly {
    readonly deviations: readonly { readonly rule: string; readonly known?: { readonly reason?: string | undefined } | undefined }[];
  }[];
}

/** Where a written baseline finds its schema: chatwire installed in the project it sits in. */
const SCHEMA_REF = './node_modules/chatwire/schemas/chatwire/baseline.schema.json';

/** A baseline: one entry per rule a case broke in a report, reasons kept from deviations already marked known. */
export function baselineOf(cases: readonly ReportedCases[]): BaselineFile {
  const entries = new Map<string, BaselineEntry>();
  for (const c of cases) {
    for (const deviation of c.steps.flatMap((step) => step.deviations)) {
      const name = `${c.protocol}/${c.name}`;
      const reason = deviation.known?.reason;
      if (!entries.has(key(deviation.rule, name)))
        entries.set(key(deviation.rule, name), { rule: deviation.rule, case: name, ...(reason === undefined ? {} : { reason }) });
    }
  }
  return { $schema: SCHEMA_REF, version: 1, known: [...entries.values()] };
}
