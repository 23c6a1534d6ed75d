import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import pocketqa from '../src/protocols/pocketqa/index.js';

// Debian's interpreter, where Debian's python3-socketio is installed (.ci/run installs it).
const PYTHON = '/usr/bin/python3';
const client = new URL('./clients/pocketqa/pocketqa.socketio.test.py', import.meta.url).pathname;
let mock: MockServer;

beforeAll(async () => {
  const probe = await promisify(execFile)(PYTHON, ['-c', 'import socketio, aiohttp']).catch((error: Error) => error);
  if (probe instanceof Error) throw new Error(`python3-socketio is missing for ${PYTHON}: apt-get install python3-socketio (.ci/run does) — ${probe.message}`);
  mock = await startMockServer({ protocols: [pocketqa], port: 0 });
});
afterAll(() => mock?.close());

/** Runs the client until it prints the stop event (it waits for ever by design), then stops it. */
function runClient(text: string, event: string): Promise<string> {
  const { hostname, port } = new URL(mock.url);
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [client, hostname, port, text, event], { env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no stop event within 20 s; the client printed:\n${out}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("'finish_reason': 'stop'")) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        resolve(out);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
  });
}

describe("the document's Python Socket.IO client against the pocketqa mock", () => {
  it('receives the whole answer to its JSON-string CHAT_CS payload', async () => {
    const out = await runClient('身份证丢了应该怎么办?', 'CHAT_CS');
    const lines = out.split('\n').filter((line) => line.startsWith('Received response: '));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(out).toContain("'delta': '根据《中华人民共和国身份证法》第二十五条规定：'");
    expect(out).toContain("'sid': '1234567'");
    expect(out).toContain("'finish_reason': 'stop'");
  });

  it('receives the SUM_SS answer to SUM_CS', async () => {
    expect(await runClient('请总结', 'SUM_CS')).toContain("'finish_reason': 'stop'");
  });
});
