import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { loadScenarioFile } from '../src/mock/scenario-load.js';
import { scenarioKindOf } from '../src/mock/scenario-kind.js';
import { loadSuite } from '../src/suite/suite.js';
import { loadProtocols } from '../src/protocols/index.js';
import ctai from '../src/protocols/ctai/index.js';
import { inputSchemas } from '../src/input-schemas.js';
import { SchemaRegistry } from '../src/core/schemas.js';
import { readSchemaFiles, schemaProtocols } from '../src/core/schema-files.js';
import { generateTypes, packageBanner } from '../src/typegen/generate.js';
import { transportOf } from '../src/transports/index.js';
import { captureRule } from '../src/suite/rules.js';

const root = new URL('..', import.meta.url).pathname;
const read = (path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));

describe('scenario and suite files', () => {
  const ajv = new Ajv2020({ strict: false });
  const scenarioSchema = ajv.compile(read('schemas/chatwire/scenario.schema.json') as object);
  const suiteSchema = ajv.compile(read('schemas/chatwire/suite.schema.json') as object);

  it('every scenario file is valid against schemas/chatwire/scenario.schema.json and loads', async () => {
    for (const protocol of await loadProtocols()) {
      const dir = join(root, 'mocks', protocol.id);
      const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        expect(scenarioSchema(read(`mocks/${protocol.id}/${file}`)), `${protocol.id}/${file}: ${JSON.stringify(scenarioSchema.errors)}`).toBe(true);
        const scenario = loadScenarioFile(join(dir, file), scenarioKindOf(protocol));
        const ruleIds = new Set([...protocol.rules, ...transportOf(protocol).rules, captureRule].map((rule) => rule.id));
        for (const id of scenario.breaks) expect(ruleIds.has(id), `${file} names unknown rule ${id}`).toBe(true);
      }
    }
  });

  it('every suite file is valid against schemas/chatwire/suite.schema.json and loads', async () => {
    for (const protocol of await loadProtocols()) {
      expect(suiteSchema(read(`suites/${protocol.id}.json`)), JSON.stringify(suiteSchema.errors)).toBe(true);
      expect(loadSuite(protocol).protocol).toBe(protocol.id);
    }
  });

  it('every case with a refusal says which legal server it could fail (legalServers)', async () => {
    for (const protocol of await loadProtocols()) {
      const unexplained = loadSuite(protocol)
        .cases.filter((c) => c.steps.some((step) => step.expect === 'refusal') && (c.legalServers ?? '').trim() === '')
        .map((c) => `${protocol.id}/${c.name}`);
      expect(unexplained).toEqual([]);
    }
  });

  it('names the file, the path inside it and what was expected for a bad scenario', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatwire-bad-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ description: 'x', stream: { frames: [{ delayMs: 'soon', data: {} }] } }));
    expect(() => loadScenarioFile(file, scenarioKindOf(ctai))).toThrow(/Failed to load scenario .*bad\.json: at \/stream\/frames\/0/);
    writeFileSync(file, '{ not json');
    expect(() => loadScenarioFile(file, scenarioKindOf(ctai))).toThrow(/Failed to load scenario .*bad\.json: bad JSON at line 1, column 3/);
    writeFileSync(file, JSON.stringify({ description: 'x', stream: { frames: [] }, surprise: true }));
    expect(() => loadScenarioFile(file, scenarioKindOf(ctai))).toThrow(/surprise/);
  });

  it('names the case path for a bad suite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatwire-bad-'));
    const file = join(dir, 'ctai.json');
    writeFileSync(
      file,
      JSON.stringify({
        protocol: 'ctai',
        description: 'x',
        cases: [{ name: 'a', title: 't', source: { doc: 'd', section: 's' }, steps: [{ type: 'http', path: 'no-slash', expect: 'stream' }] }],
      }),
    );
    expect(() => loadSuite(ctai, file)).toThrow(/at \/cases\/0\/steps\/0\/path/);
  });
});

describe('generated files', () => {
  it('the checked-in TypeScript types match the schemas (run npm run types when this fails)', async () => {
    const files = readSchemaFiles(join(root, 'schemas'));
    for (const protocol of schemaProtocols(files)) {
      const generated = await generateTypes(files, protocol, packageBanner(protocol));
      expect(readFileSync(join(root, 'src', 'protocols', protocol, 'types.ts'), 'utf8'), `src/protocols/${protocol}/types.ts is stale`).toBe(generated);
    }
  });

  it('the input-file schemas match the zod schemas (run npm run types when this fails)', () => {
    for (const [file, schema] of Object.entries(inputSchemas())) {
      expect(read(`schemas/chatwire/${file}`), `schemas/chatwire/${file} is stale`).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });

  it('every protocol schema compiles under strict ajv and has an $id', () => {
    const registry = new SchemaRegistry();
    for (const id of [
      'https://chatwire.dev/schemas/ctai/request.json',
      'https://chatwire.dev/schemas/ctai/packet.json',
      'https://chatwire.dev/schemas/ctai/answer.json',
    ]) {
      expect(registry.has(id)).toBe(true);
      expect(typeof registry.validator(id)).toBe('function');
    }
  });
});
