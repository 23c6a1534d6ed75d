import { z } from 'zod';
import { ScenarioFile } from './mock/scenario.js';
import { RecordingLine } from './record/format.js';
import { ReportDocument } from './report/schema.js';
import { BaselineFile } from './suite/baseline-file.js';
import { SuiteFile } from './suite/suite.js';

/**
 * JSON Schemas of chatwire's own input files, made from the zod schemas that check them, so that
 * editors can validate scenario and suite files as they are written. `npm run types` writes them
 * to schemas/chatwire/.
 */
export function inputSchemas(): Record<string, object> {
  const make = (schema: z.ZodType, id: string, title: string): object => ({
    ...withoutRedundantFormats(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })),
    $id: id,
    title,
  });
  return {
    'scenario.schema.json': make(ScenarioFile, 'https://chatwire.dev/schemas/chatwire/scenario.json', 'ChatwireScenario'),
    'suite.schema.json': make(SuiteFile, 'https://chatwire.dev/schemas/chatwire/suite.json', 'ChatwireSuite'),
    'recording.schema.json': make(RecordingLine, 'https://chatwire.dev/schemas/chatwire/recording.json', 'ChatwireRecordingLine'),
    'report.schema.json': make(ReportDocument, 'https://chatwire.dev/schemas/chatwire/report.json', 'ChatwireReport'),
    'baseline.schema.json': make(BaselineFile, 'https://chatwire.dev/schemas/chatwire/baseline.json', 'ChatwireBaseline'),
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
