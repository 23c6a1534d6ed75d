import { randomBytes } from 'node:crypto';
import { describeTimeout } from '../core/exchange.js';
import { cutEnd } from '../transports/abort.js';
import type { Deviation, Rule } from '../core/rule.js';
import { fillJson } from '../core/template.js';
import type { Protocol } from '../protocols/protocol.js';
import { budgetDeviations, type LatencyBudgets } from '../report/budgets.js';
import { LatencyMeter } from '../report/latency.js';
import { outcomeOf, type CaseReport, type StepReport } from '../report/model.js';
import { transportOf, type BoundTransport } from '../transports/index.js';
import { FrameWatch } from './expectations.js';
import { DEFAULT_CONCURRENCY } from './defaults.js';
import { runPool } from './pool.js';
import { captureRule } from './rules.js';
import { CaseScope, type StepResult, type StepTarget } from './step.js';
import type { Suite, SuiteCase } from './suite.js';
import { asWarning, captureDeviation, lostTargetStep, skippedCase } from './case-reports.js';
import { neededFlags } from './token-vars.js';
import { missingVariables, runVars } from './run-vars.js';

export interface SuiteRunOptions extends StepTarget {
  /** Values for the suite's variables (--var), plus `token` when one is in use. */
  readonly vars?: Readonly<Record<string, string>>;
  /** How many cases run at once; 8 by default. Exclusive cases always run alone. */
  readonly concurrency?: number;
  /** Called as each case finishes, in suite order, for progress output. */
  readonly onCase?: (report: CaseReport) => void;
  /** Latency budgets: an answer that overruns one gets a latency.* deviation. */
  readonly budgets?: LatencyBudgets | undefined;
  /** Keep each step's frames and their times in its report (for -r html). */
  readonly timeline?: boolean | undefined;
  /** Read before each case starts: a reason to run no more cases (--bail), or undefined. */
  readonly stop?: () => string | undefined;
}

/** One protocol's share of a run: its suite, the cases chosen, and its variables. */
export interface SuitePlan {
  readonly protocol: Protocol;
  readonly suite: Suite;
  readonly cases: readonly SuiteCase[];
  readonly vars?: Readonly<Record<string, string>>;
}

export { DEFAULT_CONCURRENCY } from './defaults.js';

/**
 * Once a target has been caught going silent, the verdict is already a failure: later waits for a
 * first frame or between frames are cut after this long, so a stalling server costs one idle limit
 * and not one per case.
 */
export const STALLED_LIMIT_MS = 2_000;
/** How many cases may wait at once on a target that has stalled. */
const STALLED_CONCURRENCY = 32;

function targetFor(target: SuiteRunOptions, state: TargetState): SuiteRunOptions {
  if (!state.stalled) return target;
  const { limits } = target;
  return { ...target, limits: { ...limits, firstFrameMs: Math.min(limits.firstFrameMs, STALLED_LIMIT_MS), idleMs: Math.min(limits.idleMs, STALLED_LIMIT_MS) } };
}

/**
 * What the run has learnt about the target so far. A target that accepts connections and never
 * answers anything is found out once; the cases not yet started are then not run, so a silent
 * server costs one time limit, whatever the number of cases.
 */
class TargetState {
  heard = false;
  silent: string | undefined;
  /** The target went silent mid-answer once: later silences get a short budget (see STALLED_LIMIT_MS). */
  stalled = false;
  /** How many cases may start at once: halved each time the target says it is busy (429), so a rate limiter is met, not fought. */
  busyCap = Number.POSITIVE_INFINITY;

  hear(): void {
    this.heard = true;
  }

  /** The target answered a step without turning it away as busy at least once. */
  served = false;

  /**
   * Returns whether the contention is the run's own: other cases are in flight, and the server has let
   * some request through (one that turns everything away is judged as quickly as before).
   */
  busy(running: number): boolean {
    this.busyCap = Math.max(1, Math.floor(Math.min(this.busyCap, running) / 2));
    return running > 1 && this.served;
  }

  learn(step: StepReport, judged: boolean, turnedAway: string | undefined): void {
    // The run's own limit cutting an answer says nothing about the target.
    if (step.timeLimit === 'run') return;
    if (step.status !== null && turnedAway === undefined) this.served = true;
    // Turned away as busy even one case at a time, after waiting as asked, with nothing ever let
    // through: every later case would wait the same way for the same answer.
    if (turnedAway !== undefined && !this.served) {
      this.silent ??= `the target turned away every request as busy (${turnedAway}), even after waiting as it asked (${step.method} ${step.url})`;
    }
    if (judged && (step.timeLimit === 'first-frame' || step.timeLimit === 'idle')) this.stalled = true;
    if (step.status !== null || step.frames > 0) this.heard = true;
    else if (judged && !this.heard && step.end === 'timeout') {
      this.silent ??= `the target accepted the connection but sent nothing in ${Math.round(step.durationMs)} ms (${step.method} ${step.url})`;
    }
  }
}

const joinNotes = (first: string | undefined, second: string): string => (first === undefined ? second : `${first}; ${second}`);

/** Runs one protocol's cases (see runSuites). */
export function runSuite(protocol: Protocol, suite: Suite, cases: readonly SuiteCase[], options: SuiteRunOptions): Promise<CaseReport[]> {
  return runSuites([{ protocol, suite, cases }], options);
}

/**
 * Runs the cases of one or more suites, several at once (exclusive ones alone), and returns their
 * reports in suite order. A case's steps run in order: a follow-up depends on the turn before it.
 */
