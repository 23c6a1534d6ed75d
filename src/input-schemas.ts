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
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    $id: id,
    title,
  });
  return {
    'scenario.schema.json': make(ScenarioFile, 'urn:chatwire:chatwire:scenario', 'ChatwireScenario'),
    'suite.schema.json': make(SuiteFile, 'urn:chatwire:chatwire:suite', 'ChatwireSuite'),
    'recording.schema.json': make(RecordingLine, 'urn:chatwire:chatwire:recording', 'ChatwireRecordingLine'),
    'report.schema.json': make(ReportDocument, 'urn:chatwire:chatwire:report', 'ChatwireReport'),
    'baseline.schema.json': make(BaselineFile, 'urn:chatwire:chatwire:baseline', 'ChatwireBaseline'),
  };
}
