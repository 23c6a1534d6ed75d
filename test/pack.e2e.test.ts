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
    expect(paths.filter((path) => path.startsWith('test/') || path.startsWith('src/'))).toEqual([]);

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
});
