import { ChatwireError } from '../core/errors.js';
import { formatFault, parseFaults, reaches, type Fault, type FaultReach } from './faults.js';
import type { Scenario, ScenarioSet } from './scenario.js';

export const SCENARIO_HEADER = 'x-chatwire-scenario';
export const FAULT_HEADER = 'x-chatwire-fault';

/** What a protocol plays unless a request asks otherwise: a scenario and fault overlays. */
export interface MockChoice {
  /** Undefined: the protocol's default scenario. */
  readonly scenario?: string;
  readonly faults: readonly Fault[];
}

/** Faults as an API caller gives them: parsed already, or written as a header writes them. */
export type FaultsInput = string | readonly Fault[];

const asFaults = (faults: FaultsInput | undefined): Fault[] => (faults === undefined ? [] : typeof faults === 'string' ? parseFaults(faults) : [...faults]);

/** What one request or connection asked for by header or query; undefined where it asked nothing. */
export interface Asked {
  readonly scenario?: string | undefined;
  readonly fault?: string | undefined;
}

/** What plays for one request: its scenario and the faults laid over it. */
export interface Selection {
  readonly scenario: Scenario;
  readonly faults: readonly Fault[];
}

/**
 * The scenarios and faults chosen for each protocol: at start (`--scenario`, `--fault`), in code
 * (`use`), and per request (headers). The most specific wins: request, then `use`, then start.
 */
export class MockChoices {
  readonly #start = new Map<string, MockChoice>();
  readonly #now = new Map<string, MockChoice>();

  constructor(
    private readonly sets: ReadonlyMap<string, ScenarioSet>,
    /** How each protocol's answers travel, so that a fault that cannot act on them is refused. */
    private readonly reachOf: ReadonlyMap<string, FaultReach>,
    start: Readonly<Record<string, { readonly scenario?: string; readonly faults?: FaultsInput }>> = {},
  ) {
    for (const [protocol, choice] of Object.entries(start)) this.#start.set(protocol, this.#check(protocol, choice.scenario, choice.faults));
    this.reset();
  }

  /** Plays `scenario` (undefined: the default) with `faults` for every later request to `protocol`. */
  use(protocol: string, scenario?: string, faults?: FaultsInput): void {
    this.#now.set(protocol, this.#check(protocol, scenario, faults));
  }

  /** Back to the choices the mock started with. */
  reset(): void {
    this.#now.clear();
    for (const [protocol, choice] of this.#start) this.#now.set(protocol, choice);
  }

  current(protocol: string): MockChoice {
    return this.#now.get(protocol) ?? { faults: [] };
  }

  /**
   * What plays for a request to `protocol` that asked `asked`. A scenario header names protocols
   * (`ctai=no-stop, fastgpt=no-done`) or names a scenario alone, which applies where it exists.
   */
  select(protocol: string, defaultScenario: string, asked: Asked): Selection {
    const set = this.#set(protocol);
    const choice = this.current(protocol);
    const byRequest = asked.scenario === undefined || asked.scenario.trim() === '' ? undefined : this.#fromHeader(protocol, set, asked.scenario);
    const reach = this.reachOf.get(protocol) ?? 'http';
    // A request's own faults replace the chosen ones; those that cannot act on this transport do nothing.
    const faults = asked.fault === undefined || asked.fault.trim() === '' ? choice.faults : parseFaults(asked.fault).filter((fault) => reaches(fault, reach));
    return { scenario: set.require(byRequest ?? choice.scenario ?? defaultScenario), faults };
  }

  #fromHeader(protocol: string, set: ScenarioSet, header: string): string | undefined {
    // The usual header, one scenario of this protocol named alone: nothing to split.
    if (!header.includes(',') && !header.includes('=') && set.get(header) !== undefined) return header;
    const entries = header
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    // A protocol this mock does not serve is a typo (ctia=no-stop): playing the default would hide it.
    const stranger = entries.map((entry) => entry.split('=')[0]?.trim() ?? '').find((name, i) => entries[i]?.includes('=') && !this.sets.has(name));
    if (stranger !== undefined) {
      throw new ChatwireError('UNKNOWN_SCENARIO', `Failed to choose a scenario: "${stranger}" in ${SCENARIO_HEADER} is no protocol this mock serves`, {
        hint: `write protocol=scenario with one of ${[...this.sets.keys()].join(', ')}, or a scenario name alone`,
      });
    }
    const named = entries.find((entry) => entry.startsWith(`${protocol}=`));
    if (named !== undefined) return named.slice(protocol.length + 1);
    const bare = entries.filter((entry) => !entry.includes('='));
    const here = bare.find((name) => set.get(name) !== undefined);
    if (here !== undefined) return here;
    const nowhere = bare.filter((name) => ![...this.sets.values()].some((other) => other.get(name) !== undefined));
    // A name no protocol of this mock knows is a typo, not a choice for someone else.
    if (nowhere.length > 0) return nowhere[0];
    return undefined;
  }

  #check(protocol: string, scenario: string | undefined, faults: FaultsInput | undefined): MockChoice {
    const set = this.#set(protocol);
    if (scenario !== undefined) set.require(scenario);
    const parsed = asFaults(faults);
    const reach = this.reachOf.get(protocol) ?? 'http';
    const idle = parsed.filter((fault) => !reaches(fault, reach));
    if (idle.length > 0) {
      throw new ChatwireError(
        'BAD_OPTION',
        `Failed to choose faults for ${protocol}: ${idle.map(formatFault).join(', ')} cannot act on answers sent by ${reach}`,
        {
          hint: 'see chatwire mock --help for what each fault reaches',
        },
      );
    }
    return scenario === undefined ? { faults: parsed } : { scenario, faults: parsed };
  }

  #set(protocol: string): ScenarioSet {
    const set = this.sets.get(protocol);
    if (set === undefined) {
      throw new ChatwireError('UNKNOWN_PROTOCOL', `Failed to choose for ${protocol}: this mock does not serve it`, {
        hint: `it serves ${[...this.sets.keys()].join(', ')}`,
      });
    }
    return set;
  }
}
