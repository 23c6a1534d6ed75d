import { z } from 'zod';
import { systemClock } from '../../core/clock.js';
import { ChatwireError } from '../../core/errors.js';
import { defaultLimits, type Limits } from '../../core/exchange.js';
import { version } from '../../core/version.js';
import { startMockServer, type MockServer } from '../../mock/server.js';
import { selectProtocols } from '../../protocols/index.js';
import type { Protocol } from '../../protocols/protocol.js';
import { exitCodeOf, totalsOf, type CaseReport, type RunReport } from '../../report/model.js';
import { colorsFor, formatCase } from '../../report/pretty.js';
import { runSuite } from '../../suite/runner.js';
import { loadSuite, type SuiteCase } from '../../suite/suite.js';
import { emitReport } from '../emit.js';
import type { CliIo } from '../io.js';
import { count, duration, header, httpUrl, parseOptions, reporter } from '../options.js';

const RunOptions = z.object({
  target: httpUrl.optional(),
  token: z.string().min(1, 'a non-empty token').optional(),
  header: z.array(header).default([]),
  timeout: duration.default(defaultLimits.timeoutMs),
  closeGrace: duration.default(defaultLimits.closeGraceMs),
  maxFrames: count(10_000_000).default(defaultLimits.maxFrames),
  maxBytes: count(4 * 1024 ** 3).default(defaultLimits.maxBytes),
  case: z.array(z.string()).default([]),
  reporter: reporter.default('pretty'),
  output: z.string().min(1).optional(),
  strict: z.boolean().default(false),
});

interface Planned {
  readonly protocol: Protocol;
  readonly cases: SuiteCase[];
}

/** Picks the cases named by --case (`name` or `protocol/name`); every name must match one. */
function plan(protocols: readonly Protocol[], names: readonly string[]): Planned[] {
  const planned = protocols.map((protocol) => ({ protocol, cases: loadSuite(protocol.id).cases }));
  if (names.length === 0) return planned;
  const known = planned.flatMap(({ protocol, cases }) => cases.map((c) => `${protocol.id}/${c.name}`));
  for (const name of names) {
    if (!known.some((full) => full === name || full.endsWith(`/${name}`))) {
      throw new ChatwireError('UNKNOWN_CASE', `Failed to find case "${name}": known cases are ${known.join(', ')}`, { hint: 'the cases are listed in suites/<protocol>.json' });
    }
  }
  const wanted = (protocol: Protocol, c: SuiteCase): boolean => names.some((name) => name === c.name || name === `${protocol.id}/${c.name}`);
  return planned.map(({ protocol, cases }) => ({ protocol, cases: cases.filter((c) => wanted(protocol, c)) })).filter(({ cases }) => cases.length > 0);
}

export async function runCommand(protocolNames: readonly string[], raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(RunOptions, raw, 'run');
  const protocols = await selectProtocols(protocolNames);
  const planned = plan(protocols, options.case);
  const limits: Limits = { timeoutMs: options.timeout, closeGraceMs: options.closeGrace, maxFrames: options.maxFrames, maxBytes: options.maxBytes };
  const headers: Record<string, string> = Object.fromEntries(options.header);
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;

  // Progress goes where the report does not: stdout for pretty, stderr when stdout carries JSON/XML.
  const progress = options.reporter === 'pretty' || options.output !== undefined ? io.stdout : io.stderr;
  const onCase = (report: CaseReport): void => {
    progress.write(`${formatCase(report, colorsFor(progress, io.env))}\n`);
  };

  let mock: MockServer | undefined;
  const started = systemClock.now();
  const startedAt = new Date().toISOString();
  const cases: CaseReport[] = [];
  try {
    if (options.target === undefined) mock = await startMockServer({ protocols: planned.map((p) => p.protocol) });
    const baseUrl = options.target ?? (mock as MockServer).url;
    for (const { protocol, cases: selected } of planned) {
      cases.push(...(await runSuite(protocol, selected, { baseUrl, headers, limits, clock: systemClock, onCase })));
    }
    const totals = totalsOf(cases);
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
    };
    emitReport(report, { reporter: options.reporter, output: options.output, progressShown: true }, io);
    return exitCodeOf(totals, options.strict);
  } finally {
    await mock?.close();
  }
}
