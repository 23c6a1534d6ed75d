import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { loadProtocols } from '../src/protocols/index.js';
import { startRecorder } from '../src/record/index.js';
import { cli, root, spawnBin } from './cli-helper.js';

const TOKEN = 'tok-record-5e7a9c1d';
const FASTGPT_VARS = ['appId=6711c0ffee000000000c4a7e', `selectAppKey=${TOKEN}`, `formAppKey=${TOKEN}`, `pluginAppKey=${TOKEN}`].flatMap((v) => ['--var', v]);

// createdAt's date-time format is checked by the zod schema the file is made from.
const ajv = new Ajv2020({ strict: false, validateFormats: false });
const lineSchema = ajv.compile(JSON.parse(readFileSync(join(root, 'schemas/chatwire/recording.schema.json'), 'utf8')) as object);

let mock: MockServer;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  mock = await startMockServer({ protocols: await loadProtocols(), port: 0, token: TOKEN, allowAuthFaults: true });
  dir = mkdtempSync(join(tmpdir(), 'chatwire-record-'));
});
afterAll(async () => {
  for (const child of children) child.kill();
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every line of a recording, each checked by the published schema. */
function linesOf(file: string): Array<Record<string, unknown>> {
  const text = readFileSync(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const json = JSON.parse(line) as Record<string, unknown>;
      expect(lineSchema(json), JSON.stringify(lineSchema.errors)).toBe(true);
      return json;
    });
}

/** `chatwire mock` serving a recording, as a user starts it; resolves with its URL. */
function replay(protocol: string, file: string): Promise<string> {
  const child = spawnBin(['mock', '--port', '0', '--protocol', protocol, '--scenarios', `${protocol}=${file}`]);
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url !== undefined) resolve(url);
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', () => reject(new Error(`the replay mock stopped: ${out}`)));
  });
}

describe('chatwire record, replay and validate', () => {
  it.each(['ctai', 'fastgpt', 'fastgpt-py', 'pocketqa', 'tasks'])(
    '%s: recorded against the mock, replayed, the suite passes against the replay and the recording validates',
    async (protocol) => {
      const file = join(dir, `${protocol}.jsonl`);
      const vars = protocol === 'fastgpt' ? FASTGPT_VARS : [];
      const recorded = await cli(['record', protocol, '--target', mock.url, '--out', file, '--token', TOKEN, ...vars]);
      expect(recorded.code, recorded.stdout + recorded.stderr).toBe(0);
      expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
      const lines = linesOf(file);
      expect(lines[0]).toMatchObject({ type: 'recording', format: 'chatwire-recording', version: 1, protocol });
      expect(lines.some((line) => line.type === 'chunk' || line.type === 'frame')).toBe(true);

      const cases = [...new Set(lines.map((line) => line.case).filter((name) => typeof name === 'string'))];
      expect(cases.length).toBeGreaterThan(0);
      const url = await replay(protocol, file);
      const run = await cli(['run', protocol, '--target', url, '--token', TOKEN, ...vars, ...cases.flatMap((name) => ['--case', name])]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain(`${cases.length} passed`);

      const validated = await cli(['validate', file]);
      expect(validated.code, validated.stdout + validated.stderr).toBe(0);
    },
    60_000,
  );

  it('a recording of a faulty answer (ctai no-stop) validates as exit 1', async () => {
    const file = join(dir, 'no-stop.jsonl');
    const request = {
      type: 'http',
      method: 'POST',
      path: '/v1/ctai/query_text_chat',
      body: { query_text: '你好', stream: '1' },
      expect: 'stream',
      headers: { 'x-chatwire-scenario': 'no-stop' },
    };
    const recorded = await cli(['record', 'ctai', '--target', mock.url, '--out', file, '--request', JSON.stringify(request)]);
    expect(recorded.code).toBe(1);
    const validated = await cli(['validate', file]);
    expect(validated.code).toBe(1);
    expect(validated.stdout).toContain('ctai.stop.present');
  });

  it('a recording killed with SIGKILL mid-stream keeps every line whole, and validate reads it to its end', async () => {
    const file = join(dir, 'killed.jsonl');
    const request = {
      type: 'http',
      method: 'POST',
      path: '/v1/ctai/query_text_chat',
      body: { query_text: '你好', stream: '1' },
      expect: 'stream',
      headers: { 'x-chatwire-scenario': 'held-open' },
    };
    const child = spawnBin(['record', 'ctai', '--target', mock.url, '--out', file, '--request', JSON.stringify(request), '--close-grace', '30s']);
    children.push(child);
    // Killed once the stream has begun and while it is held open.
    for (let i = 0; i < 200 && !(existsSync(file) && readFileSync(file, 'utf8').includes('"type":"chunk"')); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const lines = linesOf(file);
    expect(lines.some((line) => line.type === 'chunk')).toBe(true);
    expect(lines.some((line) => line.type === 'end')).toBe(false);
    const validated = await cli(['validate', file]);
    expect(validated.code, validated.stderr).not.toBe(2);
    expect(validated.stdout).toContain('the recording stops inside this exchange');
  });

  it('blanks the headers and JSON fields it is told to', async () => {
    const file = join(dir, 'redacted.jsonl');
    const request = {
      type: 'http',
      method: 'POST',
      path: '/v1/ctai/query_text_chat',
      body: { query_text: '你好', stream: '1', session_id: 'sess-private-42' },
      expect: 'stream',
    };
    const recorded = await cli(
      ['record', 'ctai', '--target', mock.url, '--out', file, '--request', JSON.stringify(request)].concat([
        '-H',
        'x-trace: trace-private-17',
        '--redact-header',
        'x-trace',
        '--redact-field',
        'session_id',
      ]),
    );
    expect(recorded.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('sess-private-42');
    expect(text).not.toContain('trace-private-17');
    expect(text).toContain('[redacted]');
  });
});

describe('chatwire/record in-process', () => {
  it("captures an application's fetch of a streamed ctai answer, chunk by chunk, and the file validates", async () => {
    const file = join(dir, 'app.jsonl');
    const recorder = startRecorder({ out: file, protocol: 'ctai', match: (url) => url.startsWith(mock.url) });
    const response = await fetch(`${mock.url}/v1/ctai/query_text_chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query_text: '你好', stream: '1' }),
    });
    // The application reads its stream as usual; the recorder reads a tee of it.
    const body = await response.text();
    await recorder.stop();
    expect(body).toContain('"event":"stop"');
    const lines = linesOf(file);
    const chunks = lines.filter((line) => line.type === 'chunk');
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(body);
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
    const validated = await cli(['validate', file]);
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);
  });
});
