import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import tasks from '../src/protocols/tasks/index.js';
import { startProxyBin } from './proxy-helper.js';

const run = promisify(execFile);
const clients = new URL('./clients/tasks/', import.meta.url).pathname;
const TOKEN = 'tasks-proxy-test-token';
const dir = mkdtempSync(join(tmpdir(), 'chatwire-proxy-tasks-'));
let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({ protocols: [tasks], port: 0, token: TOKEN });
});
afterEach(() => mock.reset());
afterAll(() => mock.close());

/** The document's client, pointed at `base`, against a fresh mock (its workspace is new again): what it printed. */
async function client(kind: 'curl' | 'fetch', base: string, fresh = true): Promise<string> {
  if (fresh) mock.reset();
  const env = { ...process.env, TASKS_BASE_URL: base, TASKS_TOKEN: TOKEN };
  const [command, file] = kind === 'curl' ? ['bash', `${clients}flow.sh`] : [process.execPath, `${clients}flow.mjs`];
  const { stdout } = await run(command, [file], { env, timeout: 30_000 });
  return stdout;
}

describe("the document's polling clients through chatwire proxy to the tasks mock", () => {
  it('print what they print without the proxy, with no deviation: every poll judged as a frame of its task', async () => {
    const junit = join(dir, 'plain.xml');
    const proxy = await startProxyBin(['tasks', '--target', mock.url, '--port', '0', '-r', 'junit', '-o', junit, '--fail-on-deviation']);
    for (const kind of ['curl', 'fetch'] as const) {
      const direct = (await client(kind, mock.url)).replace(/(conv|task)_[0-9a-f]+/g, '$1_');
      expect((await client(kind, proxy.url)).replace(/(conv|task)_[0-9a-f]+/g, '$1_'), kind).toBe(direct);
    }
    const { code, stdout, stderr } = await proxy.stop();
    expect(stderr).not.toContain('error');
    expect(code).toBe(0);
    // Each run: three calls that create, then one series of polls.
    expect(stdout).toMatch(/8 passed of 8 case\(s\)/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites[^>]* failures="0"/);
    expect(xml).toMatch(/#\d+ POLL \/api\/v1\/tasks\/task_[0-9a-f]+/);
  });

  it('report a poll that repeats events live and in the JUnit file', async () => {
    const junit = join(dir, 'faults.xml');
    const proxy = await startProxyBin(['tasks', '--target', mock.url, '--port', '0', '-r', 'junit', '-o', junit, '--fail-on-deviation']);
    mock.use('tasks', 'offset-stuck');
    await client('fetch', proxy.url, false);
    await proxy.waitFor('tasks.poll.advances');
    const { code, stderr } = await proxy.stop();
    expect(stderr).toMatch(
      /#3 POLL \/api\/v1\/tasks\/task_[0-9a-f]+: error tasks\.poll\.advances at frame \d+ \/data\/next_offset: \d+ event\(s\) came but next_offset stayed/,
    );
    expect(code).toBe(1);
    expect(readFileSync(junit, 'utf8')).toContain('tasks.poll.advances');
  });
});
