/**
 * Report pieces every way of running a suite's cases builds alike: `chatwire run` (runner.ts) and
 * `chatwire load` (load/session.ts).
 */
import { isChatwireError } from '../core/errors.js';
import { deviationOf, type Deviation, type Rule } from '../core/rule.js';
import type { Protocol } from '../protocols/protocol.js';
import type { CaseReport, StepReport } from '../report/model.js';
import type { BoundTransport } from '../transports/index.js';
import { captureRule } from './rules.js';
import type { SuiteCase, SuiteStep } from './suite.js';

/** A case that did not run, and why. */
export function skippedCase(protocol: Protocol, suiteCase: SuiteCase, reason: string): CaseReport {
  return {
    protocol: protocol.id,
    name: suiteCase.name,
    title: suiteCase.title,
    source: suiteCase.source,
    outcome: 'skipped',
    skipped: reason,
    durationMs: 0,
    steps: [],
  };
}

/**
 * A deviation of an inferred case, which never fails a run on its own: a warning, unless its rule is
 * a security rule (a leak between sessions is a fault whatever the case was about).
 */
export function asWarning(deviation: Deviation, rules: ReadonlyMap<string, Rule>): Deviation {
  if (deviation.severity === 'warn' || rules.get(deviation.rule)?.security === true) return deviation;
  return { ...deviation, severity: 'warn', message: `${deviation.message} (inferred case: a warning)` };
}

/**
 * A target that answered earlier in the run and now refuses connections has gone down under the
 * suite (a crash on a bad request, say): that is a finding about the server, not a setup mistake.
 * Any other error, or a target never heard from, is thrown on.
 */
export function lostTargetStep(transport: BoundTransport, step: SuiteStep, index: number, baseUrl: string, heard: boolean, error: unknown): StepReport {
  if (!(isChatwireError(error) && error.code === 'TARGET_UNREACHABLE' && heard)) throw error;
  const message = `the server stopped accepting connections after answering earlier in the run: ${error.message}`;
  const deviation = deviationOf(transport.connectionRule, { type: 'stream', end: 'broken', message, expected: 'the server keeps serving' });
  return {
    index,
    method: transport.label(step),
    url: baseUrl,
    expect: step.expect,
    status: null,
    frames: 0,
    end: 'broken',
    durationMs: 0,
    deviations: [deviation],
  };
}

/** A step whose answer lacked a value a later step needs: the case stops there. */
export function captureDeviation(missing: readonly string[]): Deviation {
  return deviationOf(captureRule, {
    type: 'stream',
    end: 'closed',
    message: `the answer did not carry ${missing.join(', ')}, which the next step needs; the case stopped here`,
  });
}
