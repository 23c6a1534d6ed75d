import { z } from 'zod';
import { ChatwireError } from '../core/errors.js';

const delayMs = z.number().int().min(0).max(600_000).describe('Milliseconds to wait before writing this frame (real time on the mock server).');

const headers = z.record(z.string(), z.string()).describe('Response headers; names are case-insensitive.');

/** One SSE event, written as `event:`, `id:` and `data:` lines and a blank line. */
const EventFrame = z
  .object({
    delayMs: delayMs.optional(),
    event: z.string().optional().describe('The `event:` field.'),
    id: z.string().optional().describe('The `id:` field.'),
    data: z.unknown().describe('The `data:` payload: a string is written as it is, anything else as JSON.'),
  })
  .strict()
  .meta({ title: 'EventFrame' });

/** Bytes written verbatim, for frames no well-formed writer would produce. */
const RawFrame = z
  .object({
    delayMs: delayMs.optional(),
    raw: z.string().describe('Written to the socket exactly as given, line endings included.'),
  })
  .strict()
  .meta({ title: 'RawFrame' });

const ScenarioStream = z
  .object({
    status: z.number().int().min(100).max(599).default(200),
    headers: headers.default({ 'content-type': 'text/event-stream' }),
    lineEnding: z.enum(['lf', 'crlf', 'cr']).default('lf').describe('Line ending of the event-stream lines.'),
    frames: z.array(z.union([EventFrame, RawFrame])).max(100_000),
    end: z
      .enum(['close', 'hang', 'abort'])
      .default('close')
      .describe('close: end the response; hang: keep the connection open (up to holdMs); abort: destroy the socket.'),
    holdMs: z.number().int().min(0).max(600_000).default(60_000).describe('With end "hang": the longest the connection is held open.'),
  })
  .strict();

const ScenarioAnswer = z
  .object({
    delayMs: delayMs.optional(),
    status: z.number().int().min(100).max(599).default(200),
    headers: headers.default({ 'content-type': 'application/json' }),
    body: z.unknown().describe('The body: a string is written as it is, anything else as JSON.'),
  })
  .strict();

export const ScenarioFile = z
  .object({
    $schema: z.string().optional(),
    description: z.string().min(1).describe('What this scenario plays, in one or two sentences.'),
    breaks: z
      .array(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9_-]+)+$/))
      .default([])
      .describe('Ids of the rules this scenario deliberately breaks; empty for a conformant scenario.'),
    stream: ScenarioStream.optional().describe('The answer to a streaming request.'),
    answer: ScenarioAnswer.optional().describe('The answer to a non-streaming request.'),
    script: z.unknown().optional().describe("A protocol's own script, which its mock renders into every answer mode (checked by that protocol's schema)."),
  })
  .strict()
  .describe('A chatwire mock scenario: a scripted answer, with real timing, for one protocol.');

export type ScenarioStream = z.output<typeof ScenarioStream>;
export type ScenarioAnswer = z.output<typeof ScenarioAnswer>;
export type ScenarioFrame = ScenarioStream['frames'][number];

/** The parts of a scenario file, each played by the protocols that declare it (`mock.takes`). */
export type ScenarioPart = 'stream' | 'answer' | 'script';

export interface Scenario extends z.output<typeof ScenarioFile> {
  readonly name: string;
  readonly protocol: string;
  /** The file it was read from. */
  readonly file: string;
  /** The file of the same name this one replaces (a user's file over a built-in one), when it does. */
  readonly replaces?: string;
}

/** The scenarios of one protocol, read from `mocks/<protocol>/*.json` (and any extra folder). */
export class ScenarioSet {
  readonly #byName = new Map<string, Scenario>();

  constructor(
    readonly protocol: string,
    scenarios: readonly Scenario[],
  ) {
    for (const scenario of scenarios) this.#byName.set(scenario.name, scenario);
  }

  get names(): string[] {
    return [...this.#byName.keys()].sort();
  }

  get(name: string): Scenario | undefined {
    return this.#byName.get(name);
  }

  /** The named scenario, or an error listing the ones there are. */
  require(name: string): Scenario {
    const scenario = this.#byName.get(name);
    if (scenario === undefined) {
      throw new ChatwireError('UNKNOWN_SCENARIO', `Failed to find scenario "${name}" for ${this.protocol}: known scenarios are ${this.names.join(', ')}`, {
        hint: 'choose one with the x-chatwire-scenario header or ?scenario=',
      });
    }
    return scenario;
  }

  all(): Scenario[] {
    return this.names.map((name) => this.#byName.get(name) as Scenario);
  }
}

/** A protocol's schema for the `script` of its scenarios. */
export type ScriptSchema = z.ZodType;
