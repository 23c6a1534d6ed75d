// Writes specs/<protocol>.<openapi|asyncapi>.json from the built code (`npm run specs`), the same
// descriptions `chatwire spec PROTOCOL` prints. `node scripts/specs.mjs --check` fails when a
// checked-in file is stale or missing.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaFiles } from '../dist/core/bundle.js';
import { loadProtocols } from '../dist/protocols/index.js';
import { transportOf } from '../dist/transports/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const specsDir = join(root, 'specs');
const check = process.argv.includes('--check');

const files = new SchemaFiles();
const wanted = new Map();
// A protocol without an api.ts has no description (chatwire spec says so).
for (const protocol of (await loadProtocols()).filter((protocol) => protocol.api !== undefined)) {
  const { api } = transportOf(protocol);
  wanted.set(`${protocol.id}.${api.format}.json`, `${JSON.stringify(api.describe(files), null, 2)}\n`);
}

const present = existsSync(specsDir) ? readdirSync(specsDir).filter((name) => name.endsWith('.json')) : [];
const stale = [...wanted].filter(([name, text]) => !present.includes(name) || readFileSync(join(specsDir, name), 'utf8') !== text).map(([name]) => name);
const extra = present.filter((name) => !wanted.has(name));

if (check) {
  if (stale.length > 0 || extra.length > 0) {
    console.error(
      `specs/ is stale: ${[...stale.map((name) => `${name} differs`), ...extra.map((name) => `${name} has no protocol`)].join(', ')}. Run npm run specs.`,
    );
    process.exit(1);
  }
  console.log(`specs/ is up to date (${wanted.size} files)`);
} else {
  mkdirSync(specsDir, { recursive: true });
  for (const name of stale) writeFileSync(join(specsDir, name), wanted.get(name));
  for (const name of extra) rmSync(join(specsDir, name));
  const changed = [...stale.map((name) => `wrote specs/${name}`), ...extra.map((name) => `removed specs/${name}`)];
  console.log(changed.length === 0 ? `specs/ unchanged (${wanted.size} files)` : changed.join('\n'));
}
