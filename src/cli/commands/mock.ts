import { resolve } from 'node:path';
import { ChatwireError } from '../../core/errors.js';
import { transportOf } from '../../transports/index.js';
import { formatFault, parseFaults, reaches, type Fault } from '../../mock/faults.js';
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
    speed: options.speed,
    choose: await startChoices(options.scenario, options.fault, protocols),
    onLog: (line) => io.stderr.write(`chatwire mock: ${line}\n`),
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
    const playing = options.scenario.find((entry) => entry.startsWith(`${protocol.id}=`));
    if (playing !== undefined) io.stdout.write(`    playing: ${playing.slice(protocol.id.length + 1)}\n`);
  }
  for (const line of exposureWarnings(options.host, options.token !== undefined, protocols, server.url)) io.stderr.write(`chatwire: ${line}\n`);
  io.stdout.write('Press Ctrl+C to stop.\n');
  await io.untilStopped();
  await server.close();
  return 0;
}

/**
 * `--scenario ctai=no-stop` and `--fault [protocol=]faults` as start choices per protocol. A fault
 * without a protocol applies to every protocol it can act on, and must act on one.
 */
async function startChoices(
  scenarios: readonly string[],
  faults: readonly string[],
  protocols: readonly Protocol[],
): Promise<Record<string, { scenario?: string; faults: Fault[] }>> {
  const choices: Record<string, { scenario?: string; faults: Fault[] }> = {};
  const entry = (id: string): { scenario?: string; faults: Fault[] } => (choices[id] ??= { faults: [] });
  const served = (id: string, what: string): void => {
    if (!protocols.some((protocol) => protocol.id === id)) {
      throw new ChatwireError('BAD_OPTION', `Failed to read ${what}: this mock does not serve ${id}`, {
        hint: `it serves ${protocols.map((p) => p.id).join(', ')}`,
      });
    }
  };
  for (const text of scenarios) {
    const [id = '', name = ''] = text.split('=');
    await selectProtocols([id]);
    served(id, `--scenario ${text}`);
    entry(id).scenario = name;
  }
  for (const text of faults) {
    const match = /^([a-z0-9-]+)=(.*)$/.exec(text);
    const parsed = parseFaults(match?.[2] ?? text);
    if (match?.[1] !== undefined) {
      served(match[1], `--fault ${text}`);
      entry(match[1]).faults.push(...parsed);
      continue;
    }
    for (const fault of parsed) {
      const on = protocols.filter((protocol) => reaches(fault, transportOf(protocol).faultReach));
      if (on.length === 0) throw new ChatwireError('BAD_OPTION', `Failed to read --fault ${text}: ${formatFault(fault)} acts on none of the protocols served`);
      for (const protocol of on) entry(protocol.id).faults.push(fault);
    }
  }
  return choices;
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
