import { basename } from 'node:path';
import type { z } from 'zod';
import { systemClock } from '../../core/clock.js';
import { ChatwireError } from '../../core/errors.js';
import { selectProtocols } from '../../protocols/index.js';
import { judgeRecording } from '../../record/judge.js';
import { readRecording } from '../../record/reader.js';
import { exitCodeOf, outcomeOf, runReportOf, type CaseReport, type StepReport } from '../../report/model.js';
import { emitReports } from '../emit.js';
import type { CliIo } from '../io.js';
import type { ReportOutput } from '../outputs.js';
import { optionsSchema } from '../spec.js';
import { validateOptions } from './options-validate.js';

type ValidateOptions = ReturnType<typeof optionsSchema<typeof validateOptions>>;

/** Judges every exchange of a recording (`chatwire record`, `chatwire/record`) with its protocol's rules. */
export async function validateRecording(file: string, options: z.output<ValidateOptions>, outputs: readonly ReportOutput[], io: CliIo): Promise<number> {
  const started = systemClock.now();
  const recording = await readRecording(file);
  const recorded = recording.header.protocol;
  if (options.protocol !== undefined && options.protocol !== recorded) {
    throw new ChatwireError('BAD_OPTION', `Failed to validate ${file} as ${options.protocol}: it is a recording of ${recorded}`, {
      hint: 'leave out --protocol: a recording names its protocol',
    });
  }
  const [protocol] = await selectProtocols([recorded]);
  if (protocol === undefined) throw new ChatwireError('UNKNOWN_PROTOCOL', `Failed to select protocol ${recorded}`);
  const judged = await judgeRecording(protocol, recording, { maxFrames: options.maxFrames, maxBytes: options.maxBytes });
  if (recording.cutLine)
    io.stderr.write(`chatwire: the last line of ${file} was cut short (the recorder was killed while writing it); read up to the line before\n`);

  // One case per recorded case, in the order they began; exchanges outside any case under the file's name.
  const byCase = new Map<string, StepReport[]>();
  for (const { case: name, report } of judged) {
    const key = name ?? basename(file);
    const steps = byCase.get(key) ?? [];
    steps.push(report);
    byCase.set(key, steps);
  }
  const cases: CaseReport[] = [...byCase].map(([name, steps]) => ({
    protocol: protocol.id,
    name,
    title: `recorded exchanges checked against the ${protocol.id} rules`,
    source: { doc: protocol.doc, section: 'all rules' },
    outcome: outcomeOf(steps.flatMap((step) => step.deviations)),
    durationMs: steps.reduce((sum, step) => sum + step.durationMs, 0),
    steps,
  }));
  if (cases.length === 0) {
    throw new ChatwireError('BAD_FILE', `Failed to validate ${file}: it holds no exchange`, {
      hint: 'a recording with only its first line has nothing to judge',
    });
  }
  const report = runReportOf({
    target: file,
    embeddedMock: false,
    strict: options.strict,
    startedAt: new Date().toISOString(),
    durationMs: Math.round(systemClock.now() - started),
    cases,
  });
  emitReports(report, outputs, { progressShown: false }, io);
  return exitCodeOf(report.totals, options.strict);
}
