import { systemClock } from '../../core/clock.js';
import { ChatwireError } from '../../core/errors.js';
import { fillTemplate } from '../../core/template.js';
import { version } from '../../core/version.js';
import { crosstalkRule, Markers, randomRunId } from '../../load/crosstalk.js';
import { runLoad, sessionsOf, type LoadPlan } from '../../load/engine.js';
import { showProgress } from '../../load/progress.js';
import { LoadTally } from '../../load/tally.js';
import { SUITE_HEADER } from '../../mock/access.js';
import { startMockServer, type MockServer } from '../../mock/server.js';
import { selectProtocols } from '../../protocols/index.js';
import type { Protocol } from '../../protocols/protocol.js';
import { exitCodeOf, runReportOf } from '../../report/model.js';
import type { StepTarget } from '../../suite/step.js';
import { diagnose } from '../../suite/diagnose.js';
import { loadSuite, type Suite, type SuiteCase } from '../../suite/suite.js';
import { emitReports } from '../emit.js';
import { planOutputs } from '../outputs.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { loadOptions } from './options-load.js';
import { MOCK_TOKEN } from './run.js';
import { tokenVars } from '../../suite/token-vars.js';

const LoadOptions = optionsSchema(loadOptions);

/**
 * The cases named by --case, or every case that expects a good answer. A case marked exclusive
 * (it clears what others read, or must not be disturbed) cannot run beside copies of itself; one of a
 * named group (asked at the same time as its partner) is made to run beside others, and can.
 */
function casesOf(protocol: Protocol, suite: Suite, names: readonly string[]): SuiteCase[] {
  const valid = (c: SuiteCase): boolean => c.exclusive !== true && c.steps.every((step) => step.expect !== 'refusal');
  if (names.length === 0) return suite.cases.filter(valid);
  return names.map((name) => {
    const found = suite.cases.find((c) => name === c.name || name === `${protocol.id}/${c.name}`);
    if (found === undefined) {
      throw new ChatwireError('UNKNOWN_CASE', `Failed to find case "${name}": known cases are ${suite.cases.map((c) => c.name).join(', ')}`, {
        hint: `the cases are listed in suites/${protocol.id}.json`,
      });
    }
    if (found.exclusive === true) {
      throw new ChatwireError('BAD_OPTION', `Failed to load case "${name}": it is marked exclusive and runs only alone`, {
        hint: 'chatwire run runs it; load the other cases',
      });
    }
    return found;
  });
}

/** Many sessions at once for a while, each looping over the cases, every exchange judged, cross-talk looked for. */
export async function loadCommand(protocolName: string, raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(LoadOptions, raw, 'load');
  // Every report's place is checked before the load starts.
  const outputs = planOutputs(options.reporter, options.output);
  const [protocol] = await selectProtocols([protocolName]);
  if (protocol === undefined) throw new ChatwireError('UNKNOWN_PROTOCOL', `Failed to find protocol "${protocolName}"`);
  const suite = loadSuite(protocol);
  const cases = casesOf(protocol, suite, options.case);
  if (sessionsOf(options.concurrency, options.shard).length === 0) {
    throw new ChatwireError(
      'BAD_OPTION',
      `Failed to shard: --concurrency ${options.concurrency} leaves shard ${options.shard.index}/${options.shard.count} no session`,
      {
        hint: 'give at least as many sessions as shards',
      },
    );
  }
  const embedded = options.target === undefined;
  const token = options.token ?? (embedded ? MOCK_TOKEN : undefined);
  const headers: Record<string, string> = Object.fromEntries(options.header);
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  headers[SUITE_HEADER] = `chatwire/${version}`;
  const vars: Record<string, string> = token === undefined ? {} : tokenVars(token);
  if (embedded) for (const [name, variable] of Object.entries(suite.variables)) if (variable.mock !== undefined) vars[name] = fillTemplate(variable.mock, vars);
  for (const entry of options.var) vars[entry.slice(0, entry.indexOf('='))] = entry.slice(entry.indexOf('=') + 1);
  const markers = new Markers(options.runId ?? randomRunId(), options.concurrency);
  const limits = {
    timeoutMs: options.timeout,
    firstFrameMs: Math.min(options.firstFrameTimeout, options.timeout),
    idleMs: Math.min(options.idleTimeout, options.timeout),
    closeGraceMs: options.closeGrace,
    maxFrames: options.maxFrames,
    maxBytes: options.maxBytes,
  };

  let mock: MockServer | undefined;
  const tally = new LoadTally();
  const started = systemClock.now();
  const startedAt = new Date().toISOString();
  try {
    if (embedded) mock = await startMockServer({ protocols: [protocol], allowAuthFaults: true, ...(token === undefined ? {} : { token }) });
    const baseUrl = options.target ?? (mock as MockServer).url;
    const plan: LoadPlan = { protocol, suite, cases, vars };
    const target: StepTarget = { baseUrl, headers, limits, clock: systemClock, eio: options.eio };
    // Ctrl+C ends the load early: what was done is still reported.
    const interrupted = new AbortController();
    void io.untilStopped().then(() => interrupted.abort(new Error('interrupted')));
    const stopProgress = showProgress(io.stderr, tally, systemClock, options.duration);
    try {
      await runLoad(plan, { target: { ...target, signal: interrupted.signal }, durationMs: options.duration, markers, shard: options.shard }, tally);
    } finally {
      stopProgress();
    }
    const reported = tally.cases(cases.map((c) => `${protocol.id}/${c.name}`));
    const report = runReportOf({
      target: mock === undefined ? baseUrl : `${baseUrl} (embedded mock)`,
      embeddedMock: mock !== undefined,
      strict: options.strict,
      startedAt,
      durationMs: Math.round(systemClock.now() - started),
      cases: reported,
      load: {
        sessions: options.concurrency,
        shards: [`${options.shard.index}/${options.shard.count}`],
        runId: markers.runId,
        durationMs: options.duration,
        exchanges: tally.exchanges,
        errors: tally.errors,
        failed: tally.failed,
        busy: tally.busy,
        latency: tally.latency.summary(),
        rules: Object.fromEntries(tally.rules),
        cases: tally.runs(),
      },
    });
    emitReports(report, outputs, { progressShown: false }, io);
    // Only when every exchange failed: the cases keep one example per rule, not every exchange.
    const misconfigured = tally.exchanges > 0 && tally.failed === tally.exchanges ? diagnose(reported) : undefined;
    if (misconfigured !== undefined) {
      throw new ChatwireError(
        'MISCONFIGURED',
        `Failed to load ${protocol.id} at ${baseUrl}: every valid request failed the same way (${misconfigured.example})`,
        { hint: misconfigured.cause },
      );
    }
    if (tally.busy > 0 && tally.exchanges === 0) {
      throw new ChatwireError(
        'MISCONFIGURED',
        `Failed to load ${protocol.id} at ${baseUrl}: the server turned away every case as busy (${tally.busy} × HTTP 429 or 503)`,
        {
          hint: "lower --concurrency, or raise the server's rate limit for this test",
        },
      );
    }
    if (tally.exchanges > 0 && tally.errors === tally.exchanges) {
      throw new ChatwireError('MISCONFIGURED', `Failed to load ${protocol.id} at ${baseUrl}: no exchange got an answer`, {
        hint: 'check --target and that the server is up',
      });
    }
    if (tally.rules.has(crosstalkRule.id)) io.stderr.write(`load: ${crosstalkRule.id}: an answer carried another session's marker (see the report)\n`);
    return exitCodeOf(report.totals, options.strict);
  } finally {
    await mock?.close();
  }
}
