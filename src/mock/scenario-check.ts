import { dirname, join, resolve } from 'node:path';
import { ChatwireError } from '../core/errors.js';
import { mocksDir } from '../core/paths.js';
import { loadProtocols } from '../protocols/index.js';
import type { Protocol } from '../protocols/protocol.js';
import type { Scenario } from './scenario.js';
import { scenarioKindOf } from './scenario-kind.js';
import { judgeScenario, type ScenarioVerdict, type StartJudgeMock } from './scenario-judge.js';
import { displayPath, loadScenarios } from './scenario-load.js';

/**
 * A first verdict that disagrees with `breaks` is asked again before the file is refused, slower
 * and with each case on a mock of its own: a busy machine may make a sped-up run miss a deadline,
 * and a scenario that reaches every client (a broadcast) breaks more rules while other cases share
 * its mock.
 */
const CONFIRM = { speed: 10, isolate: true } as const;

/** One user scenario file as judged when it loaded. */
export interface ScenarioJudgement {
  readonly protocol: string;
  readonly scenario: Scenario;
  /** The rules it was found to break (severity error). */
  readonly breaks: readonly string[];
  /** How long judging it took, both runs together when the first disagreed with `breaks`. */
  readonly ms: number;
  /** 1, or 2 when the first run disagreed and a second, slower one was asked. */
  readonly runs: 1 | 2;
}

/** Where a verdict and a file's `breaks` part ways; empty when they agree. */
function disagreement(scenario: Scenario, verdict: ScenarioVerdict): { unexpected: string[]; missing: string[] } {
  const unexpected = [...verdict.errors.keys()].filter((rule) => !scenario.breaks.includes(rule)).sort();
  const missing = scenario.breaks.filter((rule) => !verdict.errors.has(rule) && !verdict.warnings.has(rule));
  return { unexpected, missing };
}

function refusal(protocol: Protocol, scenario: Scenario, verdict: ScenarioVerdict): ChatwireError {
  const { unexpected, missing } = disagreement(scenario, verdict);
  const found = [...verdict.errors.keys()].sort();
  const parts = [
    ...unexpected.map((rule) => `it breaks ${rule}, which "breaks" does not name (${verdict.errors.get(rule) ?? ''})`),
    ...missing.map((rule) => `"breaks" names ${rule}, which it does not break`),
  ];
  return new ChatwireError(
    'BAD_FILE',
    `Failed to load scenario ${displayPath(scenario.file)}: played through ${protocol.id}'s suite, ${parts.join('; ')}; expected "breaks": ${JSON.stringify(found)}`,
    {
      hint: `"breaks" lists every rule a scenario breaks on purpose, [] for a conformant one; chatwire run ${protocol.id} -H 'x-chatwire-scenario: ${scenario.name}' against chatwire mock shows the deviations`,
    },
  );
}

/**
 * Checks the user's scenario folders before a mock serves them: each file loads (JSON, schema,
 * parts, script, rule ids, see loadScenarioFile) and then plays through its protocol's suite, and
 * the rules it breaks must be exactly its `breaks`. Built-in scenarios are not judged again: the
 * tests cover them. Files are judged one at a time; each costs a suite run at JUDGE_SPEED.
 */
export async function checkScenarioDirs(
  protocols: readonly Protocol[],
  scenarioDirs: Readonly<Record<string, readonly string[]>>,
  start: StartJudgeMock,
  options: { readonly signal?: AbortSignal } = {},
): Promise<ScenarioJudgement[]> {
  const served = protocols.map((protocol) => protocol.id);
  for (const [id, dirs] of Object.entries(scenarioDirs)) {
    if (!served.includes(id) && dirs.length > 0)
      throw new ChatwireError(
        'BAD_OPTION',
        `Failed to load scenarios for ${id} from ${dirs.join(', ')}: the mock does not serve ${id}; expected one of ${served.join(', ')}`,
        {
          hint: `serve it with --protocol ${id}, or drop its --scenarios`,
        },
      );
  }
  const kinds = (await loadProtocols()).map(scenarioKindOf);
  const judged: ScenarioJudgement[] = [];
  for (const protocol of protocols) {
    const dirs = (scenarioDirs[protocol.id] ?? []).map((dir) => resolve(dir));
    if (dirs.length === 0) continue;
    const set = loadScenarios(scenarioKindOf(protocol), [join(mocksDir, protocol.id), ...dirs], kinds);
    for (const scenario of set.all().filter((s) => dirs.includes(dirname(s.file)))) {
      const first = await judgeScenario(protocol, scenario, dirs, start, options);
      let verdict = first;
      const agrees = (found: ScenarioVerdict): boolean => Object.values(disagreement(scenario, found)).every((rules) => rules.length === 0);
      if (!agrees(first)) {
        verdict = await judgeScenario(protocol, scenario, dirs, start, { ...options, ...CONFIRM });
        if (!agrees(verdict)) throw refusal(protocol, scenario, verdict);
      }
      const runs = verdict === first ? 1 : 2;
      const ms = runs === 1 ? first.ms : first.ms + verdict.ms;
      judged.push({ protocol: protocol.id, scenario, breaks: [...verdict.errors.keys()].sort(), ms, runs });
    }
  }
  return judged;
}
