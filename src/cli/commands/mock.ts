import { resolve } from 'node:path';
import { displayPath } from '../../mock/scenario-load.js';
import { isLoopback, startMockServer } from '../../mock/server.js';
import type { Protocol } from '../../protocols/protocol.js';
import { selectProtocols } from '../../protocols/index.js';
import { colorsFor, formatDeviation } from '../../report/pretty.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { mockOptions } from './options.js';

const MockOptions = optionsSchema(mockOptions);

/** Serves the protocols' scripted streams until interrupted; logs each client deviation to stderr. */
export async function mockCommand(raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(MockOptions, raw, 'mock');
  const protocols = await selectProtocols(options.protocol);
  const scenarioDirs: Record<string, string[]> = {};
  for (const entry of options.scenarios) {
    const [id, dir] = [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)];
    await selectProtocols([id]);
    (scenarioDirs[id] ??= []).push(resolve(dir));
  }
  const colors = colorsFor(io.stderr, io.env);
  const server = await startMockServer({
    protocols,
    host: options.host,
    port: options.port,
    scenarioDirs,
    ...(options.token === undefined ? {} : { token: options.token }),
    allowAuthFaults: options.allowAuthFaults,
    onClientDeviation: (record) => {
      io.stderr.write(`client deviation on ${record.method} ${record.path}:\n${formatDeviation(record.deviation, colors)}\n`);
    },
  });
  io.stdout.write(`chatwire mock listening on ${server.url}\n`);
  for (const protocol of protocols) {
    const set = server.scenarios.get(protocol.id);
    const serves = [...(protocol.mock.routes ?? []).map((r) => `${r.method} ${r.path}`), ...(protocol.mock.serves === undefined ? [] : [protocol.mock.serves])];
    io.stdout.write(`  ${protocol.id}: ${serves.join(', ')}\n`);
    io.stdout.write(`    scenarios (x-chatwire-scenario header or ?scenario=): ${set?.names.join(', ') ?? ''}\n`);
    for (const scenario of set?.all() ?? [])
      if (scenario.replaces !== undefined)
        io.stdout.write(`    scenario ${scenario.name}: ${displayPath(scenario.file)} replaces ${displayPath(scenario.replaces)}\n`);
    for (const { scenario, breaks, ms } of server.judged.filter((judgement) => judgement.protocol === protocol.id)) {
      const verdict = breaks.length === 0 ? 'keeps every rule' : `breaks ${breaks.join(', ')}`;
      io.stdout.write(`    scenario ${scenario.name}: ${displayPath(scenario.file)} ${verdict}, as its "breaks" says (judged in ${ms} ms)\n`);
    }
  }
  for (const line of exposureWarnings(options.host, options.token !== undefined, protocols, server.url)) io.stderr.write(`chatwire: ${line}\n`);
  io.stdout.write('Press Ctrl+C to stop.\n');
  await io.untilStopped();
  await server.close();
  return 0;
}

/** What binding beyond loopback exposes, said before anyone else finds out. */
function exposureWarnings(host: string, hasToken: boolean, protocols: readonly Protocol[], url: string): string[] {
  if (isLoopback(host)) return [];
  const lines = [
    `warning: --host ${host} makes the mock reachable from other machines at ${url}: every protocol's routes, the scenarios, and (with no --token) /_chatwire/client-deviations`,
  ];
  const keyed = protocols.filter((protocol) => protocol.mock.keyed === true).map((protocol) => protocol.id);
  if (!hasToken && keyed.length > 0)
    lines.push(`warning: without --token, ${keyed.join(' and ')} accept any non-empty key from anyone who can reach ${url}; give --token to require one`);
  return lines;
}
