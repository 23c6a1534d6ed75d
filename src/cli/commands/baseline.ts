import { writeOutput } from '../write-output.js';
import { z } from 'zod';
import { parseInput, readJsonFile } from '../../core/input.js';
import { baselineOf } from '../../suite/baseline.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { baselineOptions } from './options.js';

const BaselineOptions = optionsSchema(baselineOptions);

/** The parts of a JSON report (chatwire run -r json) a baseline is made from. */
const ReportCases = z.object({
  format: z.literal('chatwire-report', { error: 'a chatwire JSON report (chatwire run -r json -o REPORT.json)' }),
  cases: z.array(
    z.object({
      protocol: z.string(),
      name: z.string(),
      steps: z.array(
        z.object({
          deviations: z.array(z.object({ rule: z.string(), known: z.object({ reason: z.string().optional() }).optional() })),
        }),
      ),
    }),
  ),
});

/** chatwire baseline REPORT.json [-o FILE]: every rule each case broke, as a baseline for --baseline. */
export function baselineCommand(reportPath: string, raw: Record<string, unknown>, io: CliIo): number {
  const options = parseOptions(BaselineOptions, raw, 'baseline');
  const report = parseInput(ReportCases, readJsonFile(reportPath, 'report'), `report ${reportPath}`, {
    hint: 'write one with chatwire run -r json -o REPORT.json',
  });
  const baseline = baselineOf(report.cases);
  const text = `${JSON.stringify(baseline, null, 2)}\n`;
  if (!writeOutput(text, options.output, io)) return 0;
  io.stderr.write(
    `wrote ${options.output}: ${baseline.known.length} known deviation(s) in ${new Set(baseline.known.map((entry) => entry.case)).size} case(s)\n`,
  );
  return 0;
}
