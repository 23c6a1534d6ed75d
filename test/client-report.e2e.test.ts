import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-helper.js';
import { io as connect } from 'socket.io-client';
import { startMockProcess } from './mock-process.js';

const dir = mkdtempSync(join(tmpdir(), 'chatwire-client-report-'));

/** Starts `chatwire mock` with `args`, hands its URL to `use`, stops it with Ctrl+C, and returns how it ended. */
async function withMock(args: readonly string[], use: (url: string) => Promise<void>): Promise<{ code: number | null; stderr: string }> {
  const mock = await startMockProcess(['--speed', '0', ...args]);
  try {
    await use(mock.url);
  } finally {
    await mock.stop('SIGINT');
  }
  return { code: await mock.stop('SIGINT'), stderr: mock.stderr() };
}

const badRequest = (url: string): Promise<Response> =>
  fetch(`${url}/v1/ctai/query_text_chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query_text: 'q', lang: 'en' }),
  });

describe('chatwire mock --report and --fail-on-client-deviation', () => {
  it("writes a JUnit report of a client's deviations and exits 1", async () => {
    const file = join(dir, 'clients.xml');
    const { code, stderr } = await withMock(['--protocol', 'ctai', '--report', file, '--fail-on-client-deviation'], async (url) => {
      await (await badRequest(url)).text();
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/1 client deviation\(s\), 1 of them errors; report written to/);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toContain('<testcase classname="chatwire.client.ctai" name="POST /v1/ctai/query_text_chat">');
    expect(xml).toMatch(/<failure message="1 client deviation\(s\): ctai\.request\.shape"/);
  });

  it('writes a JSON report and exits 0 for a clean client', async () => {
    const file = join(dir, 'clients.json');
    const { code } = await withMock(['--protocol', 'ctai', '--report', file, '--fail-on-client-deviation'], async (url) => {
      const ok = await fetch(`${url}/v1/ctai/query_text_chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query_text":"q","stream":"1"}',
      });
      await ok.text();
    });
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'chatwire-client-deviations', version: 1, total: 0, errors: 0, deviations: [] });
  });

  it("does not count chatwire run's own refusal cases against the user's client", async () => {
    const file = join(dir, 'after-run.json');
    let runCode: number | null = null;
    const { code, stderr } = await withMock(['--protocol', 'ctai', '--protocol', 'fastgpt-py', '--report', file, '--fail-on-client-deviation'], async (url) => {
      runCode = (await cli(['run', 'ctai', 'fastgpt-py', '--target', url])).code;
    });
    expect(runCode).toBe(0);
    expect(stderr).not.toContain('client deviation on');
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ total: 0 });
  }, 60_000);

  it('reports a Socket.IO event no protocol listens to (a misspelt chat_cs), which the mock leaves unanswered', async () => {
    const file = join(dir, 'socket.json');
    const answered: string[] = [];
    const { code, stderr } = await withMock(['--protocol', 'pocketqa', '--report', file, '--fail-on-client-deviation'], async (url) => {
      const socket = connect(url, { transports: ['websocket'] });
      socket.onAny((event: string) => answered.push(event));
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.emit('chat_cs', { text: '身份证丢了应该怎么办?', upload_id: '' });
      socket.emit('CHAT_CS', { text: '身份证丢了应该怎么办?', upload_id: '' });
      await new Promise<void>((resolve) =>
        socket.on('CHAT_SS', (message: { data?: { finish_reason?: unknown } }) => message.data?.finish_reason === 'stop' && resolve()),
      );
      socket.close();
    });
    expect(code).toBe(1);
    expect(stderr).toContain('ignored chat_cs on Socket.IO connection');
    expect(new Set(answered)).toEqual(new Set(['CHAT_SS']));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      total: 1,
      deviations: [{ method: 'EMIT chat_cs', deviation: { rule: 'pocketqa.request.event' } }],
    });
  });

  it('exits 2 at once when the report cannot be written', async () => {
    const { code, stderr } = await cli(['mock', '--port', '0', '--report', join(dir, 'missing', 'x.json')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Failed to write the client report .*missing.*give --report a path in a folder that exists/);
  });
});
