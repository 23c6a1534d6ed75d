import { ChatwireError } from '../../core/errors.js';
import { formatFault, parseFaults, reaches, type Fault } from '../../mock/faults.js';
import { isLoopback } from '../../mock/server.js';
import { selectProtocols } from '../../protocols/index.js';
import type { Protocol } from '../../protocols/protocol.js';
import { transportOf } from '../../transports/index.js';

/**
 * `--scenario ctai=no-stop` and `--fault [protocol=]faults` as start choices per protocol. A fault
 * without a protocol applies to every protocol it can act on, and must act on one.
 */
export async function startChoices(
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
export function exposureWarnings(host: string, hasToken: boolean, protocols: readonly Protocol[], url: string): string[] {
  if (isLoopback(host)) return [];
  const lines = [
    `warning: --host ${host} makes the mock reachable from other machines at ${url}: every protocol's routes, the scenarios, and (with no --token) /_chatwire/client-deviations`,
  ];
  const keyed = protocols.filter((protocol) => protocol.mock.keyed === true).map((protocol) => protocol.id);
  if (!hasToken && keyed.length > 0)
    lines.push(`warning: without --token, ${keyed.join(' and ')} accept any non-empty key from anyone who can reach ${url}; give --token to require one`);
  return lines;
}
