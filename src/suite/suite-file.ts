import { z } from 'zod';
import { SuiteStep } from '../transports/steps.js';
import { varName } from './step-parts.js';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case name of letters, digits and -');

const source = z
  .object({ doc: z.string().min(1), section: z.string().min(1) })
  .strict()
  .describe('The document and section this case checks.');

const SuiteCase = z
  .object({
    name,
    title: z.string().min(1),
    source,
    because: z.string().optional().describe('For a refusal: which documented constraint the request breaks.'),
    legalServers: z
      .string()
      .optional()
      .describe(
        'Which legal server this case could fail, and why none does: every refusal case says so, since a refusal nobody could demand is a false alarm.',
      ),
    basis: z
      .enum(['doc', 'inferred'])
      .default('doc')
      .describe("inferred: the document only implies this case, so its deviations are warnings (but a security rule's findings stay errors)."),
    exclusive: z
      .union([z.boolean(), z.string().regex(/^[a-z][a-z0-9-]*$/)])
      .default(false)
      .describe(
        'true: the case changes state other cases read (e.g. it clears every chat), or must not be disturbed: it runs alone, with no other case in flight. A name: the cases of that name run at the same time, together and alone (two sessions asked at once, whose answers must not mix).',
      ),
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
export type { SuiteStep } from '../transports/steps.js';
