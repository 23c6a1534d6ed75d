import { systemClock } from '../../core/clock.js';
import { ChatwireError } from '../../core/errors.js';
import { defaultLimits, parseJson, type Limits } from '../../core/exchange.js';
import { parseInput } from '../../core/input.js';
import { selectProtocols } from '../../protocols/index.js';
import type { Protocol } from '../../protocols/protocol.js';
import { RecordingWriter } from '../../record/writer.js';
import { exitCodeOf, runReportOf, type CaseReport } from '../../report/model.js';
import { colorsFor, formatCase } from '../../report/pretty.js';
import { checkSuite } from '../../suite/check.js';
import { diagnose } from '../../suite/diagnose.js';
import { runSuites } from '../../suite/runner.js';
import { loadSuite, SuiteFile, type Suite, type SuiteCase } from '../../suite/suite.js';
import { emitReport } from '../emit.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { recordOptions } from './options.js';

const RecordOptions = optionsSchema(recordOptions);

/** A one-case suite around the step given with --request, checked like any suite. */
function requestSuite(protocol: Protocol, text: string): Suite {
  const parsed = parseJson(text);
  if (!parsed.ok) throw new ChatwireError('BAD_OPTION', `Failed to parse --request: ${parsed.error}`, { hint: 'give a suite step as JSON (see suites/)' });
  const suite = parseInput(
    SuiteFile,
    {
      protocol: protocol.id,
      description: 'The request given with --request.',
      cases: [{ name: 'request', title: 'The request given with --request', source: { doc: protocol.doc, section: '--request' }, steps: [parsed.value] }],
    },
    '--request',
    { code: 'BAD_OPTION', hint: 'give one suite step, as the steps in suites/<protocol>.json are written' },
  );
  checkSuite(suite, protocol, '--request');
  return suite;
}

/** The cases named by --case, or every case that expects a good answer (no refusal step). */
function chooseCases(protocol: Protocol, suite: Suite, names: readonly string[]): SuiteCase[] {
  if (names.length === 0) return suite.cases.filter((c) => c.steps.every((step) => step.expect !== 'refusal'));
  for (const name of names) {
    if (!suite.cases.some((c) => name === c.name || name === `${protocol.id}/${c.name}`)) {
      throw new ChatwireError('UNKNOWN_CASE', `Failed to find case "${name}": known cases are ${suite.cases.map((c) => c.name).join(', ')}`, {
        hint: `the cases are listed in suites/${protocol.id}.json`,
      });
    }
  }
  return suite.cases.filter((c) => names.includes(c.name) || names.includes(`${protocol.id}/${c.name}`));
}

/** Runs a protocol's valid cases (or one request) against a backend and writes every exchange as it happens. */
export async function recordCommand(protocolName: string, raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(RecordOptions, raw, 'record');
  const [protocol] = await selectProtocols([protocolName]);
  if (protocol === undefined) throw new ChatwireError('UNKNOWN_PROTOCOL', 'Failed to select a protocol');
  const suite = options.request === undefined ? loadSuite(protocol) : requestSuite(protocol, options.request);
  const cases = chooseCases(protocol, suite, options.case);
  const headers: Record<string, string> = Object.fromEntries(options.header);
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  const vars: Record<string, string> = {
    ...(options.token === undefined ? {} : { token: options.token }),
    ...Object.fromEntries(options.var.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)])),
  };
  const limits: Limits = {
    ...defaultLimits,
    timeoutMs: options.timeout,
    firstFrameMs: Math.min(defaultLimits.firstFrameMs, options.timeout),
    idleMs: Math.min(defaultLimits.idleMs, options.timeout),
    closeGraceMs: options.closeGrace,
  };
  const writer = new RecordingWriter({
    out: options.out,
    protocol: protocol.id,
    target: options.target,
    redact: { headers: options.redactHeader, fields: options.redactField, secrets: options.token === undefined ? [] : [options.token] },
  });
  const started = systemClock.now();
  const startedAt = new Date().toISOString();
  try {
    const onCase = (report: CaseReport): void => void io.stdout.write(`${formatCase(report, colorsFor(io.stdout, io.env))}\n`);
    const reports = await runSuites([{ protocol, suite, cases, vars }], {
      baseUrl: options.target,
      headers,
      limits,
      clock: systemClock,
      onCase,
      eio: options.eio,
      concurrency: options.concurrency,
      observer: writer,
    });
    const report = runReportOf({
      target: options.target,
      embeddedMock: false,
      strict: false,
      startedAt,
      durationMs: Math.round(systemClock.now() - started),
      cases: reports,
    });
    emitReport(report, { reporter: 'pretty', output: undefined, progressShown: true }, io);
    io.stdout.write(`recorded ${writer.exchanges} exchange(s) to ${options.out}\n`);
    const misconfigured = diagnose(reports);
    if (misconfigured !== undefined) {
      throw new ChatwireError(
        'MISCONFIGURED',
        `Failed to record ${misconfigured.protocol} at ${options.target}: every valid request failed the same way (${misconfigured.example})`,
        { hint: misconfigured.cause },
      );
    }
    return exitCodeOf(report.totals, false);
  } finally {
    writer.close();
  }
}
