import { join, relative } from 'node:path';
import { z } from 'zod';
import { parseInput, readJsonFile } from '../core/input.js';
import { packageRoot, suitesDir } from '../core/paths.js';
import type { Protocol } from '../protocols/protocol.js';
import { checkSuite } from './check.js';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case name of letters, digits and -');

const source = z
  .object({ doc: z.string().min(1), section: z.string().min(1) })
  .strict()
  .describe('The document and section this case checks.');

const varName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a variable name of letters, digits and _');

/** Where a value sits in an answer: the first frame with this event name (any, when absent). */
const FrameSelector = {
  event: z.string().optional().describe('Only frames with this SSE event name; omit for any frame (or the body).'),
  pointer: z.string().regex(/^(\/[^/]*)*$/, 'a JSON pointer such as /data/list/0/chatId (* matches every item)'),
};

const Capture = z.object(FrameSelector).strict();

const ruleName = z.string().describe("The rule a failed assertion is reported under; it must be one of the protocol's rules.");
const because = z.string().optional().describe('What the assertion shows, for the report.');

const ValueAssertion = z
  .object({
    ...FrameSelector,
    rule: ruleName,
    equals: z.unknown().optional(),
    includes: z.unknown().optional().describe('Some value at the pointer equals this.'),
    excludes: z.unknown().optional().describe('No value at the pointer equals this.'),
    exists: z.boolean().optional(),
    atMost: z.number().int().min(0).optional().describe('At most this many values at the pointer (e.g. a page of pageSize items).'),
    only: z.unknown().optional().describe('Every value at the pointer, in every matching frame, equals this (and there is one).'),
    because,
  })
  .strict();

const AbsentAssertion = z
  .object({
    rule: ruleName,
    absent: z
      .string()
      .min(4)
      .describe("Text that belongs to another scope (a marker sent in another session): no frame and no part of the answer's text may contain it."),
    because,
  })
  .strict();

const Assertion = z.union([ValueAssertion, AbsentAssertion]);

