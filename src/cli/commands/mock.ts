import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ChatwireError, describeError } from '../../core/errors.js';
import { clientReportFormat, renderClientReport } from '../../mock/client-report.js';
import type { ClientDeviationRecord } from '../../mock/exchange.js';
import { displayPath } from '../../mock/scenario-load.js';
import { startMockServer } from '../../mock/server.js';
import { selectProtocols } from '../../protocols/index.js';
import { colorsFor, formatDeviation } from '../../report/pretty.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { exposureWarnings, startChoices } from './mock-setup.js';
import { mockOptions } from './options.js';
import { replayRecordings } from './replay.js';

const MockOptions = optionsSchema(mockOptions);

/** Serves the protocols' scripted streams until interrupted; logs each client deviation to stderr. */
export async function mockCommand(raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(MockOptions, raw, 'mock');
  const scenarioDirs: Record<string, string[]> = {};
  const recordings = new Map<string, string>();
  for (const entry of options.scenarios) {
    const [id, dir] = [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)];
    await selectProtocols([id]);
    // A .jsonl file is a recording: the protocol is answered from it instead of its scenarios.
    if (dir.endsWith('.jsonl')) recordings.set(id, resolve(dir));
    else (scenarioDirs[id] ??= []).push(resolve(dir));
  }
  const protocols = await replayRecordings(await selectProtocols(options.protocol), recordings);
  const colors = colorsFor(io.stderr, io.env);
  const report = clientReport(
    options.report,
    protocols.map((protocol) => protocol.id),
  );
  const server = await startMockServer({
    protocols,
    speed: options.speed,
    choose: await startChoices(options.scenario, options.fault, protocols),
    onLog: (line) => io.stderr.write(`chatwire mock: ${line}\n`),
    host: options.host,
    port: options.port,
    scenarioDirs,
    ...(options.token === undefined ? {} : { token: options.token }),
    allowAuthFaults: options.allowAuthFaults,
    corsOrigins: options.corsOrigin,
    onClientDeviation: (record) => {
      report.add(record);
      io.stderr.write(`client deviation on ${record.method} ${record.path}:\n${formatDeviation(record.deviation, colors)}\n`);
    },
  });
  io.stdout.write(`chatwire mock listening on ${server.url}\n`);
  for (const protocol of protocols) {
    const set = server.scenarios.get(protocol.id);
    const serves = [...(protocol.mock.routes ?? []).map((r) => `${r.method} ${r.path}`), ...(protocol.mock.serves === undefined ? [] : [protocol.mock.serves])];
    io.stdout.write(`  ${protocol.id}: ${serves.join(', ')}\n`);
    io.stdout.write(`    scenarios (x-chatwire-scenario header or ?scenario=): ${set?.names.join(', ') ?? ''}\n`);
    const playing = options.scenario.find((entry) => entry.startsWith(`${protocol.id}=`));
    if (playing !== undefined) io.stdout.write(`    playing: ${playing.slice(protocol.id.length + 1)}\n`);
    for (const scenario of set?.all() ?? [])
      if (scenario.replaces !== undefined)
        io.stdout.write(`    scenario ${scenario.name}: ${displayPath(scenario.file)} replaces ${displayPath(scenario.replaces)}\n`);
    for (const { scenario, breaks, ms } of server.judged.filter((judgement) => judgement.protocol === protocol.id)) {
      const verdict = breaks.length === 0 ? 'keeps every rule' : `breaks ${breaks.join(', ')}`;
      io.stdout.write(`    scenario ${scenario.name}: ${displayPath(scenario.file)} ${verdict}, as its "breaks" says (judged in ${ms} ms)\n`);
    }
  }
  for (const line of exposureWarnings(options.host, options.token !== undefined, protocols, server.url)) io.stderr.write(`chatwire: ${line}\n`);
  if (options.corsOrigin.includes('*'))
    io.stderr.write(
      `chatwire: warning: --cors-origin * lets any web page open in a browser on this machine read the mock's answers${options.token === undefined ? ', client deviations included (give --token to keep /_chatwire/* closed)' : ''}\n`,
    );
  io.stdout.write('Press Ctrl+C to stop.\n');
  await io.untilStopped();
  await server.close();
  const { total, errors } = report.finish();
  io.stderr.write(
    `chatwire mock: ${total} client deviation(s), ${errors} of them errors${options.report === undefined ? '' : `; report written to ${options.report}`}\n`,
  );
  return options.failOnClientDeviation && errors > 0 ? 1 : 0;
}

/** Keeps the latest client deviations for --report, which is written once now (so a bad path fails at once) and again at the stop. */
function clientReport(file: string | undefined, protocols: readonly string[]) {
  const startedAt = new Date().toISOString();
  const records: ClientDeviationRecord[] = [];
  let total = 0;
  let errors = 0;
  const write = (): void => {
    if (file === undefined) return;
    try {
      writeFileSync(file, renderClientReport({ protocols, records, total, startedAt, endedAt: new Date().toISOString() }, clientReportFormat(file)));
    } catch (error) {
      throw new ChatwireError('BAD_OPTION', `Failed to write the client report ${file}: ${describeError(error)}`, {
        hint: 'give --report a path in a folder that exists and can be written',
      });
    }
  };
  write();
  return {
    add(record: ClientDeviationRecord): void {
      total++;
      if (record.deviation.severity === 'error') errors++;
      records.push(record);
      if (records.length > 10_000) records.shift();
    },
    finish(): { total: number; errors: number } {
      write();
      return { total, errors };
    },
  };
}
