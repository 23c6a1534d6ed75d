import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { instantClock } from '../src/core/clock.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import { FastgptScript } from '../src/protocols/fastgpt/script.js';

let mock: MockServer;
let client: OpenAI;
const KEY = 'fastgpt-test-key';

/** The text a scenario answers with, from the scenario file itself. */
function scenarioAnswer(name: string): string {
  const scenario = mock.scenarios.get('fastgpt')?.get(name);
  const script = FastgptScript.parse(scenario?.script ?? {});
  return [...script.fastAnswer, ...script.answer].join('');
}

beforeAll(async () => {
  mock = await startMockServer({ protocols: [fastgpt], port: 0, token: KEY, clock: instantClock() });
  // The official SDK, pointed at FastGPT the way the document says: baseURL ending in /api/v1.
  client = new OpenAI({ baseURL: `${mock.url}/api/v1`, apiKey: KEY, maxRetries: 0 });
});
afterAll(() => mock.close());

describe('the official openai SDK against the fastgpt mock', () => {
  it('gets the scenario answer without streaming', async () => {
    const completion = await client.chat.completions.create({ model: 'ignored', messages: [{ role: 'user', content: '导演是谁' }] });
    expect(completion.choices[0]?.message.content).toBe(scenarioAnswer('plain'));
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('assembles the scenario answer from a stream, heartbeats included', async () => {
    for (const scenario of ['plain', 'heartbeat', 'detail-nodes']) {
      const stream = await client.chat.completions.create(
        { model: 'ignored', stream: true, messages: [{ role: 'user', content: '导演是谁' }] },
        { headers: { 'x-chatwire-scenario': scenario } },
      );
      let text = '';
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(text, scenario).toBe(scenarioAnswer(scenario));
      expect(finish).toBe('stop');
    }
  });

  it('surfaces a refused key as an SDK error', async () => {
    const wrong = new OpenAI({ baseURL: `${mock.url}/api/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(wrong.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'q' }] })).rejects.toThrow();
  });
});
