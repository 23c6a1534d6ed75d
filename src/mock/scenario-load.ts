import { didYouMean } from '../core/near.js';
import { readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { z } from 'zod';
import { ChatwireError } from '../core/errors.js';
import { parseInput, readJsonFile } from '../core/input.js';
import { explainIssues, type InputProblem } from '../core/issues.js';
import { mocksDir, packageRoot } from '../core/paths.js';
import { ScenarioFile, ScenarioSet, type Scenario, type ScenarioPart, type ScriptSchema } from './scenario.js';

/** What loading a scenario file needs to know of its protocol (see scenarioKindOf). */
export interface ScenarioKind {
  readonly id: string;
  /** The parts its mock plays. */
  readonly takes: readonly ScenarioPart[];
  readonly script?: ScriptSchema | undefined;
  /** The rules a scenario of it may name in `breaks`: the protocol's and its transport's. */
  readonly ruleIds: readonly string[];
}

const PARTS: readonly ScenarioPart[] = ['stream', 'answer', 'script'];

type ScenarioInput = z.output<typeof ScenarioFile>;

/** A path as a user reads it: inside the package relative to it, anywhere else as given. */
export function displayPath(path: string): string {
  const inside = relative(packageRoot, path);
  return inside.startsWith('..') ? path : inside;
}

function listed(parts: readonly string[]): string {
  return parts.map((part) => `"${part}"`).join(' and ');
}

/** Whether a file's parts, script and rule ids fit a protocol: the sign it was meant for it. */
function fits(kind: ScenarioKind, file: ScenarioInput): boolean {
  if (PARTS.some((part) => file[part] !== undefined && !kind.takes.includes(part))) return false;
  if (kind.takes.includes('script') && kind.script !== undefined && !kind.script.safeParse(file.script ?? {}).success) return false;
  return file.breaks.every((id) => kind.ruleIds.includes(id));
}

/** What is wrong with a file for this protocol, each problem at its JSON pointer. */
function problemsOf(kind: ScenarioKind, file: ScenarioInput): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const part of PARTS.filter((p) => file[p] !== undefined && !kind.takes.includes(p))) {
    problems.push({ pointer: `/${part}`, message: `${kind.id}'s mock does not play a "${part}"; expected only ${listed(kind.takes)}` });
  }
  if (kind.takes.includes('script') && kind.script !== undefined) {
    const result = kind.script.safeParse(file.script ?? {});
    if (!result.success) {
      for (const problem of explainIssues(kind.script, result.error.issues))
        problems.push({ pointer: `/script${problem.pointer}`, message: `${problem.message} (${kind.id}'s script)` });
    }
  }
  file.breaks.forEach((id, index) => {
    if (!kind.ruleIds.includes(id))
      problems.push({ pointer: `/breaks/${index}`, message: `unknown rule "${id}": expected one of ${kind.id}'s rules${didYouMean(id, kind.ruleIds)}` });
  });
  return problems;
}

/**
 * Loads one scenario file for a protocol: JSON, the scenario schema, then what the schema cannot
 * see — every part is one the protocol's mock plays, its script fits the protocol's schema, and
 * `breaks` names only rules the protocol has. A file that fits another of `others` instead is said
 * to look like that protocol's. What the file breaks is judged separately (judgeScenarioFile).
 */
export function loadScenarioFile(path: string, kind: ScenarioKind, others: readonly ScenarioKind[] = []): Scenario {
  const display = displayPath(path);
  const what = `scenario ${display}`;
  const file = parseInput(ScenarioFile, readJsonFile(path, 'scenario'), what, { hint: 'see schemas/chatwire/scenario.schema.json' });
  const problems = problemsOf(kind, file);
  if (problems.length > 0) {
    const alike = others.filter((other) => other.id !== kind.id && fits(other, file)).map((other) => other.id);
    const shown = problems.slice(0, 3).map((problem) => `at ${problem.pointer}: ${problem.message}`);
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    const looks = alike.length > 0 ? `; it looks like a ${alike.join(' or ')} scenario (it fits ${alike.join(' or ')} and not ${kind.id})` : '';
    throw new ChatwireError('BAD_FILE', `Failed to load ${what}: ${shown.join('; ')}${more}${looks}`, {
      hint:
        alike.length > 0
          ? `give it to --scenarios ${alike[0] ?? ''}=DIR`
          : `see schemas/chatwire/scenario.schema.json; chatwire rules ${kind.id} lists the rule ids`,
    });
  }
  const script = file.script === undefined || kind.script === undefined ? file.script : kind.script.parse(file.script);
  return { ...file, script, name: basename(path, '.json'), protocol: kind.id, file: path };
}

/**
 * The scenarios of a protocol from its folders, read in order: a file named like one read before
 * replaces it, and says so (`replaces`).
 */
export function loadScenarios(kind: ScenarioKind, dirs: readonly string[] = [join(mocksDir, kind.id)], others: readonly ScenarioKind[] = []): ScenarioSet {
  const byName = new Map<string, Scenario>();
  for (const dir of dirs) {
    for (const file of scenarioFiles(dir)) {
      const scenario = loadScenarioFile(join(dir, file), kind, others);
      const earlier = byName.get(scenario.name);
      byName.set(scenario.name, earlier === undefined || earlier.file === scenario.file ? scenario : { ...scenario, replaces: earlier.file });
    }
  }
  return new ScenarioSet(kind.id, [...byName.values()]);
}

/** The scenario files of a folder, by name. */
export function scenarioFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .sort();
  } catch {
    throw new ChatwireError('BAD_FILE', `Failed to read scenario folder ${dir}: it does not exist or cannot be read`);
  }
}
