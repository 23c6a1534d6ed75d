import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { setupServer } from 'msw/node';
import OpenAI from 'openai';
import { systemClock } from '../src/core/clock.js';
import { defaultLimits } from '../src/core/exchange.js';
import { chatwireHandlers } from '../src/mock/msw.js';
import ctai from '../src/protocols/ctai/index.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import fastgptPy from '../src/protocols/fastgpt-py/index.js';
import tasks from '../src/protocols/tasks/index.js';
import { FastgptScript } from '../src/protocols/fastgpt/script.js';
import { loadSuite } from '../src/suite/suite.js';
import { runSuite } from '../src/suite/runner.js';
import type { Protocol } from '../src/protocols/protocol.js';
import { check, ruleIds } from './helpers.js';

const BASE = 'http://upstream.chatwire.test';
const TOKEN = 'msw-key';
const simulated = chatwireHandlers({ protocols: [ctai, fastgpt, fastgptPy, tasks], baseUrl: BASE, token: TOKEN });
const server = setupServer(...simulated.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const limits = { ...defaultLimits, timeoutMs: 10_000, closeGraceMs: 200 };

async function suiteThroughMsw(protocol: Protocol): Promise<string[]> {
  const suite = loadSuite(protocol);
  const vars: Record<string, string> = { token: TOKEN };
  for (const [name, variable] of Object.entries(suite.variables)) if (variable.mock !== undefined) vars[name] = variable.mock.replace('{{token}}', TOKEN);
  const reports = await runSuite(protocol, suite, suite.cases, {
    baseUrl: BASE,
    headers: { authorization: `Bearer ${TOKEN}` },
    limits,
    clock: systemClock,
    vars,
  });
  return reports.flatMap((report) =>
    report.steps.flatMap((step) => step.deviations.filter((d) => d.severity === 'error').map((d) => `${report.name}: ${d.rule}: ${d.message}`)),
  );
}

describe('msw handlers: the mock in-process, no port', () => {
  it('streams a ctai answer that keeps every rule, and plays a fault scenario on request', async () => {
    const ask = (scenario?: string) =>
      fetch(`${BASE}/v1/ctai/query_text_chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(scenario === undefined ? {} : { 'x-chatwire-scenario': scenario }) },
        body: JSON.stringify({ query_text: '你好', stream: '1' }),
      });
    const plain = await ask();
    expect(plain.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await check(ctai, 'stream', await plain.text())).toEqual([]);
    expect(ruleIds(await check(ctai, 'stream', await (await ask('msg-sn-gap')).text()))).toEqual(['ctai.msg_sn.sequence']);
  });

  for (const protocol of [ctai, fastgpt, fastgptPy, tasks]) {
    it(`passes the whole ${protocol.id} suite`, async () => {
      expect(await suiteThroughMsw(protocol)).toEqual([]);
    }, 60_000);
  }

  it('serves the official openai SDK, streaming', async () => {
    const client = new OpenAI({ baseURL: `${BASE}/api/v1`, apiKey: TOKEN, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'x', stream: true, messages: [{ role: 'user', content: '导演是谁' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    const file = JSON.parse(readFileSync(new URL('../mocks/fastgpt/plain.json', import.meta.url), 'utf8')) as { script: unknown };
    expect(text).toBe(FastgptScript.parse(file.script).answer.join(''));
  });

  it('keeps the client deviations it saw', async () => {
    await fetch(`${BASE}/v1/ctai/query_text_chat`, { method: 'POST', body: JSON.stringify({ query_text: 'q', lang: 'en' }) });
    expect(simulated.clientDeviations().map((record) => record.deviation.rule)).toContain('ctai.request.shape');
  });
});
