import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ChatwireError } from '../core/errors.js';
import type { Protocol } from './protocol.js';

const here = fileURLToPath(new URL('.', import.meta.url));
// Built code imports index.js; under the test runner the sources are imported as they are.
const entry = import.meta.url.endsWith('.ts') ? 'index.ts' : 'index.js';

let loaded: Promise<Protocol[]> | undefined;

/** Every protocol folder under src/protocols, in name order. A new protocol is a new folder. */
export function loadProtocols(): Promise<Protocol[]> {
  loaded ??= (async () => {
    const folders = readdirSync(here, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const protocols: Protocol[] = [];
    for (const folder of folders) {
      const module = (await import(pathToFileURL(join(here, folder, entry)).href)) as { default?: Protocol };
      if (module.default === undefined || module.default.id !== folder) {
        throw new ChatwireError('INTERNAL', `Failed to load protocol ${folder}: its index must default-export a protocol whose id is "${folder}"`);
      }
      protocols.push(module.default);
    }
    return protocols;
  })();
  return loaded;
}

/** The protocols named, or all of them when none is; an unknown name lists the known ones. */
export async function selectProtocols(names: readonly string[]): Promise<Protocol[]> {
  const all = await loadProtocols();
  if (names.length === 0) return all;
  return names.map((name) => {
    const protocol = all.find((candidate) => candidate.id === name);
    if (protocol === undefined) {
      throw new ChatwireError('UNKNOWN_PROTOCOL', `Failed to find protocol "${name}": known protocols are ${all.map((p) => p.id).join(', ')}`);
    }
    return protocol;
  });
}
