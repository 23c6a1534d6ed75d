import { z } from 'zod';

/** The JSON report's format name and version (`-r json`); the version changes when a field changes meaning or goes away. */
export const REPORT_FORMAT = 'chatwire-report';
export const REPORT_VERSION = 1;

const ms = z.number().min(0);
const nullableMs = ms.nullable();
const source = z.object({ doc: z.string(), section: z.string() }).strict().describe('The document and section a rule or case cites.');
const severity = z.enum(['error', 'warn']);
const endType = z.enum(['closed', 'timeout', 'held-open', 'frame-limit', 'byte-limit', 'broken']);

const deviationBase = {
  rule: z.string().describe('The rule id, e.g. ctai.msg_sn.sequence or latency.ttft (chatwire rules lists them).'),
  severity,
  basis: z.enum(['doc', 'inferred']).describe('doc: the document states it; inferred: it follows from its examples.'),
  source,
  message: z.string(),
  expected: z.string().exactOptional(),
  actual: z.string().exactOptional(),
  misconfiguration: z.string().exactOptional().describe('When every valid request fails this way: the likely mistake in the setup.'),
  known: z
    .object({ reason: z.string().exactOptional() })
    .strict()
    .exactOptional()
    .describe("Present when the run's --baseline accepts this deviation: it is reported but fails nothing."),
  page: z
    .string()
    .exactOptional()
    .describe("The section of chatwire's protocol page that explains the rule, relative to the package: docs/protocols/ctai.md#ctai-stop."),
};

const KnownEntry = z.object({ rule: z.string(), case: z.string(), reason: z.string().optional() }).strict();

const Deviation = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('frame'),
      ...deviationBase,
      frame: z.number().int().min(0).describe('The frame index (0-based) in its exchange.'),
      event: z.string().exactOptional(),
      pointer: z.string().describe('JSON pointer into the frame; "" for the whole frame.'),
      quote: z.string().describe("The frame's data, cut to a readable length."),
    })
    .strict(),
  z.object({ type: z.literal('stream'), ...deviationBase, end: endType }).strict(),
  z.object({ type: z.literal('response'), ...deviationBase }).strict(),
  z.object({ type: z.literal('request'), ...deviationBase, pointer: z.string() }).strict(),
  z.object({ type: z.literal('omitted'), ...deviationBase, count: z.number().int().min(1).describe('Further deviations of this rule left out.') }).strict(),
]);

const Latency = z
  .object({
    ttfbMs: nullableMs.describe('Time to the first byte (or event, or poll answer); null when nothing came.'),
    ttftMs: nullableMs.describe('Time to the first frame with content (heartbeats excluded); null when none came.'),
    gaps: z
      .object({
        count: z.number().int().min(0),
        p50Ms: nullableMs,
        p99Ms: nullableMs,
        maxMs: nullableMs,
        histogram: z.array(z.object({ upToMs: ms, count: z.number().int().min(1) }).strict()).describe('Gaps counted under power-of-two bounds.'),
      })
      .strict()
      .describe('Gaps between consecutive frames; percentiles within ~3 %, the maximum exact.'),
    totalMs: ms.describe('When the exchange ended.'),
  })
  .strict()
  .describe('How the exchange unfolded, in ms since its request was sent.');

const Timeline = z
  .object({
    frames: z.array(
      z
        .object({ index: z.number().int().min(0), atMs: ms, event: z.string().exactOptional(), heartbeat: z.literal(true).exactOptional(), text: z.string() })
        .strict(),
    ),
    omitted: z.number().int().min(0).describe('Frames past the first 1000, not kept.'),
  })
  .strict()
  .describe('Each frame and when it came (kept when an HTML report is written).');

const Step = z
  .object({
    index: z.number().int().min(0),
    method: z.string(),
    url: z.string(),
    expect: z.string().describe('stream, answer, refusal (request for a request checked offline).'),
    status: z.number().int().nullable().describe('HTTP status; null when no response came.'),
    frames: z.number().int().min(0),
    end: endType,
    timeLimit: z.enum(['exchange', 'first-frame', 'idle', 'run']).exactOptional().describe('For an end of type timeout: the limit that ran out.'),
    durationMs: ms,
    deviations: z.array(Deviation),
    note: z.string().exactOptional(),
    latency: Latency.exactOptional(),
    timeline: Timeline.exactOptional(),
  })
  .strict();

const Case = z
  .object({
    protocol: z.string(),
    name: z.string(),
    title: z.string(),
    source,
    outcome: z.enum(['passed', 'warned', 'failed', 'skipped']),
    skipped: z.string().exactOptional().describe('Why a skipped case did not run.'),
    durationMs: ms,
    steps: z.array(Step),
  })
  .strict();

const count = z.number().int().min(0);

const LoadSummary = z
  .object({
    sessions: count,
    shards: z.array(z.string()),
    runId: z.string(),
    durationMs: count,
    exchanges: count,
    errors: count,
    failed: count,
    busy: count
      .default(0)
      .describe('Case runs the server turned away as busy (HTTP 429 or 503): counted, not judged (absent from reports of earlier versions).'),
    latency: z.object({ p50: z.number(), p99: z.number(), max: z.number(), histogram: z.array(z.tuple([z.number().positive(), count])) }).strict(),
    rules: z.record(z.string(), count),
    cases: z.array(z.object({ protocol: z.string(), name: z.string(), runs: count, failed: count }).strict()),
  })
  .strict()
  .describe('chatwire load: what the sessions did together (sessions, shards, exchanges, latency, deviations per rule).');

export const ReportDocument = z
  .object({
    format: z.literal(REPORT_FORMAT),
    version: z.literal(REPORT_VERSION),
    tool: z.string().describe('What wrote it, with its version: "chatwire 0.1.0".'),
    target: z.string().describe('The server root the suites ran against, or the file validated.'),
    embeddedMock: z.boolean(),
    strict: z.boolean().describe('Warnings failed the run too.'),
    startedAt: z.iso.datetime(),
    durationMs: ms,
    cases: z.array(Case).describe('In suite order; with an error, the cases done before the run stopped.'),
    totals: z
      .object({
        cases: count,
        passed: count,
        warned: count,
        failed: count,
        skipped: count,
        errors: count,
        warnings: count,
        known: count.describe('Deviations the baseline accepts.'),
        stale: count.describe('Baseline entries that no longer occur (each fails the run).'),
      })
      .strict(),
    baseline: z
      .object({ file: z.string(), stale: z.array(KnownEntry), unchecked: z.array(KnownEntry) })
      .strict()
      .exactOptional()
      .describe('With --baseline: its entries that no longer occur, and those whose case did not run.'),
    load: LoadSummary.exactOptional(),
    error: z
      .object({ code: z.string(), message: z.string(), hint: z.string().exactOptional() })
      .strict()
      .exactOptional()
      .describe('Present when chatwire could not finish (exit 2): why it stopped.'),
  })
  .strict()
  .describe('A chatwire run or validate report (-r json).');

export type ReportDocument = z.output<typeof ReportDocument>;
