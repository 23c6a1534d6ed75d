import { join, relative } from 'node:path';
import { z } from 'zod';
import { parseInput, readJsonFile } from '../core/input.js';
import { packageRoot, suitesDir } from '../core/paths.js';

const name = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case name of letters, digits and -');

const source = z
  .object({ doc: z.string().min(1), section: z.string().min(1) })
  .strict()
  .describe('The document and section this case checks.');

const HttpStep = z
  .object({
    type: z.literal('http'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    path: z.string().startsWith('/').describe('Appended to the target base URL.'),
    query: z.record(z.string(), z.string()).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional().describe('A JSON body; strings may use {{run}} and {{case}}.'),
    rawBody: z.string().optional().describe('A body sent exactly as written (for bodies that are not JSON).'),
    expect: z
      .enum(['stream', 'answer', 'refusal'])
      .describe('stream: a streaming answer; answer: a non-streaming answer; refusal: the request must be refused.'),
  })
  .strict()
  .refine((step) => step.body === undefined || step.rawBody === undefined, 'give either body or rawBody, not both');

export const SuiteStep = z.discriminatedUnion('type', [HttpStep]);

const SuiteCase = z
  .object({
    name,
    title: z.string().min(1),
    source,
    because: z.string().optional().describe('For a refusal: which documented constraint the request breaks.'),
    steps: z.array(SuiteStep).min(1).max(100),
  })
  .strict();

export const SuiteFile = z
  .object({
    $schema: z.string().optional(),
    protocol: name,
    description: z.string().min(1),
    cases: z.array(SuiteCase).min(1),
  })
  .strict()
  .refine((suite) => new Set(suite.cases.map((c) => c.name)).size === suite.cases.length, 'case names must be unique')
  .describe('A chatwire conformance suite: the cases run against one protocol.');

export type Suite = z.output<typeof SuiteFile>;
export type SuiteCase = Suite['cases'][number];
export type SuiteStep = z.output<typeof SuiteStep>;
export type HttpStep = Extract<SuiteStep, { type: 'http' }>;

export function loadSuite(protocol: string, path: string = join(suitesDir, `${protocol}.json`)): Suite {
  const display = relative(packageRoot, path).startsWith('..') ? path : relative(packageRoot, path);
  return parseInput(SuiteFile, readJsonFile(path, 'suite'), `suite ${display}`, { hint: 'see schemas/chatwire/suite.schema.json' });
}
