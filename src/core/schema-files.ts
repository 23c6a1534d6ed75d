import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatwireError } from './errors.js';

/** The folder under schemas/ that holds chatwire's own file formats rather than a protocol's messages. */
export const OWN_FORMATS = 'chatwire';

/** One schema file: `schemas/<folder>/<name>.schema.json`, published as `chatwire/schemas/<folder>/<name>.json`. */
export interface SchemaFile {
  readonly folder: string;
  readonly name: string;
  readonly id: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

/** Every schema of a schemas folder (one level of sub-folders), sorted by folder and name; each must parse and have an `$id`. */
export function readSchemaFiles(dir: string): SchemaFile[] {
  if (!existsSync(dir)) {
    throw new ChatwireError('BAD_FILE', `Failed to read schemas from ${dir}: no such folder`, {
      hint: 'give the folder that holds <protocol>/<name>.schema.json',
    });
  }
  const files: SchemaFile[] = [];
  for (const folder of readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    for (const file of readdirSync(join(dir, folder.name)).filter((name) => name.endsWith('.schema.json'))) {
      const path = join(dir, folder.name, file);
      let schema: unknown;
      try {
        schema = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        throw new ChatwireError('BAD_FILE', `Failed to read schema ${path}: ${String(error)}`);
      }
      if (!isObject(schema) || typeof schema['$id'] !== 'string') {
        throw new ChatwireError('BAD_FILE', `Failed to read schema ${path}: it is not an object with an "$id"`, {
          hint: 'give every schema a unique "$id" such as https://chatwire.dev/schemas/<protocol>/<name>.json',
        });
      }
      files.push({ folder: folder.name, name: file.slice(0, -'.schema.json'.length), id: schema['$id'], schema });
    }
  }
  return files.sort((a, b) => a.folder.localeCompare(b.folder) || a.name.localeCompare(b.name));
}

/** The protocols a schemas folder describes: its folders but chatwire's own. */
export function schemaProtocols(files: readonly SchemaFile[]): string[] {
  return [...new Set(files.map((file) => file.folder))].filter((folder) => folder !== OWN_FORMATS);
}

// Not schemas.ts' isRecord: the registry there reads its files through this module.
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
