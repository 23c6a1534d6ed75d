import type { Rule } from '../core/rule.js';
import type { Protocol } from '../protocols/protocol.js';
import { transportOf } from '../transports/index.js';
import { captureRule } from '../suite/rules.js';
import type { StepTarget } from '../suite/step.js';
import type { Suite, SuiteCase } from '../suite/suite.js';
import { skippedCase } from '../suite/case-reports.js';
import { crosstalkRule, type Markers } from './crosstalk.js';
import { runCaseOnce, type SessionCase } from './session.js';
import { LoadTally } from './tally.js';
import { neededFlags } from '../suite/token-vars.js';
import { missingVariables, RUN_VARS } from '../suite/run-vars.js';

/** This machine's share of the sessions: i of every n, counted from 1. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface LoadPlan {
  readonly protocol: Protocol;
  readonly suite: Suite;
  readonly cases: readonly SuiteCase[];
  /** The suite's and the user's values for {{name}}. */
  readonly vars: Readonly<Record<string, string>>;
}

export interface LoadOptions {
  readonly target: StepTarget;
  /** How long sessions keep starting cases; a case under way then finishes, within its limits. */
  readonly durationMs: number;
  readonly markers: Markers;
  readonly shard: Shard;
}

/** The sessions of this shard: session s when s mod n is i − 1. */
export function sessionsOf(total: number, shard: Shard): number[] {
  return Array.from({ length: total }, (_, session) => session).filter((session) => session % shard.count === shard.index - 1);
}

/** How long a session waits after a case the server answered 429 or 503: doubling from the first to the second. */
const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 8_000;

/**
 * Runs this shard's sessions at once until the duration is up, each looping over the plan's cases
 * (session s starts at case s, so that the cases overlap), every exchange judged by the suite's
 * rules and watched for other sessions' markers. The tally can be read while it runs.
 */
export async function runLoad(plan: LoadPlan, options: LoadOptions, tally: LoadTally): Promise<void> {
  const { protocol } = plan;
  const transport = transportOf(protocol);
  const rules = new Map<string, Rule>([...protocol.rules, ...transport.rules, captureRule, crosstalkRule].map((rule) => [rule.id, rule]));
  const known = new Set([...Object.keys(plan.vars), ...RUN_VARS]);
  const cases = plan.cases.filter((suiteCase) => {
    const missing = missingVariables(suiteCase, known);
    if (missing.length === 0) return true;
    tally.skip(skippedCase(protocol, suiteCase, `needs ${neededFlags(missing, plan.suite.variables)}`));
    return false;
  });
  const sessions = sessionsOf(options.markers.sessions, options.shard);
  if (cases.length === 0 || sessions.length === 0) return;

  // One session failing as chatwire's own failure (a target never reached) stops them all.
  const stop = new AbortController();
  const signal = options.target.signal === undefined ? stop.signal : AbortSignal.any([options.target.signal, stop.signal]);
  let heard = false;
  // Busy answers are counted and backed off from here, not asked again inside a step.
  const target: StepTarget = { ...options.target, signal, onHeard: () => (heard = true), busyRetries: 0 };
  const { clock } = target;
  const deadline = clock.now() + options.durationMs;
  let failure: { error: unknown } | undefined;
  const runSession = async (session: number): Promise<void> => {
    const context: SessionCase = { protocol, transport, rules, target, markers: options.markers, session, vars: plan.vars, heard: () => heard };
    // Bounded by the deadline: each round is bounded by the exchange limits. Every session plays at
    // least one case: the first exchange compiles the rules' schemas, synchronously, and on a busy
    // machine that alone can outlast a short duration before the later sessions have started.
    let backoffMs = 0;
    for (let round = 0; (round === 0 || clock.now() < deadline) && !signal.aborted; round++) {
      const suiteCase = cases[(session + round) % cases.length];
      if (suiteCase === undefined) return;
      const report = await runCaseOnce(context, suiteCase);
      // A server saying it is busy (429, 503) turned the case away: its answer is a rate limit, not the
      // protocol's, so it is counted and not judged; and the session backs off, 1 s doubling to 8 s.
      const busy = report.steps.some((step) => step.status === 429 || step.status === 503);
      if (!signal.aborted) {
        if (busy) tally.turnedAway();
        else tally.add(report, session, Math.floor(round / cases.length));
      }
      backoffMs = busy ? Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, backoffMs * 2)) : 0;
      const wait = Math.min(backoffMs, deadline - clock.now());
      if (wait > 0) await clock.sleep(wait, signal).catch(() => undefined);
    }
  };
  await Promise.all(
    sessions.map((session) =>
      runSession(session).catch((error: unknown) => {
        failure ??= { error };
        stop.abort(new Error('another session stopped the load run'));
      }),
    ),
  );
  if (failure !== undefined) throw failure.error;
}
