import { afterAll, afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import nock from 'nock';
import { systemClock } from '../src/core/clock.js';
import { ChatwireError } from '../src/core/errors.js';
import { defaultLimits } from '../src/core/exchange.js';
import { chatwireNock } from '../src/mock/nock.js';
import ctai from '../src/protocols/ctai/index.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import fastgptPy from '../src/protocols/fastgpt-py/index.js';
import pocketqa from '../src/protocols/pocketqa/index.js';
import tasks from '../src/protocols/tasks/index.js';
import { loadSuite } from '../src/suite/suite.js';
import { runSuite } from '../src/suite/runner.js';
import type { Protocol } from '../src/protocols/protocol.js';
import { check, ruleIds } from './helpers.js';

const BASE = 'http://upstream.nock.test/gateway';
const TOKEN = 'nock-key';
const upstream = chatwireNock({ protocols: [ctai, fastgpt, fastgptPy, tasks], baseUrl: BASE, token: TOKEN });

afterEach(() => upstream.reset());
afterAll(() => upstream.remove());

const ask = (headers: Record<string, string> = {}) =>
  fetch(`${BASE}/v1/ctai/query_text_chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query_text: '你好', stream: '1' }),
  });

async function suiteThroughNock(protocol: Protocol): Promise<string[]> {
  const suite = loadSuite(protocol);
  const vars: Record<string, string> = { token: TOKEN };
  for (const [name, variable] of Object.entries(suite.variables)) if (variable.mock !== undefined) vars[name] = variable.mock.replace('{{token}}', TOKEN);
  const reports = await runSuite(protocol, suite, suite.cases, {
    baseUrl: BASE,
    headers: { authorization: `Bearer ${TOKEN}` },
    limits: { ...defaultLimits, timeoutMs: 10_000, closeGraceMs: 200 },
    clock: systemClock,
    vars,
  });
  return reports.flatMap((report) =>
    report.steps.flatMap((step) => step.deviations.filter((d) => d.severity === 'error').map((d) => `${report.name}: ${d.rule}: ${d.message}`)),
  );
}

describe('nock interceptors: the mock in-process, no port', () => {
  it('streams a ctai answer as it is written, keeping every rule, and plays a scenario a request asks for', async () => {
    const started = Date.now();
    const response = await ask();
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const decoder = new TextDecoder();
    let text = '';
    let firstAt: number | undefined;
    for await (const chunk of response.body ?? []) {
      if (!(chunk instanceof Uint8Array)) throw new TypeError('a body chunk is not bytes');
      firstAt ??= Date.now() - started;
      text += decoder.decode(chunk, { stream: true });
    }
    // The plain scenario spaces its packets over ~150 ms: the first must not wait for the last.
    expect(Date.now() - started - (firstAt ?? Infinity)).toBeGreaterThan(60);
    expect(await check(ctai, 'stream', text)).toEqual([]);
    expect(ruleIds(await check(ctai, 'stream', await (await ask({ 'x-chatwire-scenario': 'msg-sn-gap' })).text()))).toEqual(['ctai.msg_sn.sequence']);
  });

  for (const protocol of [ctai, fastgpt, fastgptPy, tasks]) {
    it(`passes the whole ${protocol.id} suite`, async () => {
      expect(await suiteThroughNock(protocol)).toEqual([]);
    }, 60_000);
  }

  it('answers node:http clients too, streaming', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      // Read at call time: nock patches the module's request, not a binding imported before it.
      const req = http.request(`${BASE}/v1/ctai/query_text_chat`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ query_text: '你好', stream: '1' }));
    });
    expect(await check(ctai, 'stream', body)).toEqual([]);
  });

  it('plays the faults use() chooses until reset()', async () => {
    upstream.use('ctai', undefined, 'close:2');
    const cut = await (await ask()).text();
    expect(cut.match(/^data:/gm)).toHaveLength(2);
    expect(ruleIds(await check(ctai, 'stream', cut))).toContain('ctai.stop.present');

    upstream.use('tasks', undefined, 'status:503');
    const refused = await fetch(`${BASE}/api/v1/tasks/task-1?from=0`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');

    upstream.reset();
    expect(await check(ctai, 'stream', await (await ask()).text())).toEqual([]);
  });

  it('sees a malformed JSON body as sent, refuses it the protocol’s way and keeps the client deviation', async () => {
    const response = await fetch(`${BASE}/v1/ctai/query_text_chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ret: '400' });
    expect(upstream.clientDeviations().map((record) => record.deviation.rule)).toContain('ctai.request.json');
  });

  it('refuses a Socket.IO protocol, pointing at the real mock server', () => {
    const attempt = () => chatwireNock({ protocols: [ctai, pocketqa], baseUrl: 'http://pocketqa.nock.test' });
    expect(attempt).toThrow(ChatwireError);
    expect(attempt).toThrow(/pocketqa.*Socket\.IO events/);
    try {
      attempt();
    } catch (error) {
      expect(error instanceof ChatwireError ? error.hint : '').toMatch(/startMockServer\(\{ protocols, port: 0 \}\)/);
    }
  });

  it('removes its interceptors and no other scope’s', async () => {
    const other = chatwireNock({ protocols: [ctai], baseUrl: 'http://removed.nock.test' });
    const bystander = nock('http://removed.nock.test').get('/health').reply(200, 'ok');
    other.remove();
    await expect(fetch('http://removed.nock.test/v1/ctai/query_text_chat', { method: 'POST', body: '{}' })).rejects.toThrow();
    expect(await (await fetch('http://removed.nock.test/health')).text()).toBe('ok');
    expect(bystander.isDone()).toBe(true);
  });
});
