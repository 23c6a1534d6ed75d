import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, root, spawnBin } from './cli-helper.js';

/**
 * A sixth protocol is folders only, on any transport: three throwaway protocols (on SSE,
 * Socket.IO and polling) are added to a copy of the tree as a protocol folder, scenarios and a
 * suite each, with no shared file touched. The copy builds, and each suite passes against the
 * mock and fails against its fault scenario.
 */
const fixtures = join(root, 'test', 'fixtures', 'new-protocols');
const added = [
  { id: 'echo-sse', fault: 'no-done', rule: 'echo-sse.done.sent' },
  { id: 'echo-socket', fault: 'no-done', rule: 'echo-socket.done.sent' },
  { id: 'echo-poll', fault: 'next-string', rule: 'echo-poll.poll.shape' },
] as const;

let tree = '';
let mock: ChildProcess | undefined;
let mockUrl = '';

function build(): void {
  execFileSync(process.execPath, [join(tree, 'scripts', 'build.mjs')], { cwd: tree, stdio: 'pipe' });
}

function startMock(): Promise<string> {
  const child = spawnBin(['mock', '--port', '0', ...added.flatMap(({ id }) => ['--protocol', id])], tree);
  mock = child;
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('close', () => reject(new Error(`the mock exited early: ${out}`)));
  });
}

beforeAll(async () => {
  tree = mkdtempSync(join(tmpdir(), 'chatwire-tree-'));
  for (const part of ['package.json', 'tsconfig.json', 'scripts', 'src', 'schemas', 'mocks', 'suites'])
    cpSync(join(root, part), join(tree, part), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
  // The new protocols: folders under src/protocols/, mocks/ and a file in suites/, nothing else.
  cpSync(fixtures, tree, { recursive: true });
  build();
  mockUrl = await startMock();
}, 120_000);

afterAll(() => {
  mock?.kill('SIGTERM');
  if (tree !== '') rmSync(tree, { recursive: true, force: true });
});

describe('a new protocol from folders alone', () => {
  it('is listed with its rules beside the built-in ones', async () => {
    const listed = await cli(['rules', ...added.map(({ id }) => id), '--json'], {}, tree);
    expect(listed.code).toBe(0);
    const ids = (JSON.parse(listed.stdout) as Array<{ id: string }>).map((rule) => rule.id);
    for (const { rule } of added) expect(ids).toContain(rule);
  });

  for (const { id, fault, rule } of added) {
    it(`${id}: its suite passes against the embedded mock (exit 0)`, async () => {
      const result = await cli(['run', id], {}, tree);
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toMatch(/1 passed of 1 case/);
    });

    it(`${id}: its suite passes against the mock server, and fails on the fault scenario with ${rule} (exit 1)`, async () => {
      expect((await cli(['run', id, '--target', mockUrl], {}, tree)).code).toBe(0);
      const broken = await cli(['run', id, '--target', mockUrl, '-H', `x-chatwire-scenario: ${fault}`, '--idle-timeout', '500ms'], {}, tree);
      expect(broken.code, broken.stdout).toBe(1);
      expect(broken.stdout).toContain(rule);
    });
  }

  it('rebuilds dist/ clean: a protocol removed from src/ is gone from the build, and the rest still run', async () => {
    mock?.kill('SIGTERM');
    rmSync(join(tree, 'src', 'protocols', 'echo-sse'), { recursive: true });
    build();
    expect(existsSync(join(tree, 'dist', 'protocols', 'echo-sse'))).toBe(false);
    const listed = await cli(['rules', '--json'], {}, tree);
    expect(listed.stdout).not.toContain('echo-sse.');
    expect((await cli(['run', 'echo-poll'], {}, tree)).code).toBe(0);
  }, 120_000);
});
