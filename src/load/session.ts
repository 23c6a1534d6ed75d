import { isChatwireError } from '../core/errors.js';
import { deviationOf, type Deviation, type Rule } from '../core/rule.js';
import { fillJson } from '../core/template.js';
import type { Protocol } from '../protocols/protocol.js';
import { outcomeOf, type CaseReport, type StepReport } from '../report/model.js';
import type { BoundTransport } from '../transports/index.js';
import { captureRule } from '../suite/rules.js';
import { CaseScope, type StepResult, type StepTarget } from '../suite/step.js';
import type { SuiteCase, SuiteStep } from '../suite/suite.js';
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
  const vars: Record<string, string> = { ...session.vars, run: session.markers.of(session.session), case: suiteCase.name };
  const scope = new CaseScope();
  // What rules remember across the exchanges of one case (a session's msg_id set, say).
  const caseTarget: StepTarget = { ...target, memory: new Map<string, unknown>() };
  try {
    for (const [index, step] of suiteCase.steps.entries()) {
      const assertions = step.assert?.map((assertion) => fillJson(assertion, vars));
      const watch = new CrosstalkWatch(session.markers, session.session, step.capture, assertions, protocol.answerText);
      const context = { index, target: caseTarget, vars, because: suiteCase.because, watch, scope };
      const result = await transport.runStep(step, context).catch((error: unknown): StepResult => ({ report: lostTarget(session, step, index, error) }));
      if (result.notOffered !== undefined) {
        steps.push({ ...result.report, deviations: [], note: result.notOffered });
        continue;
      }
      const extra = watch.judge(rules, (value) => fillJson(value, vars));
      const { values, missing } = watch.captured();
      Object.assign(vars, values);
      if (missing.length > 0) {
        extra.push(
          deviationOf(captureRule, { type: 'stream', end: 'closed', message: `the answer did not carry ${missing.join(', ')}, which the next step needs` }),
        );
      }
      const deviations = [...result.report.deviations, ...extra];
      steps.push({ ...result.report, deviations: suiteCase.basis === 'inferred' ? deviations.map(asWarning) : deviations });
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

function lostTarget(session: SessionCase, step: SuiteStep, index: number, error: unknown): StepReport {
  if (!(isChatwireError(error) && error.code === 'TARGET_UNREACHABLE' && session.heard())) throw error;
  const message = `the server stopped accepting connections after answering earlier in the run: ${error.message}`;
  const deviation = deviationOf(session.transport.connectionRule, { type: 'stream', end: 'broken', message, expected: 'the server keeps serving' });
  return {
    index,
    method: session.transport.label(step),
    url: session.target.baseUrl,
    expect: step.expect,
    status: null,
    frames: 0,
    end: 'broken',
    durationMs: 0,
    deviations: [deviation],
  };
}

function asWarning(deviation: Deviation): Deviation {
  return deviation.severity === 'warn' ? deviation : { ...deviation, severity: 'warn', message: `${deviation.message} (inferred case: a warning)` };
}
