import { randomBytes } from 'node:crypto';
import type { Protocol } from '../protocols/protocol.js';
import { outcomeOf, type CaseReport, type StepReport } from '../report/model.js';
import { runHttpStep, type HttpTarget } from './http-step.js';
import type { SuiteCase } from './suite.js';

export interface SuiteRunOptions extends HttpTarget {
  /** Called as each case finishes, for progress output. */
  readonly onCase?: (report: CaseReport) => void;
}

/** Runs cases one after another (multi-turn cases depend on order) and reports each. */
export async function runSuite(protocol: Protocol, cases: readonly SuiteCase[], options: SuiteRunOptions): Promise<CaseReport[]> {
  const run = randomBytes(4).toString('hex');
  const reports: CaseReport[] = [];
  for (const suiteCase of cases) {
    const report = await runCase(protocol, suiteCase, options, { run, case: suiteCase.name });
    reports.push(report);
    options.onCase?.(report);
  }
  return reports;
}

async function runCase(protocol: Protocol, suiteCase: SuiteCase, target: HttpTarget, vars: Readonly<Record<string, string>>): Promise<CaseReport> {
  const started = target.clock.now();
  const steps: StepReport[] = [];
  for (const [index, step] of suiteCase.steps.entries()) {
    switch (step.type) {
      case 'http':
        steps.push(await runHttpStep(protocol, step, index, target, vars, suiteCase.because));
        break;
    }
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
