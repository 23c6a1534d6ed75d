import { systemClock } from '../../core/clock.js';
import { ChatwireError, describeError, isChatwireError } from '../../core/errors.js';
import { frameShare, type Limits } from '../../core/exchange.js';
import { fillTemplate } from '../../core/template.js';
import { version } from '../../core/version.js';
import { SUITE_HEADER } from '../../mock/access.js';
import { startMockServer, type MockServer } from '../../mock/server.js';
import { selectProtocols } from '../../protocols/index.js';
import { exitCodeOf, runReportOf, type CaseReport, type RunReport } from '../../report/model.js';
import { colorsFor, formatCase } from '../../report/pretty.js';
import { diagnose } from '../../suite/diagnose.js';
import { loadBaseline } from '../../suite/baseline.js';
import { runSuites, type SuitePlan, type SuiteRunOptions } from '../../suite/runner.js';
import { planCases } from '../../suite/select.js';
import { emitReports, progressStream } from '../emit.js';
import { planOutputs } from '../outputs.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { runOptions } from './options.js';
import { listCases } from './run-list.js';
import { RunVerdict } from './run-verdict.js';
import { CutReason } from '../../transports/abort.js';
import { tokenVars } from '../../suite/token-vars.js';

/** How long after --max-run-time a run still waits for its cases to end (they all watch its signal). */
const STOP_GRACE_MS = 5_000;

const RunOptions = optionsSchema(runOptions);

/** The key the embedded mock accepts when --token is not given. */
export const MOCK_TOKEN = 'chatwire-mock-key';

