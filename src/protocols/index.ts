import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ChatwireError } from '../core/errors.js';
import type { Protocol } from './protocol.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// Built code imports index.js; under the test runner the sources are imported as they are.
const entry = import.meta.url.endsWith('.ts') ? 'index.ts' : 'index.js';

const loaded = new Map<string, Promise<Protocol>>();

/** The protocol folders under src/protocols, in name order. A new protocol is a new folder. */
export function protocolIds(): string[] {
  return readdirSync(here, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** One protocol, loaded on first use: only what a command names is imported. */
function loadProtocol(id: string): Promise<Protocol> {
  let protocol = loaded.get(id);
  if (protocol === undefined) {
    protocol = (async () => {
      const module = (await import(pathToFileURL(join(here, id, entry)).href)) as { default?: Protocol };
      if (module.default === undefined || module.default.id !== id) {
        throw new ChatwireError('INTERNAL', `Failed to load protocol ${id}: its index must default-export a protocol whose id is "${id}"`);
      }
      return module.default;
    })();
    loaded.set(id, protocol);
  }
  return protocol;
}

export function loadProtocols(): Promise<Protocol[]> {
  return Promise.all(protocolIds().map(loadProtocol));
}

/** The protocols named, or all of them when none is; an unknown name lists the known ones. */
export async function selectProtocols(names: readonly string[]): Promise<Protocol[]> {
  const known = protocolIds();
  if (names.length === 0) return loadProtocols();
  for (const name of names) {
    if (!known.includes(name)) throw new ChatwireError('UNKNOWN_PROTOCOL', `Failed to find protocol "${name}": known protocols are ${known.join(', ')}`);
  }
  return Promise.all(names.map(loadProtocol));
}
