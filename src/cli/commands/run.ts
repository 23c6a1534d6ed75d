import { systemClock } from '../../core/clock.js';
import { ChatwireError } from '../../core/errors.js';
import type { Limits } from '../../core/exchange.js';
import { fillTemplate } from '../../core/template.js';
import { version } from '../../core/version.js';
import { SUITE_HEADER } from '../../mock/access.js';
import { startMockServer, type MockServer } from '../../mock/server.js';
import { selectProtocols } from '../../protocols/index.js';
import { exitCodeOf, type CaseReport, type RunReport } from '../../report/model.js';
import { colorsFor, formatCase } from '../../report/pretty.js';
import { diagnose } from '../../suite/diagnose.js';
import { loadBaseline } from '../../suite/baseline.js';
import { runSuites, type SuitePlan } from '../../suite/runner.js';
import { planCases } from '../../suite/select.js';
import { emitReport } from '../emit.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { runOptions } from './options.js';
import { listCases } from './run-list.js';
import { RunVerdict } from './run-verdict.js';

const RunOptions = optionsSchema(runOptions);

/** The key the embedded mock accepts when --token is not given. */
export const MOCK_TOKEN = 'chatwire-mock-key';

export async function runCommand(protocolNames: readonly string[], raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(RunOptions, raw, 'run');
  const protocols = await selectProtocols(protocolNames);
  const planned = planCases(protocols, options.case);
  if (options.list) return listCases(planned, io);
  // Checked before anything runs: a bad baseline is exit 2 at once, not after the whole run.
  const verdict = new RunVerdict(options.baseline === undefined ? undefined : loadBaseline(options.baseline, planned), options.bail, options.strict);
  const limits: Limits = {
    timeoutMs: options.timeout,
    firstFrameMs: Math.min(options.firstFrameTimeout, options.timeout),
    idleMs: Math.min(options.idleTimeout, options.timeout),
    closeGraceMs: options.closeGrace,
    maxFrames: options.maxFrames,
    maxBytes: options.maxBytes,
  };
  const embedded = options.target === undefined;
  // The embedded mock needs a key of its own when none is given, so that a wrong key can be told from it.
  const token = options.token ?? (embedded ? MOCK_TOKEN : undefined);
  const headers: Record<string, string> = Object.fromEntries(options.header);
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  headers[SUITE_HEADER] = `chatwire/${version}`;
  const given: Record<string, string> = Object.fromEntries(
    options.var.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );

  // Progress goes where the report does not: stdout for pretty, stderr when stdout carries JSON/XML.
  const progress = options.reporter === 'pretty' || options.output !== undefined ? io.stdout : io.stderr;
  const onCase = (report: CaseReport): void => {
    progress.write(`${formatCase(verdict.judge(report), colorsFor(progress, io.env))}\n`);
  };

  let mock: MockServer | undefined;
  const started = systemClock.now();
  const startedAt = new Date().toISOString();
  try {
    // The embedded mock lives for this run only, on loopback and a free port: its fault scenarios may all apply.
    if (embedded) mock = await startMockServer({ protocols: planned.map((p) => p.protocol), allowAuthFaults: true, ...(token === undefined ? {} : { token }) });
    const baseUrl = options.target ?? (mock as MockServer).url;
    const plans = planned.map((p): SuitePlan => {
      const vars: Record<string, string> = token === undefined ? {} : { token };
      // Against the embedded mock, the suite's own mock values stand in for what a target would need.
      if (embedded)
        for (const [name, variable] of Object.entries(p.suite.variables)) if (variable.mock !== undefined) vars[name] = fillTemplate(variable.mock, vars);
      return { ...p, vars: { ...vars, ...given } };
    });
    const stop = (): string | undefined => verdict.stopped;
    const run = await runSuites(plans, { baseUrl, headers, limits, clock: systemClock, onCase, stop, eio: options.eio, concurrency: options.concurrency });
    const { cases, totals, baseline } = verdict.finish(run);
    const report: RunReport = {
      tool: 'chatwire',
      version,
      target: mock === undefined ? baseUrl : `${baseUrl} (embedded mock)`,
      embeddedMock: mock !== undefined,
      strict: options.strict,
      startedAt,
      durationMs: Math.round(systemClock.now() - started),
      cases,
      totals,
      ...(baseline === undefined ? {} : { baseline }),
    };
    emitReport(report, { reporter: options.reporter, output: options.output, progressShown: true }, io);
    const misconfigured = diagnose(cases);
    if (misconfigured !== undefined) {
      throw new ChatwireError(
        'MISCONFIGURED',
        `Failed to judge ${misconfigured.protocol} at ${baseUrl}: every valid request failed the same way (${misconfigured.example})`,
        { hint: misconfigured.cause },
      );
    }
    return exitCodeOf(totals, options.strict);
  } finally {
    await mock?.close();
  }
}
