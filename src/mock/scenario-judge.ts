import { statSync } from 'node:fs';
import { reasonOf, systemClock, type Clock } from '../core/clock.js';
import { defaultLimits } from '../core/exchange.js';
import { fillTemplate } from '../core/template.js';
import type { Protocol } from '../protocols/protocol.js';
import type { CaseReport } from '../report/model.js';
import { runPool } from '../suite/pool.js';
import { DEFAULT_CONCURRENCY, runSuite, type SuiteRunOptions } from '../suite/runner.js';
import { loadSuite } from '../suite/suite.js';
import { tokenVars } from '../suite/token-vars.js';
import { SCENARIO_HEADER } from './exchange.js';
import type { Scenario } from './scenario.js';

/**
 * How much faster than real time a scenario is judged. The mock and the suite runner keep time on
 * one scale, so every scripted delay and every limit shrinks alike and the verdict is the one a
 * run at real speed with the default limits gives: a stream that never ends costs 30 s / SPEED.
 */
export const JUDGE_SPEED = 20;

/** Waits this long or longer (in the clock's ms) are deadlines: the suite's shortest limit is 2 s. */
const DEADLINE_MS = 1_000;

/**
 * The least real time the runner's deadlines last. A busy machine takes up to a few hundred ms to
 * set up a connection; the price is leniency for a server that is late by less than this much
 * real time (FLOOR_MS × speed on the clock: 6 s at 20×), against the 2 s close grace.
 */
export const JUDGE_FLOOR_MS = 300;

/**
 * More floor per MB of the scenario's file: every case reads the whole answer, and parsing tens of MB
 * takes real time that does not shrink with the clock (a 20 MB answer was cut as a timeout).
 */
export const JUDGE_FLOOR_MS_PER_MB = 250;

/** The runner's real-time floor for one scenario: JUDGE_FLOOR_MS, and more for a large file. */
export function judgeFloorMs(scenario: Pick<Scenario, 'file'>): number {
  let bytes = 0;
  try {
    bytes = statSync(scenario.file).size;
  } catch {
    // A scenario made in code has no file: the base floor.
  }
  return JUDGE_FLOOR_MS + Math.round((bytes / (1024 * 1024)) * JUDGE_FLOOR_MS_PER_MB);
}

/** The key the judge's own mock takes, so that a refusal for a wrong or missing key can be told apart. */
const JUDGE_TOKEN = 'chatwire-judge-key';

/** What the judge needs of a mock it starts: the server's root, and a way to stop it. */
export interface JudgeMock {
  readonly url: string;
  close(): Promise<void>;
}

export interface JudgeMockOptions {
  readonly protocols: readonly Protocol[];
  readonly scenarioDirs: Readonly<Record<string, readonly string[]>>;
  readonly clock: Clock;
  readonly token: string;
  readonly allowAuthFaults: boolean;
}

/** Starts a mock serving the scenario under judgement (startMockServer with the judge off). */
export type StartJudgeMock = (options: JudgeMockOptions) => Promise<JudgeMock>;

/** What a scenario was found to break, by the protocol's suite run against the mock playing it. */
export interface ScenarioVerdict {
  /** Rules broken with severity error: these must be exactly the scenario's `breaks`. */
  readonly errors: ReadonlyMap<string, string>;
  /** Rules broken as warnings (an inferred rule or case); `breaks` may name them, need not. */
  readonly warnings: ReadonlySet<string>;
  readonly ms: number;
}

/**
 * A clock `speed` times faster than real time, on the same monotonic scale. With `floorMs` (the
 * runner's clock), a wait of a second or more — a deadline, never a poll interval — lasts at least
 * that long in real time: setting up a connection takes real time that does not shrink.
 */
export function fastClock(speed: number, floorMs = 0, base: Clock = systemClock): Clock {
  return {
    now: () => base.now() * speed,
    sleep: (ms, signal) => base.sleep(ms >= DEADLINE_MS ? Math.max(ms / speed, Math.min(ms, floorMs)) : ms / speed, signal),
  };
}

/** The first error deviation of each rule, in words, for the refusal's message. */
function findings(cases: readonly CaseReport[]): ScenarioVerdict['errors'] {
  const errors = new Map<string, string>();
  for (const report of cases) {
    for (const step of report.steps) {
      for (const deviation of step.deviations) {
        if (deviation.severity === 'error' && !errors.has(deviation.rule)) errors.set(deviation.rule, `${report.name}: ${deviation.message}`);
      }
    }
  }
  return errors;
}

/** How a scenario is judged: JUDGE_SPEED and cases 8 at a time on one mock, unless told otherwise. */
export interface JudgeOptions {
  readonly signal?: AbortSignal;
  readonly speed?: number;
  readonly concurrency?: number;
  /** Each case on a mock of its own, so that nothing one case's answers do reaches another. */
  readonly isolate?: boolean;
}

/**
 * Plays one scenario through the protocol's own suite, as `chatwire run PROTOCOL -H
 * 'x-chatwire-scenario: NAME'` would against the mock, sped up, and returns the rules it breaks.
 * Isolated, a scenario that reaches every client of its mock (a broadcast) breaks no more rules
 * than its own case's, as when its cases run one at a time.
 */
export async function judgeScenario(
  protocol: Protocol,
  scenario: Scenario,
  dirs: readonly string[],
  start: StartJudgeMock,
  options: JudgeOptions = {},
): Promise<ScenarioVerdict> {
  const speed = options.speed ?? JUDGE_SPEED;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  // The mock plays the scenario's timing exactly; only the runner's deadlines have a floor.
  const clock = fastClock(speed);
  const runnerClock = fastClock(speed, judgeFloorMs(scenario));
  const started = systemClock.now();
  if (options.signal?.aborted) throw reasonOf(options.signal);
  const suite = loadSuite(protocol);
  const vars: Record<string, string> = tokenVars(JUDGE_TOKEN);
  for (const [name, variable] of Object.entries(suite.variables)) if (variable.mock !== undefined) vars[name] = fillTemplate(variable.mock, vars);
  const onMock = async (run: (options: SuiteRunOptions) => Promise<CaseReport[]>): Promise<CaseReport[]> => {
    const mock = await start({ protocols: [protocol], scenarioDirs: { [protocol.id]: dirs }, clock, token: JUDGE_TOKEN, allowAuthFaults: true });
    try {
      return await run({
        baseUrl: mock.url,
        headers: { authorization: `Bearer ${JUDGE_TOKEN}`, [SCENARIO_HEADER]: scenario.name },
        limits: defaultLimits,
        clock: runnerClock,
        signal: options.signal,
        vars,
        concurrency,
      });
    } finally {
      await mock.close();
    }
  };
  const cases =
    options.isolate === true
      ? (
          await runPool(
            suite.cases.map((one) => ({ exclusive: false, run: () => onMock((target) => runSuite(protocol, suite, [one], target)) })),
            concurrency,
          )
        ).flat()
      : await onMock((target) => runSuite(protocol, suite, suite.cases, target));
  const warnings = new Set(cases.flatMap((c) => c.steps.flatMap((step) => step.deviations.filter((d) => d.severity === 'warn').map((d) => d.rule))));
  return { errors: findings(cases), warnings, ms: Math.round(systemClock.now() - started) };
}
