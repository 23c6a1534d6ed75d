import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import fastgptPy from '../src/protocols/fastgpt-py/index.js';

const run = promisify(execFile);
// Debian's interpreter, where Debian's python3-aiohttp is installed (.ci/run installs it).
const PYTHON = '/usr/bin/python3';
const clients = new URL('./clients/fastgpt-py/', import.meta.url).pathname;
let mock: MockServer;

beforeAll(async () => {
  const probe = await run(PYTHON, ['-c', 'import aiohttp; print(aiohttp.__version__)']).catch((error: Error) => error);
  if (probe instanceof Error) throw new Error(`python3-aiohttp is missing for ${PYTHON}: apt-get install python3-aiohttp (.ci/run does) — ${probe.message}`);
  mock = await startMockServer({ protocols: [fastgptPy], port: 0 });
});
afterAll(() => mock?.close());

async function python(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(PYTHON, [`${clients}${script}`, ...args], { env: { ...process.env, API_BASE_URL: mock.url }, timeout: 20_000 });
  return stdout;
}

describe("the document's Python clients (aiohttp) against the fastgpt-py mock", () => {
  it('examples/nostream_chat.py prints the status and the JSON answer', async () => {
    const out = await python('nostream_chat.py', 'py-nostream-1', '发生了交通事故');
    expect(out).toContain('Session ID: py-nostream-1');
    expect(out).toContain('Status: 200');
    const json = JSON.parse(out.slice(out.lastIndexOf('-'.repeat(50)) + 50)) as Record<string, unknown>;
    expect(json).toMatchObject({ sessionId: 'py-nostream-1', nextStageCode: '1002', nextStage: '通话中', text: '您好，请问发生了什么情况？' });
  });

  it('the streaming client prints each event as the document shows, and the session advances per turn', async () => {
    const first = await python('stream_chat.py', 'py-stream-1', '发生了交通事故');
    expect(first).toContain('Status: 200');
    expect(first).toContain('[stage_code] {"nextStageCode": "1002", "nextStage": "通话中"}');
    expect(first).toContain('[text_delta] {"text": "您好，"}');
    expect(first.trim().endsWith('[done] {"status": "completed"}')).toBe(true);
    await python('stream_chat.py', 'py-stream-1', '没有人受伤');
    const third = await python('stream_chat.py', 'py-stream-1', '只有我一辆车');
    expect(third).toContain('[stage_code] {"nextStageCode": "2000", "nextStage": "进入单车拍照"}');
  });
});
