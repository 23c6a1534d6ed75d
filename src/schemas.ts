/**
 * chatwire's JSON Schemas (2020-12) for a validator of your own. Each is also importable alone as
 * `chatwire/schemas/<protocol>/<name>.json`; some reference others by `$id`, so add them all
 * (`addChatwireSchemas(ajv)`) before compiling one.
 */
import { schemasDir } from './core/paths.js';
import { readSchemaFiles } from './core/schema-files.js';

/** Where every `$id` starts: `https://chatwire.dev/schemas/<protocol>/<name>.json`. */
export const SCHEMA_BASE = 'https://chatwire.dev/schemas/';

export interface ChatwireSchema {
  readonly $id: string;
  readonly [keyword: string]: unknown;
}

/** Every schema of the package, protocols' messages and chatwire's own files (folder `chatwire`). */
export const schemas: readonly ChatwireSchema[] = readSchemaFiles(schemasDir).map((file) => ({ ...file.schema, $id: file.id }));

/** Adds every schema to a validator that takes schemas by `$id` (Ajv's `addSchema`), and returns it. */
export function addChatwireSchemas<V extends { addSchema(schema: ChatwireSchema): unknown }>(validator: V): V {
  for (const schema of schemas) validator.addSchema(schema);
  return validator;
}
