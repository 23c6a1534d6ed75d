import { z } from 'zod';

/** One accepted deviation: a rule a case is known to break, and why it is accepted for now. */
export const BaselineEntry = z.strictObject({
  rule: z.string().regex(/^[a-z0-9-]+\.[A-Za-z0-9_.-]+$/, 'a rule id such as ctai.msg_sn.sequence (chatwire rules lists them)'),
  case: z.string().regex(/^[a-z0-9-]+\/[A-Za-z0-9_.-]+$/, 'protocol/case, such as ctai/stream-answer (chatwire run --list lists them)'),
  reason: z.string().min(1, 'a non-empty reason, or no reason field').optional(),
});
export type BaselineEntry = z.output<typeof BaselineEntry>;

/** A baseline file (--baseline): the deviations a run accepts. Entries that no longer occur fail the run. */
export const BaselineFile = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  known: z.array(BaselineEntry),
});
export type BaselineFile = z.output<typeof BaselineFile>;
