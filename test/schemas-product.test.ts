import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readSchemaFiles } from '../src/core/schema-files.js';
import { isRecord } from '../src/core/schemas.js';
import { SCHEMA_BASE, addChatwireSchemas, schemas } from '../src/schemas.js';

const root = new URL('..', import.meta.url).pathname;
const dir = join(root, 'schemas');
const files = readSchemaFiles(dir);

function walk(path: string): string[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(path, entry.name)) : [join(path, entry.name)]));
}

/** A fresh validator with Ajv's defaults and strict mode, as a user would make it. */
const strictAjv = () => addChatwireSchemas(new Ajv2020({ strict: true }));

/** Every schema with its own examples: the file's, and each $defs entry's. */
const documented = files.flatMap((file) => [
  { where: `${file.folder}/${file.name}`, ref: file.id, schema: file.schema },
  ...Object.entries(isRecord(file.schema['$defs']) ? file.schema['$defs'] : {}).map(([name, schema]) => ({
    where: `${file.folder}/${file.name} $defs/${name}`,
    ref: `${file.id}#/$defs/${name}`,
    schema: isRecord(schema) ? schema : {},
  })),
]);

describe('schemas as a product', () => {
  it('schemas/ holds only <folder>/<name>.schema.json files, each with $id = its published path under the base', () => {
    const paths = walk(dir).map((path) => relative(dir, path));
    expect(paths.filter((path) => !/^[a-z-]+\/[a-z-]+\.schema\.json$/.test(path))).toEqual([]);
    expect(files).toHaveLength(paths.length);
    for (const file of files) expect(file.id, `${file.folder}/${file.name}`).toBe(`${SCHEMA_BASE}${file.folder}/${file.name}.json`);
    expect(schemas.map((schema) => schema.$id)).toEqual(files.map((file) => file.id));
  });

  it('every schema compiles with a fresh Ajv2020 in strict mode, with the defaults', () => {
    const ajv = strictAjv();
    for (const file of files) expect(() => ajv.getSchema(file.id), file.id).not.toThrow();
  });

  it('every schema and every $defs entry has a title, a description and examples; a protocol schema names its document', () => {
    for (const { where, schema } of documented) {
      expect(typeof schema['title'] === 'string' && schema['title'] !== '', `${where}: title`).toBe(true);
      expect(typeof schema['description'] === 'string' && schema['description'] !== '', `${where}: description`).toBe(true);
      expect(Array.isArray(schema['examples']) && schema['examples'].length > 0, `${where}: examples`).toBe(true);
    }
    for (const file of files.filter((entry) => entry.folder !== 'chatwire')) {
      expect(String(file.schema['description']), `${file.folder}/${file.name}`).toMatch(/\d{3}_[0-9a-f]{16}\.txt/);
    }
  });

  it('every example is valid against its own schema', () => {
    const ajv = strictAjv();
    for (const { where, ref, schema } of documented) {
      const validate = ajv.getSchema(ref);
      if (validate === undefined) throw new Error(`${ref} does not resolve`);
      for (const [index, example] of (Array.isArray(schema['examples']) ? schema['examples'] : []).entries()) {
        expect(validate(example) ? [] : validate.errors, `${where} example ${index}`).toEqual([]);
      }
    }
  });

  it('a schema rejects what its document forbids', () => {
    const validate = strictAjv().getSchema(`${SCHEMA_BASE}ctai/packet.json`);
    // msg_sn is a string in the document; a number must fail however valid the rest is.
    expect(validate?.({ ret: '0', data: { msg_id: 'a', msg_sn: 0, event: '', answer_text: '' } })).toBe(false);
  });
});
