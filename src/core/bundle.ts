import { ChatwireError } from './errors.js';
import { schemasDir } from './paths.js';
import { readSchemaFiles } from './schema-files.js';
import { isArray, isRecord } from './schemas.js';

/** A JSON Schema, or any JSON object of an API description. */
export type JsonObject = { readonly [key: string]: unknown };

/** Where a document says what an operation or message does. */
export interface ApiSource {
  readonly doc: string;
  readonly section: string;
}

/** One schema file under `schemas/`: `<folder>/<name>.schema.json`. */
interface SchemaFile {
  /** `<folder>/<name>`, e.g. `ctai/packet`: what names its component. */
  readonly key: string;
  readonly id: string;
  readonly schema: JsonObject;
}

/**
 * Every schema file by its `$id` and by its place, read once. References resolve through this map,
 * never the network, so they work whatever form the ids take (a URN or an https URL).
 */
export class SchemaFiles {
  readonly #byId = new Map<string, SchemaFile>();
  readonly #byKey = new Map<string, SchemaFile>();

  constructor(dir: string = schemasDir) {
    for (const { folder, name, id, schema } of readSchemaFiles(dir)) {
      const file = { key: `${folder}/${name}`, id, schema };
      this.#byId.set(id, file);
      this.#byKey.set(file.key, file);
    }
  }

  /** The file behind an absolute reference (its fragment aside), if any. */
  byId(id: string): SchemaFile | undefined {
    return this.#byId.get(id);
  }

  /** The file `<folder>/<name>`, if any. */
  byKey(key: string): SchemaFile | undefined {
    return this.#byKey.get(key);
  }
}

/** Resolves `ref` against the base URI `base` (a URN or a URL); refs are either `#…` or absolute for a URN base. */
function resolveRef(ref: string, base: string): string {
  if (ref.startsWith('#')) return `${base.replace(/#.*$/, '')}${ref}`;
  try {
    return new URL(ref, base).href;
  } catch {
    return ref;
  }
}

const COMPONENT_NAME = /[^A-Za-z0-9._-]/g;

/**
 * Gathers the schemas an API description references into one `components/schemas` table. The
 * description names a protocol's schema by its file (`{ $ref: 'packet.schema.json#/$defs/x' }`,
 * relative to `schemas/<folder>/`); each file becomes the component `<folder>.<name>` and each of
 * its `$defs` the component `<folder>.<name>.<def>`, with every `$ref` rewritten to point at them.
 */
export class SchemaBundle {
  readonly #files: SchemaFiles;
  readonly #folder: string;
  readonly #components = new Map<string, JsonObject>();
  readonly #pending: { name: string; file: SchemaFile; value: JsonObject }[] = [];
  readonly #prefix: string;

  /** `prefix` is where components live in the output, e.g. `#/components/schemas/`. */
  constructor(files: SchemaFiles, folder: string, prefix: string) {
    this.#files = files;
    this.#folder = folder;
    this.#prefix = prefix;
  }

  /** A schema written in the API declaration, with its file references rewritten to components. */
  use(schema: JsonObject): JsonObject {
    return this.#rewrite(schema, (ref) => {
      const [path = '', fragment = ''] = ref.split('#', 2);
      if (path === '') throw new ChatwireError('INTERNAL', `Failed to bundle the schema of ${this.#folder}: the reference "${ref}" names no schema file`);
      const key = `${this.#folder}/${path.replace(/\.schema\.json$/, '')}`;
      const file = this.#files.byKey(key) ?? this.#files.byId(path);
      if (file === undefined) throw new ChatwireError('INTERNAL', `Failed to bundle the schema of ${this.#folder}: no schema file ${key}.schema.json`);
      return this.#target(file, fragment);
    });
  }

  /** Every component referenced so far, its own references followed, sorted by name. */
  components(): Record<string, JsonObject> {
    // Each pending entry adds at most one component per name, and names are finite: bounded.
    for (let next = this.#pending.shift(); next !== undefined; next = this.#pending.shift()) {
      const { file } = next;
      this.#components.set(
        next.name,
        this.#rewrite(next.value, (ref) => {
          const absolute = resolveRef(ref, file.id);
          const [id = '', fragment = ''] = absolute.split('#', 2);
          const target = this.#files.byId(id);
          if (target === undefined) throw new ChatwireError('INTERNAL', `Failed to bundle ${file.key}: "${ref}" names no schema under schemas/`);
          return this.#target(target, fragment);
        }),
      );
    }
    return Object.fromEntries([...this.#components.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** The output reference for `fragment` of `file`, queueing the component it lands in. */
  #target(file: SchemaFile, fragment: string): string {
    const fileName = file.key.replaceAll('/', '.').replace(COMPONENT_NAME, '_');
    const match = /^\/\$defs\/([^/]+)(.*)$/.exec(fragment);
    if (match !== null) {
      const def = (match[1] ?? '').replaceAll('~1', '/').replaceAll('~0', '~');
      const value = isRecord(file.schema['$defs']) ? file.schema['$defs'][def] : undefined;
      if (!isRecord(value)) throw new ChatwireError('INTERNAL', `Failed to bundle ${file.key}: it has no $defs/${def}`);
      const name = `${fileName}.${def.replace(COMPONENT_NAME, '_')}`;
      this.#queue(name, file, value);
      return `${this.#prefix}${name}${match[2] ?? ''}`;
    }
    const { $schema: _schema, $id: _id, $defs: _defs, ...root } = file.schema;
    this.#queue(fileName, file, root);
    return `${this.#prefix}${fileName}${fragment}`;
  }

  #queue(name: string, file: SchemaFile, value: JsonObject): void {
    if (this.#components.has(name)) return;
    // A placeholder until its turn comes, so a schema that refers to itself is queued once.
    this.#components.set(name, {});
    this.#pending.push({ name, file, value });
  }

  /** A copy of `value` with every `$ref` string passed through `map` (the schemas are ours and shallow). */
  #rewrite(value: JsonObject, map: (ref: string) => string): JsonObject {
    const copy = (node: unknown): unknown => {
      if (isArray(node)) return node.map(copy);
      if (!isRecord(node)) return node;
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = key === '$ref' && typeof child === 'string' ? map(child) : copy(child);
      return out;
    };
    const result = copy(value);
    return isRecord(result) ? result : {};
  }
}