const HttpStep = z
  .object({
    type: z.literal('http'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    path: z.string().startsWith('/').describe('Appended to the target base URL.'),
    query: z.record(z.string(), z.string()).optional(),
    headers: z.record(z.string(), z.string()).optional().describe('Headers of this step; one set to "" is not sent (e.g. to call without the key).'),
    body: z.unknown().optional().describe('A JSON body; strings may use {{run}} and {{case}}.'),
    rawBody: z.string().optional().describe('A body sent exactly as written (for bodies that are not JSON).'),
    expect: z
      .enum(['stream', 'answer', 'refusal'])
      .describe('stream: a streaming answer; answer: a non-streaming answer; refusal: the request must be refused.'),
    capture: z.record(varName, Capture).optional().describe('Values to take from the answer for later steps, as {{name}}.'),
    assert: z.array(Assertion).optional().describe('What the answer must show beyond the rules.'),
    rules: z
      .array(z.string())
      .min(1)
      .optional()
      .describe("Only these of the protocol's rules judge this step (e.g. the one refusal rule that applies)."),
  })
  .strict()
  .refine((step) => step.body === undefined || step.rawBody === undefined, 'give either body or rawBody, not both');

const SocketStep = z
  .object({
    type: z.literal('socketio'),
    emit: z.string().min(1).describe('The event to emit, e.g. CHAT_CS.'),
    payload: z.unknown().describe('The emitted argument; strings may use {{run}}, {{case}} and captured values.'),
    asJson: z.boolean().default(false).describe("Emit the payload as a JSON string, as the document's Python client does."),
    expect: z
      .enum(['stream', 'refusal'])
      .describe('stream: a run of answer events; refusal: a payload the server may ignore but must survive.'),
    bystander: z.boolean().default(false).describe('Also connect a second client, which must receive nothing of the answer.'),
    timeoutMs: z.number().int().min(1).max(600_000).optional().describe('This step\'s own time limit, e.g. to wait a short while for an answer that may never come.'),
    probeMs: z
      .number()
      .int()
      .min(1)
      .max(60_000)
      .optional()
      .describe('For a feature the document only implies: how long to wait for a first answer event; when none comes, the step is noted as not implemented instead of judged.'),
    capture: z.record(varName, Capture).optional(),
    assert: z.array(Assertion).optional(),
  })
  .strict();

const PollStep = z
  .object({
    type: z.literal('poll'),
    path: z.string().startsWith('/').describe('The polled resource; the protocol adds its offset parameter.'),
    headers: z.record(z.string(), z.string()).optional(),
    from: z.number().int().min(0).default(0),
    intervalMs: z.number().int().min(0).max(60_000).default(200),
    pastEnd: z.number().int().min(0).max(10).default(1).describe('Polls after the end, from the last offset.'),
    replays: z.number().int().min(0).max(10).default(2).describe('Re-reads from offset 0 after the end.'),
    expect: z.literal('stream'),
    capture: z.record(varName, Capture).optional(),
    assert: z.array(Assertion).optional(),
  })
  .strict();

export const SuiteStep = z.discriminatedUnion('type', [HttpStep, SocketStep, PollStep]);

const SuiteCase = z
  .object({
    name,
    title: z.string().min(1),
    source,
    because: z.string().optional().describe('For a refusal: which documented constraint the request breaks.'),
    legalServers: z
      .string()
      .optional()
      .describe('Which legal server this case could fail, and why none does: every refusal case says so, since a refusal nobody could demand is a false alarm.'),
    basis: z
      .enum(['doc', 'inferred'])
      .default('doc')
      .describe('inferred: the document only implies this case, so its deviations are warnings.'),
    exclusive: z
      .boolean()
      .default(false)
      .describe('The case changes state other cases read (e.g. it clears every chat): it runs alone, with no other case in flight.'),
    steps: z.array(SuiteStep).min(1).max(100),
  })
  .strict();

const Variable = z
  .object({
    description: z.string().min(1),
    mock: z.string().optional().describe('The value used against the embedded mock ({{token}} is the key in use).'),
  })
  .strict();

export const SuiteFile = z
  .object({
    $schema: z.string().optional(),
    protocol: name,
    description: z.string().min(1),
    variables: z
      .record(varName, Variable)
      .default({})
      .describe('Values a target must supply with --var NAME=VALUE; a case that needs one not given is skipped.'),
    cases: z.array(SuiteCase).min(1),
  })
  .strict()
  .refine((suite) => new Set(suite.cases.map((c) => c.name)).size === suite.cases.length, 'case names must be unique')
  .describe('A chatwire conformance suite: the cases run against one protocol.');

export type Suite = z.output<typeof SuiteFile>;
export type SuiteCase = Suite['cases'][number];
export type SuiteStep = z.output<typeof SuiteStep>;
export type HttpStep = Extract<SuiteStep, { type: 'http' }>;
export type SocketStep = Extract<SuiteStep, { type: 'socketio' }>;
export type PollStep = Extract<SuiteStep, { type: 'poll' }>;
export type Assertion = z.output<typeof Assertion>;
export type ValueAssertion = z.output<typeof ValueAssertion>;
export type AbsentAssertion = z.output<typeof AbsentAssertion>;
export type Capture = z.output<typeof Capture>;

/** Loads a protocol's suite (its own by default), checked by its schema and against the protocol. */
export function loadSuite(protocol: Protocol, path: string = join(suitesDir, `${protocol.id}.json`)): Suite {
  const display = relative(packageRoot, path).startsWith('..') ? path : relative(packageRoot, path);
  const suite = parseInput(SuiteFile, readJsonFile(path, 'suite'), `suite ${display}`, { hint: 'see schemas/chatwire/suite.schema.json' });
  checkSuite(suite, protocol, display);
  return suite;
}
