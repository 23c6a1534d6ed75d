// `npm run types` (after a build): writes src/protocols/<id>/types.ts from schemas/<id>/*.schema.json
// (json-schema-to-typescript) and schemas/chatwire/*.schema.json from the zod schemas of chatwire's
// own files, prints what it changed, and rebuilds when a types file changed.
// `node scripts/types.mjs --check` writes nothing and fails when a checked-in file is stale.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const schemasDir = join(root, 'schemas');
const dist = (path) => import(new URL(`../dist/${path}`, import.meta.url).href);
const { generateTypes, packageBanner } = await dist('typegen/generate.js');
const { readSchemaFiles, schemaProtocols } = await dist('core/schema-files.js');
const { inputSchemas } = await dist('input-schemas.js');

const check = process.argv.includes('--check');
const changed = [];
const stale = [];

function update(path, source) {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (current === source) return;
  const shown = path.slice(root.length);
  if (check) stale.push(shown);
  else {
    writeFileSync(path, source);
    changed.push(shown);
  }
}

const files = readSchemaFiles(schemasDir);
for (const protocol of schemaProtocols(files)) {
  update(join(root, 'src', 'protocols', protocol, 'types.ts'), await generateTypes(files, protocol, packageBanner(protocol)));
}
for (const [file, schema] of Object.entries(inputSchemas())) {
  update(join(schemasDir, 'chatwire', file), `${JSON.stringify(schema, null, 2)}\n`);
}

if (check) {
  for (const path of stale) console.error(`stale: ${path} (run npm run types)`);
  process.exitCode = stale.length === 0 ? 0 : 1;
} else if (changed.length === 0) {
  console.log('npm run types: no change');
} else {
  for (const path of changed) console.log(`wrote ${path}`);
  // dist/ must hold what the new types compile to.
  if (changed.some((path) => path.endsWith('types.ts'))) execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}