export async function runSuites(plans: readonly SuitePlan[], options: SuiteRunOptions): Promise<CaseReport[]> {
  const run = randomBytes(4).toString('hex');
  const state = new TargetState();
  let running = 0;
  const tasks = plans.flatMap(({ protocol, suite, cases, vars: planVars }) => {
    const transport = transportOf(protocol);
    const rules = new Map<string, Rule>([...protocol.rules, ...transport.rules, captureRule].map((rule) => [rule.id, rule]));
    return cases.map((suiteCase) => ({
      exclusive: suiteCase.exclusive,
      run: async (): Promise<CaseReport> => {
        const vars = { ...options.vars, ...planVars, ...runVars(run, suiteCase.name) };
        const missing = missingVariables(suiteCase, new Set(Object.keys(vars)));
        if (missing.length > 0) {
          return skippedCase(protocol, suiteCase, `needs ${neededFlags(missing, suite.variables)}`);
        }
        if (state.silent !== undefined) return skippedCase(protocol, suiteCase, `not run: ${state.silent}`);
        if (options.signal?.aborted === true) return skippedCase(protocol, suiteCase, `not run: ${stoppedBy(options.signal)}`);
        const stopped = options.stop?.();
        if (stopped !== undefined) return skippedCase(protocol, suiteCase, `not run: ${stopped}`);
        running++;
        try {
          const target = { ...options, onHeard: () => state.hear(), onBusy: () => state.busy(running), memory: new Map() };
          return await runCase(protocol, transport, suiteCase, target, vars, rules, state);
        } finally {
          running--;
        }
      },
    }));
  });
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  // A stalled target's remaining cases wait on short timers only: they may all wait at once.
  return runPool(
    tasks,
    () => Math.min(state.busyCap, state.stalled ? Math.max(concurrency, STALLED_CONCURRENCY) : concurrency),
    (report) => options.onCase?.(report),
  );
}

/** Why the run's signal stopped it: the run's time limit, or the caller. */
export function stoppedBy(signal: AbortSignal): string {
  const cut = cutEnd(signal, 0);
  return cut?.type === 'timeout' ? describeTimeout(cut).replace(/^no complete answer before /, '') : 'the run was stopped';
}

async function runCase(
  protocol: Protocol,
  transport: BoundTransport,
  suiteCase: SuiteCase,
  target: SuiteRunOptions,
  initial: Record<string, string>,
  rules: ReadonlyMap<string, Rule>,
  state: TargetState,
): Promise<CaseReport> {
  const started = target.clock.now();
  const steps: StepReport[] = [];
  const vars: Record<string, string> = { ...initial };
  const scope = new CaseScope();
  try {
    for (const [index, step] of suiteCase.steps.entries()) {
      if (state.silent !== undefined || target.signal?.aborted === true) break;
      // Assertions are filled before the answer comes: a marker of another scope is searched for as frames arrive.
      const assertions = step.assert?.map((assertion) => fillJson(assertion, vars));
      const watch = new FrameWatch(step.capture, assertions, protocol.answerText, protocol.answers);
      const meter = new LatencyMeter(protocol.isHeartbeat, target.timeline === true);
      const timed = targetFor(target, state);
      const context = { index, target: { ...timed, observer: meter.observer(timed.observer) }, vars, because: suiteCase.because, watch, scope };
      const result = await transport
        .runStep(step, context)
        .catch((error: unknown): StepResult => ({ report: lostTargetStep(transport, step, index, target.baseUrl, state.heard, error) }));
      let { report } = result;
      if (result.notOffered !== undefined) {
        // A feature the document only implies, and this server does not offer it: a note, not a fault.
        steps.push({ ...report, deviations: [], note: result.notOffered });
        continue;
      }
      state.learn(report, step.expect !== 'refusal', result.turnedAway);
      if (result.turnedAway !== undefined) {
        // Still turned away as busy after asking again: nothing of the protocol was answered to judge,
        // and later steps would build on an answer that never came.
        const later = suiteCase.steps.length - index - 1;
        steps.push(
          later > 0 ? { ...report, note: joinNotes(report.note, `the ${later} later step(s) did not run: the server turned this one away as busy`) } : report,
        );
        break;
      }
      const latency = meter.latency(report.durationMs);
      const timeline = meter.timeline();
      report = { ...report, latency, ...(timeline === undefined ? {} : { timeline }) };
      const extra: Deviation[] = watch.judge(rules, (value) => fillJson(value, vars));
      // Budgets bound answers; a refusal's speed is not what they are about.
      if (target.budgets !== undefined && step.expect !== 'refusal') extra.push(...budgetDeviations(latency, target.budgets));
      const { values, missing } = watch.captured();
      Object.assign(vars, values);
      if (missing.length > 0) extra.push(captureDeviation(missing));
      const deviations = [...report.deviations, ...extra];
      // A case the document only implies never fails a backend: its errors are warnings.
      report = { ...report, deviations: suiteCase.basis === 'inferred' ? deviations.map((deviation) => asWarning(deviation, rules)) : deviations };
      const later = suiteCase.steps.length - index - 1;
      // Later steps build on this one (a follow-up turn, a captured id): after a cut they prove nothing.
      const cut = report.end === 'timeout' && step.expect !== 'refusal';
      if (later > 0 && (cut || missing.length > 0)) {
        steps.push({ ...report, note: `the ${later} later step(s) did not run: ${cut ? 'this step was cut for time' : 'a value they need is missing'}` });
        break;
      }
      steps.push(report);
    }
  } finally {
    await scope.close();
  }
  if (steps.length === 0 && state.silent !== undefined) return skippedCase(protocol, suiteCase, `not run: ${state.silent}`);
  if (steps.length === 0 && target.signal?.aborted === true) return skippedCase(protocol, suiteCase, `not run: ${stoppedBy(target.signal)}`);
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