export async function runCommand(protocolNames: readonly string[], raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(RunOptions, raw, 'run');
  // Every report's place is checked before anything runs: a bad path costs nothing.
  const outputs = planOutputs(options.reporter, options.output);
  const limits: Limits = {
    timeoutMs: options.timeout,
    firstFrameMs: Math.min(options.firstFrameTimeout, options.timeout),
    idleMs: Math.min(options.idleTimeout, options.timeout),
    closeGraceMs: options.closeGrace,
    maxFrames: options.maxFrames,
    maxBytes: options.maxBytes,
    // The frames read at once share one budget, so memory stays bounded at any --concurrency.
    maxFrameBytes: frameShare(options.concurrency),
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
  const progress = progressStream(outputs, io);
  const done: CaseReport[] = [];
  let verdict = new RunVerdict(undefined, options.bail, options.strict);
  const onCase = (report: CaseReport): void => {
    done.push(report);
    progress.write(`${formatCase(verdict.judge(report), colorsFor(progress, io.env))}\n`);
  };
  // The whole run's limit: its signal reaches every wait, so answers still coming are cut and no new case starts.
  const runLimit = new AbortController();
  const timers = new AbortController();
  systemClock.sleep(options.maxRunTime, timers.signal).then(
    () => runLimit.abort(new CutReason('timeout', options.maxRunTime, 'run')),
    () => undefined,
  );

  let mock: MockServer | undefined;
  let baseUrl = options.target ?? '(embedded mock)';
  const started = systemClock.now();
  const startedAt = new Date().toISOString();
  const reportOf = (raw: readonly CaseReport[], error?: ChatwireError): RunReport => {
    // Known deviations marked, stale baseline entries counted.
    const { cases, totals, baseline } = verdict.finish(raw);
    return runReportOf({
      target: mock === undefined ? baseUrl : `${baseUrl} (embedded mock)`,
      embeddedMock: mock !== undefined,
      strict: options.strict,
      startedAt,
      durationMs: Math.round(systemClock.now() - started),
      cases,
      totals,
      ...(baseline === undefined ? {} : { baseline }),
      ...(error === undefined ? {} : { error: { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) } }),
    });
  };
  const budgets = { ttftMs: options.maxTtft, gapMs: options.maxGap, totalMs: options.maxTotal };
  const timeline = outputs.some((o) => o.reporter === 'html');
  // --list runs nothing: an unknown protocol or case, or a suite that does not load, is its error alone.
  let reported = options.list;
  try {
    // In a run, they are reported like any other stop.
    const planned = planCases(await selectProtocols(protocolNames), options.case);
    if (options.list) return listCases(planned, io);
    // Checked before anything runs: a bad baseline is exit 2 at once, not after the whole run.
    if (options.baseline !== undefined) verdict = new RunVerdict(loadBaseline(options.baseline, planned), options.bail, options.strict);
    // The embedded mock lives for this run only, on loopback and a free port: its fault scenarios may all apply.
    if (embedded) mock = await startMockServer({ protocols: planned.map((p) => p.protocol), allowAuthFaults: true, ...(token === undefined ? {} : { token }) });
    baseUrl = options.target ?? (mock as MockServer).url;
    const plans = planned.map((p): SuitePlan => {
      const vars: Record<string, string> = token === undefined ? {} : tokenVars(token);
      // Against the embedded mock, the suite's own mock values stand in for what a target would need.
      if (embedded)
        for (const [name, variable] of Object.entries(p.suite.variables)) if (variable.mock !== undefined) vars[name] = fillTemplate(variable.mock, vars);
      return { ...p, vars: { ...vars, ...given } };
    });
    const run: SuiteRunOptions = {
      baseUrl,
      headers,
      limits,
      clock: systemClock,
      onCase,
      eio: options.eio,
      concurrency: options.concurrency,
      budgets,
      timeline,
      signal: runLimit.signal,
      stop: () => verdict.stopped,
    };
    // A wait that missed the signal must not hold the run: past the limit and a grace, the cases finished so far are the report.
    const cases = await Promise.race([runSuites(plans, run), systemClock.sleep(options.maxRunTime + STOP_GRACE_MS, timers.signal).then(() => done)]);
    const short = runLimit.signal.aborted ? cutByRunLimit(cases, plans) : undefined;
    if (short !== undefined) {
      const error = new ChatwireError('RUN_TIME_LIMIT', `Failed to finish the run within --max-run-time (${options.maxRunTime} ms): ${short}`, {
        hint: 'raise --max-run-time, or choose fewer cases with --case',
      });
      reported = true;
      emitReports(reportOf(cases, error), outputs, { progressShown: true }, io);
      throw error;
    }
    const misconfigured = diagnose(cases);
    const error =
      misconfigured === undefined
        ? undefined
        : new ChatwireError(
            'MISCONFIGURED',
            `Failed to judge ${misconfigured.protocol} at ${baseUrl}: every valid request failed the same way (${misconfigured.example})`,
            { hint: misconfigured.cause },
          );
    const report = reportOf(cases, error);
    reported = true;
    emitReports(report, outputs, { progressShown: true }, io);
    if (error !== undefined) throw error;
    const queued = unstartedUnderLoad(cases, options.concurrency);
    if (queued !== undefined) io.stderr.write(`chatwire: hint: ${queued}\n`);
    return exitCodeOf(report.totals, options.strict);
  } catch (error) {
    // Exit 2 still leaves every report: the cases done so far and why the run stopped.
    if (!reported) {
      const stopped = isChatwireError(error) ? error : new ChatwireError('INTERNAL', `Failed to finish the run: ${describeError(error)}`);
      try {
        emitReports(reportOf(done, stopped), outputs, { progressShown: true }, io);
      } catch (writeError) {
        // The reason the run stopped matters more; a report that could not be written is said beside it.
        io.stderr.write(`chatwire: ${describeError(writeError)}\n`);
      }
    }
    throw error;
  } finally {
    timers.abort();
    await mock?.close();
  }
}

/**
 * A server that answers fewer requests at a time than the run sends leaves the others waiting
 * unanswered, and they look like stalls: said, when some answers never started while others came.
 */
function unstartedUnderLoad(cases: readonly CaseReport[], concurrency: number): string | undefined {
  if (concurrency <= 1) return undefined;
  const steps = cases.flatMap((c) => c.steps);
  // No answer at all (no status line) before a limit of the exchange's own: waiting, not answering.
  const unstarted = steps.filter((step) => step.status === null && step.end === 'timeout' && step.timeLimit !== 'run').length;
  if (unstarted === 0 || !steps.some((step) => step.status !== null)) return undefined;
  return `${unstarted} request(s) got no answer at all within their time limit while up to ${concurrency} cases ran at once; if the server answers fewer requests at a time, run again with --concurrency 1`;
}

/** After the run's limit: how many cases it cut short or kept from running, or undefined when it touched none. */
function cutByRunLimit(cases: readonly CaseReport[], plans: readonly SuitePlan[]): string | undefined {
  const cut = cases.filter((c) => c.steps.some((step) => step.timeLimit === 'run')).length;
  const notRun = plans.reduce((sum, plan) => sum + plan.cases.length, 0) - cases.length + cases.filter((c) => c.skipped?.includes('--max-run-time')).length;
  return cut + notRun === 0 ? undefined : `${cut} case(s) cut short, ${notRun} not run`;
}
