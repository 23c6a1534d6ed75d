import { randomBytes } from 'node:crypto';
import type { Deviation, Rule } from '../core/rule.js';
import { fillJson } from '../core/template.js';
import type { Protocol } from '../protocols/protocol.js';
import { outcomeOf, type CaseReport, type StepReport } from '../report/model.js';
import { httpRules } from '../transports/http/rules.js';
import { FrameWatch } from './expectations.js';
import { runHttpStep, type HttpTarget } from './http-step.js';
import { CaseConnections, runSocketStep } from './socket-step.js';
import { runPollStep } from './poll-step.js';
import { captureRule } from './rules.js';
import type { Suite, SuiteCase } from './suite.js';

export interface SuiteRunOptions extends HttpTarget {
  /** The Engine.IO version Socket.IO steps speak (3 for Socket.IO 2 servers); 4 by default. */
  readonly eio?: 3 | 4;
  /** Values for the suite's variables (--var), plus `token` when one is in use. */
  readonly vars?: Readonly<Record<string, string>>;
  /** Called as each case finishes, for progress output. */
  readonly onCase?: (report: CaseReport) => void;
}

/** Names a case uses as {{name}} that neither the run, the user, nor an earlier capture provides. */
function missingVariables(suiteCase: SuiteCase, known: ReadonlySet<string>): string[] {
  const provided = new Set(known);
  const missing = new Set<string>();
  for (const step of suiteCase.steps) {
    const { capture, ...rest } = step;
    for (const match of JSON.stringify(rest).matchAll(/\{\{(\w+)\}\}/g)) {
      const name = match[1] as string;
      if (!provided.has(name)) missing.add(name);
    }
    for (const name of Object.keys(capture ?? {})) provided.add(name);
  }
  return [...missing];
}

/** Runs cases one after another (multi-turn cases depend on order) and reports each. */
export async function runSuite(protocol: Protocol, suite: Suite, cases: readonly SuiteCase[], options: SuiteRunOptions): Promise<CaseReport[]> {
  const run = randomBytes(4).toString('hex');
  const rules = new Map<string, Rule>([...protocol.rules, ...httpRules].map((rule) => [rule.id, rule]));
  const reports: CaseReport[] = [];
  for (const suiteCase of cases) {
    const vars = { ...options.vars, run, case: suiteCase.name };
    const missing = missingVariables(suiteCase, new Set(Object.keys(vars)));
    const report =
      missing.length > 0
        ? skipped(protocol, suiteCase, missing.map((name) => `--var ${name}=… (${suite.variables[name]?.description ?? 'not declared by the suite'})`).join('; '))
        : await runCase(protocol, suiteCase, options, vars, rules);
    reports.push(report);
    options.onCase?.(report);
  }
  return reports;
}

function skipped(protocol: Protocol, suiteCase: SuiteCase, reason: string): CaseReport {
  return { protocol: protocol.id, name: suiteCase.name, title: suiteCase.title, source: suiteCase.source, outcome: 'skipped', skipped: `needs ${reason}`, durationMs: 0, steps: [] };
}

async function runCase(protocol: Protocol, suiteCase: SuiteCase, target: SuiteRunOptions, initial: Record<string, string>, rules: ReadonlyMap<string, Rule>): Promise<CaseReport> {
  const started = target.clock.now();
  const steps: StepReport[] = [];
  const vars: Record<string, string> = { ...initial };
  const connections = new CaseConnections();
  try {
    for (const [index, step] of suiteCase.steps.entries()) {
      const watch = new FrameWatch(step.capture, step.assert);
      let report: StepReport;
      switch (step.type) {
        case 'http':
          report = await runHttpStep(protocol, step, index, target, vars, suiteCase.because, watch);
          break;
        case 'socketio':
          report = await runSocketStep(protocol, step, index, target, connections, vars, suiteCase.because, watch);
          break;
        case 'poll':
          report = await runPollStep(protocol, step, index, target, vars, watch);
          break;
      }
      const extra: Deviation[] = watch.judge(rules, (value) => fillJson(value, vars));
      const { values, missing } = watch.captured();
      Object.assign(vars, values);
      if (missing.length > 0) extra.push(captureDeviation(missing));
      const deviations = [...report.deviations, ...extra];
      // A case the document only implies never fails a backend: its errors are warnings.
      steps.push({ ...report, deviations: suiteCase.basis === 'inferred' ? deviations.map(asWarning) : deviations });
      // A later step cannot be sent without the value; the deviations so far say why.
      if (missing.length > 0) break;
    }
  } finally {
    await connections.close();
  }
  return {
    protocol: protocol.id,
    name: suiteCase.name,
    title: suiteCase.title,
    source: suiteCase.source,
    outcome: outcomeOf(steps.flatMap((step) => step.deviations)),
    durationMs: Math.round(target.clock.now() - started),
    steps,
  };
}

function asWarning(deviation: Deviation): Deviation {
  return deviation.severity === 'warn' ? deviation : { ...deviation, severity: 'warn', message: `${deviation.message} (inferred case: a warning)` };
}

function captureDeviation(missing: readonly string[]): Deviation {
  const { id, severity, basis, source } = captureRule;
  return { type: 'stream', end: 'closed', rule: id, severity, basis, source, message: `the answer did not carry ${missing.join(', ')}, which the next step needs; the case stopped here` };
}
