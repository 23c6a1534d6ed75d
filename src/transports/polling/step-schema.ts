import { z } from 'zod';
import { stepOutcome } from '../../suite/step-parts.js';

/** A suite step that polls a resource to its end, and past it, and judges every answer. */
export const PollStep = z
  .object({
    type: z.literal('poll'),
    path: z.string().startsWith('/').describe('The polled resource; the protocol adds its offset parameter.'),
    headers: z.record(z.string(), z.string()).optional(),
    from: z.number().int().min(0).default(0),
    intervalMs: z.number().int().min(0).max(60_000).default(200).describe('The wait between polls while the resource runs.'),
    pastEnd: z.number().int().min(0).max(10).default(1).describe('Polls after the end, from the last offset.'),
    pastEndAfterMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(500)
      .describe('The wait before each poll past the end: a server still appending after it said the resource ended shows it only later.'),
    replays: z.number().int().min(0).max(10).default(2).describe('Re-reads from offset 0 after the end.'),
    expect: z.literal('stream'),
    ...stepOutcome,
  })
  .strict();

export type PollStep = z.output<typeof PollStep>;
