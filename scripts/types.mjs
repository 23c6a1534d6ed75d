// Generates src/protocols/<id>/types.ts from schemas/<id>/*.schema.json with json-schema-to-typescript.
// `npm run types` writes them; `node scripts/types.mjs --check` fails when a checked-in file is stale.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const schemasDir = join(root, 'schemas');

/** Every schema by its $id, so `https://chatwire.dev/schemas/…` references resolve without any network. */
function schemasById() {
  const byId = new Map();
  for (const folder of readdirSync(schemasDir, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(join(schemasDir, folder.name))) {
      if (!file.endsWith('.schema.json')) continue;
      const schema = JSON.parse(readFileSync(join(schemasDir, folder.name, file), 'utf8'));
      byId.set(schema.$id, { schema, folder: folder.name, file });
    }
  }
  return byId;
}

/** The generated source of one protocol's types file. */
export async function generateTypes(protocol) {
  const byId = schemasById();
  const resolver = {
    order: 1,
    canRead: /^https:\/\/chatwire\.dev\/schemas\//i,
    read: (file) => {
      const found = byId.get(file.url.replace(/#.*$/, ''));
      if (found === undefined) throw new Error(`no schema has $id ${file.url}`);
      return JSON.stringify(found.schema);
    },
  };
  const parts = [];
  const entries = [...byId.values()].filter((entry) => entry.folder === protocol).sort((a, b) => a.file.localeCompare(b.file));
  for (const { schema } of entries) {
    const source = await compile(structuredClone(schema), schema.title, {
      bannerComment: '',
      additionalProperties: true,
      strictIndexSignatures: true,
      $refOptions: { resolve: { chatwire: resolver } },
      format: true,
      declareExternallyReferenced: true,
      cwd: join(schemasDir, protocol),
    });
    parts.push(source.trim());
  }
  const body = dedupe(parts.join('\n\n'));
  const banner = `/* Generated from schemas/${protocol}/ by \`npm run types\` (json-schema-to-typescript). Do not edit by hand. */`;
  return `${banner}\n\n${body}\n`;
}

/**
 * Schemas that share a definition through $ref each declare it; keep the first declaration of
 * every name. A declaration runs from its comment to the closing line at column 0.
 */
function dedupe(source) {
  const blocks = [];
  let current = [];
  let depth = 0;
  for (const line of source.split('\n')) {
    current.push(line);
    const trimmed = line.trim();
    // Braces in JSDoc text are prose; count only code lines.
    if (trimmed.startsWith('*') || trimmed.startsWith('/*') || trimmed.startsWith('//')) continue;
    for (const char of trimmed) {
      if (char === '{') depth++;
      else if (char === '}') depth--;
    }
    if (depth === 0 && /[};]$/.test(trimmed)) {
      blocks.push(current.join('\n').trim());
      current = [];
    }
  }
  if (current.join('').trim() !== '') blocks.push(current.join('\n').trim());
  const seen = new Set();
  return blocks
    .filter((block) => {
      const name = /^export (?:interface|type) (\w+)/m.exec(block)?.[1];
      if (name === undefined) return true;
      if (seen.has(name)) return false;
      seen.add(name);
      return true;
    })
    .join('\n');
}

export function protocolsWithSchemas() {
  return readdirSync(schemasDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'chatwire')
    .map((entry) => entry.name)
    .sort();
}

export function typesPath(protocol) {
  return join(root, 'src', 'protocols', protocol, 'types.ts');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  // --protocols: only the types (no build needed); --inputs: only the input-file schemas (needs dist/).
  const only = process.argv.includes('--protocols') ? 'protocols' : process.argv.includes('--inputs') ? 'inputs' : undefined;
  let stale = 0;
  for (const protocol of only === 'inputs' ? [] : protocolsWithSchemas()) {
    const source = await generateTypes(protocol);
    const path = typesPath(protocol);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (current === source) continue;
    if (check) {
      stale++;
      console.error(`stale: src/protocols/${protocol}/types.ts (run npm run types)`);
    } else {
      writeFileSync(path, source);
      console.log(`wrote src/protocols/${protocol}/types.ts`);
    }
  }
  // The input-file schemas come from the built zod schemas.
  const { inputSchemas } = only === 'protocols' ? { inputSchemas: () => ({}) } : await import('../dist/input-schemas.js');
  for (const [file, schema] of Object.entries(inputSchemas())) {
    const path = join(schemasDir, 'chatwire', file);
    const source = `${JSON.stringify(schema, null, 2)}\n`;
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (current === source) continue;
    if (check) {
      stale++;
      console.error(`stale: schemas/chatwire/${file} (run npm run types)`);
    } else {
      writeFileSync(path, source);
      console.log(`wrote schemas/chatwire/${file}`);
    }
  }
  process.exitCode = stale === 0 ? 0 : 1;
}
