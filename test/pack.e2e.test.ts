import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { root } from './cli-helper.js';

// What npm run-script passes down about this package must not leak into the empty project's npm.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_(package|lifecycle)_|^npm_config_(local_)?prefix$|^INIT_CWD$/.test(name)));

function run(command: string, args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, env: { ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: 150_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const Packed = z.array(z.object({ filename: z.string(), files: z.array(z.object({ path: z.string() })) }));

const dir = mkdtempSync(join(tmpdir(), 'chatwire-pack-'));
// The project's node_modules is tens of megabytes: not left behind.
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the published package', () => {
  it('npm pack, installed into an empty project, runs as npx chatwire run ctai against its embedded mock', { timeout: 300_000 }, () => {
    // dist/ is built (npm test builds first); the tarball is what npm publish would upload.
    const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root);
    expect(packed.status, packed.stderr).toBe(0);
    const [tarball] = Packed.parse(JSON.parse(packed.stdout));
    const paths = tarball?.files.map((file) => file.path) ?? [];
    expect(paths).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'dist/cli/main.js',
        'suites/ctai.json',
        'mocks/ctai/plain.json',
        'schemas/chatwire/baseline.schema.json',
      ]),
    );
    // Of the sources, only the generated types ship: chatwire types writes them for users.
    expect(paths.filter((path) => path.startsWith('test/') || (path.startsWith('src/') && !/^src\/protocols\/[a-z-]+\/types\.ts$/.test(path)))).toEqual([]);

    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'empty-project', private: true }));
    // The registry is reachable; --prefer-offline takes what the npm cache already holds.
    const installed = run('npm', ['install', join(dir, tarball?.filename ?? ''), '--prefer-offline', '--no-audit', '--no-fund'], project);
    expect(installed.status, installed.stderr).toBe(0);
    expect(existsSync(join(project, 'node_modules', 'chatwire', 'schemas', 'chatwire', 'baseline.schema.json'))).toBe(true);

    const result = run('npx', ['chatwire', 'run', 'ctai'], project);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/\n(\d+) passed of \1 case\(s\) against http:\/\/127\.0\.0\.1:\d+ \(embedded mock\)/);
    expect(result.status).toBe(0);
  });

  it(
    'an empty project imports a schema through the export and validates with its own Ajv, and types its code with chatwire types',
    { timeout: 300_000 },
    () => {
      const project = join(dir, 'project');
      const added = run('npm', ['install', 'ajv@8', 'typescript@5.9', '--prefer-offline', '--no-audit', '--no-fund'], project);
      expect(added.status, added.stderr).toBe(0);
      writeFileSync(
        join(project, 'validate.mjs'),
        [
          "import { Ajv2020 } from 'ajv/dist/2020.js';",
          "import request from 'chatwire/schemas/ctai/request.json' with { type: 'json' };",
          "import packet from 'chatwire/schemas/ctai/packet.json' with { type: 'json' };",
          "import { addChatwireSchemas } from 'chatwire/schemas';",
          // request.json stands alone; packet.json refers to answer.json by $id, so all are added first.
          'const alone = new Ajv2020({ strict: true }).compile(request);',
          'const validate = addChatwireSchemas(new Ajv2020({ strict: true })).getSchema(packet.$id);',
          'console.log(JSON.stringify({',
          '  request: [alone(request.examples[0]), alone({ ...request.examples[0], stream: 1 })],',
          "  packet: [validate(packet.examples[0]), validate({ ret: '0', data: { msg_id: 'a', msg_sn: '01', event: '', answer_text: '' } })],",
          '}));',
        ].join('\n'),
      );
      const validated = run('node', ['validate.mjs'], project);
      expect(validated.stderr).toBe('');
      expect(JSON.parse(validated.stdout)).toEqual({ request: [true, false], packet: [true, false] });

      const written = run('npx', ['chatwire', 'types', '--out', 'generated', 'ctai'], project);
      expect(written.stderr).toBe('');
      expect(written.stdout).toBe('wrote generated/ctai.ts\n');
      writeFileSync(
        join(project, 'use.ts'),
        [
          "import type { CtaiPacket } from 'chatwire/types/ctai';",
          "import type { CtaiPacket as Written } from './generated/ctai.js';",
          "const packet: CtaiPacket = { ret: '0', data: { msg_id: 'a', msg_sn: '0', event: 'stop', answer_text: '' } };",
          'export const same: Written = packet;',
          '// @ts-expect-error: msg_sn is a string in the document',
          "export const wrong: Written = { ret: '0', data: { msg_id: 'a', msg_sn: 0, event: '', answer_text: '' } };",
        ].join('\n'),
      );
      const tsc = run('npx', ['tsc', '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', 'use.ts'], project);
      expect(tsc.stdout + tsc.stderr).toBe('');
      expect(tsc.status).toBe(0);

      // Generating from an edited copy needs json-schema-to-typescript, which the package does not bring.
      const copy = run('npx', ['chatwire', 'types', '--out', 'mine', '--schemas', 'node_modules/chatwire/schemas'], project);
      expect(copy.status).toBe(2);
      expect(copy.stderr).toMatch(/^chatwire: Failed to load json-schema-to-typescript: .*npm install --save-dev json-schema-to-typescript/);
    },
  );
});
