import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { instantClock } from '../src/core/clock.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import { RecordingLine } from '../src/record/format.js';
import { startProxyBin } from './proxy-helper.js';

const KEY = 'fastgpt-proxy-test-key';
let mock: MockServer;
const dir = mkdtempSync(join(tmpdir(), 'chatwire-proxy-'));

beforeAll(async () => {
  mock = await startMockServer({ protocols: [fastgpt], port: 0, token: KEY, clock: instantClock() });
});
afterAll(() => mock.close());

/** A fetch that hands the SDK the body as it streams, and keeps a copy of its bytes, one list per request. */
function teeFetch(): { fetch: typeof fetch; bodies: Promise<Buffer>[] } {
  const bodies: Promise<Buffer>[] = [];
  const tee: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.body === null) return response;
    const [forClient, copy] = response.body.tee();
    bodies.push(new Response(copy).arrayBuffer().then((bytes) => Buffer.from(bytes)));
    return new Response(forClient, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return { fetch: tee, bodies };
}

/** Each recorded exchange's chunks joined: the bytes the proxy got from the backend, in order. */
function recordedBodies(file: string): Buffer[] {
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => RecordingLine.parse(JSON.parse(line)));
  const bodies = new Map<number, Buffer[]>();
  for (const line of lines) {
    if (line.type === 'request') bodies.set(line.exchange, []);
    if (line.type === 'chunk') bodies.get(line.exchange)?.push(line.text === undefined ? Buffer.from(line.base64 ?? '', 'base64') : Buffer.from(line.text));
  }
  return [...bodies.values()].map((chunks) => Buffer.concat(chunks));
}

async function ask(client: OpenAI, scenario: string): Promise<string> {
  const stream = await client.chat.completions.create(
    { model: 'ignored', stream: true, messages: [{ role: 'user', content: '导演是谁' }] },
    { headers: { 'x-chatwire-scenario': scenario } },
  );
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe('the openai SDK through chatwire proxy to the fastgpt mock', () => {
  it('passes conformant answers byte for byte, finds no deviation, records them with the key blanked, and exits 0', async () => {
    const recording = join(dir, 'plain.jsonl');
    const junit = join(dir, 'plain.xml');
    const proxy = await startProxyBin([
      'fastgpt',
      '--target',
      mock.url,
      '--port',
      '0',
      '--record',
      recording,
      '-r',
      'junit',
      '-o',
      junit,
      '--fail-on-deviation',
    ]);
    const { fetch: tee, bodies } = teeFetch();
    const client = new OpenAI({ baseURL: `${proxy.url}/api/v1`, apiKey: KEY, maxRetries: 0, fetch: tee });
    const direct = new OpenAI({ baseURL: `${mock.url}/api/v1`, apiKey: KEY, maxRetries: 0 });
    for (const scenario of ['plain', 'heartbeat', 'detail-nodes']) expect(await ask(client, scenario), scenario).toBe(await ask(direct, scenario));
    const whole = await client.chat.completions.create({ model: 'ignored', messages: [{ role: 'user', content: '导演是谁' }] });
    expect(whole.choices[0]?.finish_reason).toBe('stop');

    const seen = (await (await fetch(`${proxy.url}/_chatwire/deviations`)).json()) as { total: number };
    const { code, stdout, stderr } = await proxy.stop();
    expect(seen.total, stderr).toBe(0);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/4 passed of 4 case\(s\)/);
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuites[^>]* failures="0"/);

    const received = await Promise.all(bodies);
    expect(received).toHaveLength(4);
    expect(recordedBodies(recording)).toEqual(received);
    const text = readFileSync(recording, 'utf8');
    expect(text).not.toContain(KEY);
    expect(text).toContain('"authorization":"[redacted]"');
  });

  it('reports a fault live and in the JUnit file, and exits 1 with --fail-on-deviation', async () => {
    const junit = join(dir, 'faults.xml');
    const proxy = await startProxyBin(['fastgpt', '--target', mock.url, '--port', '0', '-r', 'junit', '-o', junit, '--fail-on-deviation']);
    const client = new OpenAI({ baseURL: `${proxy.url}/api/v1`, apiKey: KEY, maxRetries: 0 });
    await ask(client, 'no-stop-chunk');
    await proxy.waitFor('fastgpt.stop.present');
    await ask(client, 'text-after-done').catch(() => undefined);
    await proxy.waitFor('fastgpt.done.last');
    const { code, stderr } = await proxy.stop();
    expect(code).toBe(1);
    expect(stderr).toMatch(/#0 POST \/api\/v1\/chat\/completions: error fastgpt\.stop\.present at frame 4: \[DONE\] came without a stop chunk/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('fastgpt.stop.present');
    expect(xml).toContain('fastgpt.done.last');
  });
});
