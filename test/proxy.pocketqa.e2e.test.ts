import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import pocketqa from '../src/protocols/pocketqa/index.js';
import { io as connect } from 'socket.io-client';
import { startProxyBin } from './proxy-helper.js';

// Debian's interpreter, where Debian's python3-socketio is installed (.ci/run installs it).
const PYTHON = '/usr/bin/python3';
const client = new URL('./clients/pocketqa/pocketqa.socketio.test.py', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'chatwire-proxy-pocketqa-'));
let mock: MockServer;

beforeAll(async () => {
  const probe = await promisify(execFile)(PYTHON, ['-c', 'import socketio, aiohttp']).catch((error: Error) => error);
  if (probe instanceof Error) throw new Error(`python3-socketio is missing for ${PYTHON}: apt-get install python3-socketio (.ci/run does) — ${probe.message}`);
  mock = await startMockServer({ protocols: [pocketqa], port: 0 });
});
afterEach(() => mock.reset());
afterAll(() => mock?.close());

/** Runs the document's client against `base` until it prints the stop event (it waits for ever by design), then stops it. */
function runClient(base: string, text: string, event: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [client, hostname, port, text, event], { env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no stop event within 20 s; the client printed:\n${out}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes("'finish_reason': 'stop'")) return;
      clearTimeout(timer);
      // Strays are awaited half a second after the stop event, as the suites do: the client stays till then.
      setTimeout(() => {
        child.kill('SIGTERM');
        resolve(out);
      }, 800);
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
  });
}

/** The events the client printed, with the ids that differ from answer to answer left out. */
const received = (out: string): string[] =>
  out
    .split('\n')
    .filter((line) => line.startsWith('Received response: '))
    .map((line) => line.replace(/'(msg_id|id|room|sid|dialogue)': '[^']*'/g, "'$1': ''"));

describe("the document's Python Socket.IO client through chatwire proxy to the pocketqa mock", () => {
  it('gets the events it gets without the proxy, each CHAT_CS and its CHAT_SS run judged as one exchange with no deviation', async () => {
    const junit = join(dir, 'plain.xml');
    const proxy = await startProxyBin(['pocketqa', '--target', mock.url, '--port', '0', '-r', 'junit', '-o', junit, '--fail-on-deviation']);
    const direct = received(await runClient(mock.url, '身份证丢了应该怎么办?', 'CHAT_CS'));
    const proxied = received(await runClient(proxy.url, '身份证丢了应该怎么办?', 'CHAT_CS'));
    expect(proxied.length).toBeGreaterThanOrEqual(2);
    expect(proxied).toEqual(direct);
    await runClient(proxy.url, '请总结', 'SUM_CS');
    const { code, stdout, stderr } = await proxy.stop();
    expect(stderr).not.toContain('error');
    expect(code).toBe(0);
    expect(stdout).toMatch(/2 passed of 2 case\(s\)/);
    expect(readFileSync(junit, 'utf8')).toContain('#0 EMIT CHAT_CS');
  });

  it('reports a delta that is not a string live and in the JUnit file', async () => {
    const junit = join(dir, 'faults.xml');
    const proxy = await startProxyBin(['pocketqa', '--target', mock.url, '--port', '0', '-r', 'junit', '-o', junit, '--fail-on-deviation']);
    mock.use('pocketqa', 'delta-not-string');
    await runClient(proxy.url, '身份证丢了应该怎么办?', 'CHAT_CS');
    await proxy.waitFor('pocketqa.delta.text');
    const { code, stderr } = await proxy.stop();
    expect(stderr).toMatch(/#0 EMIT CHAT_CS \/socket\.io\/: error pocketqa\.delta\.text at frame \d+ \(event CHAT_SS\)/);
    expect(code).toBe(1);
    expect(readFileSync(junit, 'utf8')).toContain('pocketqa.delta.text');
  });

  it('reports an answer broadcast to a client that asked nothing (pocketqa.answer.private), as a bystander of its own', async () => {
    const proxy = await startProxyBin(['pocketqa', '--target', mock.url, '--port', '0', '--fail-on-deviation']);
    mock.use('pocketqa', 'broadcast');
    const bystander = connect(proxy.url, { transports: ['websocket'] });
    await new Promise<void>((resolve) => bystander.once('connect', () => resolve()));
    await runClient(proxy.url, '身份证丢了应该怎么办?', 'CHAT_CS');
    await proxy.waitFor('pocketqa.answer.private');
    bystander.close();
    const { code, stderr } = await proxy.stop();
    expect(stderr).toMatch(
      /RECEIVE CHAT_SS \/socket\.io\/: error pocketqa\.answer\.private at frame 0 \(event CHAT_SS\): another connected client received "CHAT_SS"/,
    );
    expect(code).toBe(1);
  });
});
