import { describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaBundle, SchemaFiles } from '../src/core/bundle.js';
import { schemasDir } from '../src/core/paths.js';
import { loadProtocols } from '../src/protocols/index.js';
import { transportOf } from '../src/transports/index.js';

const httpsId = (id: string): string => {
  const [, , protocol, name] = id.split(':');
  return `https://chatwire.dev/schemas/${protocol ?? ''}/${name ?? ''}.json`;
};

/** A copy of schemas/ with every id and every reference to one rewritten as `rename` says. */
function renamedCopy(rename: (id: string, inRef: boolean) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatwire-schemas-'));
  cpSync(schemasDir, dir, { recursive: true });
  for (const folder of readdirSync(dir)) {
    for (const file of readdirSync(join(dir, folder)).filter((name) => name.endsWith('.schema.json'))) {
      const path = join(dir, folder, file);
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace(
          /("\$ref": ")?(urn:chatwire:[a-z-]+:[a-z-]+)/g,
          (_all, ref: string | undefined, id: string) => `${ref ?? ''}${rename(id, ref !== undefined)}`,
        ),
      );
    }
  }
  return dir;
}

describe('SchemaBundle', () => {
  it.each([
    ['https URLs', (id: string) => httpsId(id)],
    ['https URLs, referenced relatively', (id: string, inRef: boolean) => (inRef ? `../${httpsId(id).split('/').slice(-2).join('/')}` : httpsId(id))],
  ])('makes the same descriptions whether schema ids are URNs or %s', async (_name, rename) => {
    const copy = renamedCopy(rename);
    try {
      for (const protocol of (await loadProtocols()).filter((entry) => entry.api !== undefined)) {
        const { api } = transportOf(protocol);
        expect(api.describe(new SchemaFiles(copy)), protocol.id).toEqual(api.describe(new SchemaFiles()));
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('hoists $defs into components of their own and rewrites references across files', () => {
    const bundle = new SchemaBundle(new SchemaFiles(), 'ctai', '#/components/schemas/');
    expect(bundle.use({ $ref: 'packet.schema.json' })).toEqual({ $ref: '#/components/schemas/ctai.packet' });
    const components = bundle.components();
    expect(Object.keys(components)).toEqual(['ctai.answer.extendInfo', 'ctai.packet', 'ctai.packet.packetData']);
    expect(components['ctai.packet']).not.toHaveProperty('$id');
    expect(components['ctai.packet']).not.toHaveProperty('$defs');
    expect(JSON.stringify(components['ctai.packet.packetData'])).toContain('"$ref":"#/components/schemas/ctai.answer.extendInfo"');
  });

  it('refuses a reference to a schema file that does not exist', () => {
    const bundle = new SchemaBundle(new SchemaFiles(), 'ctai', '#/components/schemas/');
    expect(() => bundle.use({ $ref: 'nothing.schema.json' })).toThrow('no schema file ctai/nothing.schema.json');
  });
});
