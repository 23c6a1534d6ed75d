import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ScenarioFile } from './mock/scenario.js';
import { RecordingLine } from './record/format.js';
import { ReportDocument } from './report/schema.js';
import { BaselineFile } from './suite/baseline-file.js';
import { SuiteFile } from './suite/suite.js';

/** Each format's examples, each checked by the format's own zod schema (a stale example fails here). */
const Examples = z.strictObject({
  $comment: z.string(),
  baseline: z.array(BaselineFile).min(1),
  scenario: z.array(ScenarioFile).min(1),
  suite: z.array(SuiteFile).min(1),
  recording: z.array(RecordingLine).min(1),
  report: z.array(ReportDocument).min(1),
});

const AsWritten = z.object({
  baseline: z.array(z.unknown()),
  scenario: z.array(z.unknown()),
  suite: z.array(z.unknown()),
  recording: z.array(z.unknown()),
  report: z.array(z.unknown()),
});

/**
 * JSON Schemas of chatwire's own input files, made from the zod schemas that check them, so that
 * editors can validate scenario and suite files as they are written. `npm run types` writes them
 * to schemas/chatwire/.
 */
export function inputSchemas(): Record<string, object> {
  const written: unknown = JSON.parse(readFileSync(new URL('./input-examples.json', import.meta.url), 'utf8'));
  Examples.parse(written);
  // The schemas show the examples as written, not as zod reads them (with its defaults).
  const examplesFile = AsWritten.parse(written);
  const make = (schema: z.ZodType, name: string, title: string, description: string, examples: readonly unknown[]): object => ({
    ...withoutRedundantFormats(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })),
    $id: `https://chatwire.dev/schemas/chatwire/${name}.json`,
    title,
    description,
    examples,
  });
  return {
    'scenario.schema.json': make(
      ScenarioFile,
      'scenario',
      'ChatwireScenario',
      'A mock scenario file (mocks/<protocol>/*.json, or a folder given to chatwire mock --scenarios): what the mock answers and which rules that answer breaks. README, "mock".',
      examplesFile.scenario,
    ),
    'suite.schema.json': make(
      SuiteFile,
      'suite',
      'ChatwireSuite',
      'A conformance suite (suites/<protocol>.json): the cases chatwire run sends and what each must get back. README, "Suites".',
      examplesFile.suite,
    ),
    'recording.schema.json': make(
      RecordingLine,
      'recording',
      'ChatwireRecordingLine',
      'One line of a recording (chatwire record, chatwire proxy --record), a JSON Lines file that starts with its header line. README, "Record and replay".',
      examplesFile.recording,
    ),
    'report.schema.json': make(
      ReportDocument,
      'report',
      'ChatwireReport',
      'The JSON report of chatwire run and chatwire load (-r json). README, "Reports".',
      examplesFile.report,
    ),
    'baseline.schema.json': make(
      BaselineFile,
      'baseline',
      'ChatwireBaseline',
      'A baseline for chatwire run --baseline: deviations known and accepted, each by rule and case. README, "Known deviations: baseline".',
      examplesFile.baseline,
    ),
  };
}

/**
 * zod writes a `format` next to the `pattern` that already says it (`date-time`, and `starts_with`,
 * which is no format at all); a strict validator refuses formats it does not know, so the pattern
 * alone stays.
 */
function withoutRedundantFormats(node: object): object {
  const walk = (value: unknown): unknown => (typeof value === 'object' && value !== null ? withoutRedundantFormats(value) : value);
  if (Array.isArray(node)) return node.map(walk);
  const kept = Object.entries(node).filter(([key, value]: [string, unknown]) => !(key === 'format' && typeof value === 'string' && 'pattern' in node));
  return Object.fromEntries(kept.map(([key, value]: [string, unknown]) => [key, walk(value)]));
}
