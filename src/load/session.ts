import type { Rule } from '../core/rule.js';
import { fillJson } from '../core/template.js';
import type { Protocol } from '../protocols/protocol.js';
import { outcomeOf, type CaseReport, type StepReport } from '../report/model.js';
import type { BoundTransport } from '../transports/index.js';
import { CaseScope, type StepResult, type StepTarget } from '../suite/step.js';
import type { SuiteCase } from '../suite/suite.js';
import { runVars } from '../suite/run-vars.js';
import { asWarning, captureDeviation, lostTargetStep } from '../suite/case-reports.js';
import { CrosstalkWatch, type Markers } from './crosstalk.js';

/** What every case of one session shares: the protocol, its rules, the target, the session's marker. */
export interface SessionCase {
  readonly protocol: Protocol;
  readonly transport: BoundTransport;
  readonly rules: ReadonlyMap<string, Rule>;
  readonly target: StepTarget;
  readonly markers: Markers;
  readonly session: number;
  /** The suite's and the user's values; `run` and `case` are the session's. */
  readonly vars: Readonly<Record<string, string>>;
  /** True once the target has answered anything in this load run. */
  readonly heard: () => boolean;
}

/**
 * Runs one case once, as the suite runner does (steps in order, captures, assertions, the same
 * rules), with a watch that also looks for other sessions' markers. A target that stops accepting
 * connections after answering is a deviation; one never reached is chatwire's failure (exit 2).
 */
export async function runCaseOnce(session: SessionCase, suiteCase: SuiteCase): Promise<CaseReport> {
  const { protocol, transport, rules, target } = session;
  const started = target.clock.now();
  const steps: StepReport[] = [];
  const vars: Record<string, string> = { ...session.vars, ...runVars(session.markers.of(session.session), suiteCase.name) };
  const scope = new CaseScope();
  // What rules remember across the exchanges of one case (a session's msg_id set, say).
  const caseTarget: StepTarget = { ...target, memory: new Map<string, unknown>() };
  try {
    for (const [index, step] of suiteCase.steps.entries()) {
      const assertions = step.assert?.map((assertion) => fillJson(assertion, vars));
      const watch = new CrosstalkWatch(session.markers, session.session, step.capture, assertions, protocol.answerText);
      const context = { index, target: caseTarget, vars, because: suiteCase.because, watch, scope };
      const result = await transport
        .runStep(step, context)
        .catch((error: unknown): StepResult => ({ report: lostTargetStep(session.transport, step, index, session.target.baseUrl, session.heard(), error) }));
      if (result.notOffered !== undefined) {
        steps.push({ ...result.report, deviations: [], note: result.notOffered });
        continue;
      }
      const extra = watch.judge(rules, (value) => fillJson(value, vars));
      const { values, missing } = watch.captured();
      Object.assign(vars, values);
      if (missing.length > 0) extra.push(captureDeviation(missing));
      const deviations = [...result.report.deviations, ...extra];
      steps.push({ ...result.report, deviations: suiteCase.basis === 'inferred' ? deviations.map((deviation) => asWarning(deviation, rules)) : deviations });
      // Later steps build on this one (a follow-up turn, a captured id): after a cut they prove nothing.
      if ((result.report.end === 'timeout' && step.expect !== 'refusal') || missing.length > 0) break;
    }
  } finally {
    await scope.close();
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
