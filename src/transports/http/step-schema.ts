import { z } from 'zod';
import { stepOutcome } from '../../suite/step-parts.js';

/** A suite step that sends one HTTP request and judges its answer. */
export const HttpStep = z
  .object({
    type: z.literal('http'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    path: z.string().startsWith('/').describe('Appended to the target base URL.'),
    query: z.record(z.string(), z.string()).optional(),
    headers: z.record(z.string(), z.string()).optional().describe('Headers of this step; one set to "" is not sent (e.g. to call without the key).'),
    body: z.unknown().optional().describe('A JSON body; strings may use {{run}}, {{runNumber}} and {{case}}.'),
    rawBody: z.string().optional().describe('A body sent exactly as written (for bodies that are not JSON).'),
    expect: z
      .enum(['stream', 'answer', 'refusal'])
      .describe('stream: a streaming answer; answer: a non-streaming answer; refusal: the request must be refused.'),
    ...stepOutcome,
    rules: z.array(z.string()).min(1).optional().describe("Only these of the protocol's rules judge this step (e.g. the one refusal rule that applies)."),
  })
  .strict()
  .refine((step) => step.body === undefined || step.rawBody === undefined, 'give either body or rawBody, not both');

export type HttpStep = z.output<typeof HttpStep>;
