import type { Protocol } from '../protocols/protocol.js';
import { captureRule } from '../suite/rules.js';
import { transportOf } from '../transports/index.js';
import type { ScenarioKind } from './scenario-load.js';

/** What loading a protocol's scenario files needs to know of it; a scenario may break the suite's capture rule too. */
export function scenarioKindOf(protocol: Protocol): ScenarioKind {
  return {
    id: protocol.id,
    takes: protocol.mock.takes,
    script: protocol.mock.script,
    ruleIds: [...protocol.rules, ...transportOf(protocol).rules, captureRule].map((rule) => rule.id),
  };
}
