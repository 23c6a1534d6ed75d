import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ChatwireError } from '../core/errors.js';
import type { RunReport } from '../report/model.js';

/** A JSON report as `run -r json` and `load -r json` write it, read back for `chatwire merge`. */
const source = z.object({ doc: z.string(), section: z.string() });
const base = {
  rule: z.string(),
  severity: z.enum(['error', 'warn']),
  basis: z.enum(['doc', 'inferred']),
  source,
  message: z.string(),
  expected: z.string().exactOptional(),
  actual: z.string().exactOptional(),
  misconfiguration: z.string().exactOptional(),
};
const end = z.enum(['closed', 'timeout', 'held-open', 'frame-limit', 'byte-limit', 'broken']);
const deviation = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('frame'), frame: z.number(), event: z.string().exactOptional(), pointer: z.string(), quote: z.string() }),
  z.object({ ...base, type: z.literal('stream'), end }),
  z.object({ ...base, type: z.literal('response') }),
  z.object({ ...base, type: z.literal('request'), pointer: z.string() }),
  z.object({ ...base, type: z.literal('omitted'), count: z.number() }),
]);
const step = z.object({
  index: z.number(),
  method: z.string(),
  url: z.string(),
  expect: z.string(),
  status: z.number().nullable(),
  frames: z.number(),
  end,
  timeLimit: z.enum(['exchange', 'first-frame', 'idle']).exactOptional(),
  durationMs: z.number(),
  deviations: z.array(deviation),
  note: z.string().exactOptional(),
});
const caseReport = z.object({
  protocol: z.string(),
  name: z.string(),
  title: z.string(),
  source,
  outcome: z.enum(['passed', 'warned', 'failed', 'skipped']),
  skipped: z.string().exactOptional(),
  durationMs: z.number(),
  steps: z.array(step),
});
const count = z.number().int().min(0);
const load = z.object({
  sessions: count,
  shards: z.array(z.string()),
  runId: z.string(),
  durationMs: count,
  exchanges: count,
  errors: count,
  failed: count,
  latency: z.object({ p50: z.number(), p99: z.number(), max: z.number(), histogram: z.array(z.tuple([z.number().positive(), count])) }),
  rules: z.record(z.string(), count),
  cases: z.array(z.object({ protocol: z.string(), name: z.string(), runs: count, failed: count })),
});
export const reportSchema = z.object({
  tool: z.literal('chatwire'),
  version: z.string(),
  target: z.string(),
  embeddedMock: z.boolean(),
  strict: z.boolean(),
  startedAt: z.iso.datetime(),
  durationMs: z.number(),
  cases: z.array(caseReport),
  // Recomputed by the merge from the cases.
  totals: z.object({}).loose(),
  load: load.exactOptional(),
});

/** Reads one JSON report; a file that is not one is refused with the path and the first problem. */
export function readReport(path: string): Omit<RunReport, 'totals'> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ChatwireError('BAD_FILE', `Failed to read report ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: 'give the files that run or load wrote with -r json -o FILE',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ChatwireError('BAD_FILE', `Failed to read report ${path}: not JSON (${error instanceof Error ? error.message : String(error)})`, {
      hint: 'merge takes JSON reports: -r json -o FILE',
    });
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue === undefined ? '' : `/${issue.path.join('/')}`;
    throw new ChatwireError('BAD_FILE', `Failed to read report ${path}: at ${at === '/' ? 'the top' : at}: ${issue?.message ?? 'not a chatwire report'}`, {
      hint: 'merge takes JSON reports of chatwire run or load (-r json -o FILE)',
    });
  }
  const { totals: _totals, ...report } = parsed.data;
  return report;
}
