import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantClock } from '../src/core/clock.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import fastgptPy from '../src/protocols/fastgpt-py/index.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ protocols: [fastgptPy], port: 0, clock: instantClock() });
});
afterAll(() => mock.close());

const ask = (query: string, body: Record<string, unknown> = {}): Promise<Response> =>
  fetch(`${mock.url}/chat${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId: `s-${query}`, timeStamp: '2026-11-23T10:00:00.000000', text: '发生了交通事故', ...body }),
  });

describe('the fastgpt-py mock reads stream as FastAPI reads a bool', () => {
  it.each(['?stream=true', '?stream=True', '?stream=1', '?stream=yes', '?stream=on', ''])('streams for %s (or stream: true in the body)', async (query) => {
    const answer = await ask(query, query === '' ? { stream: true } : {});
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await answer.text()).toContain('event: done');
  });

  it.each(['?stream=false', '?stream=0', ''])('answers JSON for %s', async (query) => {
    const answer = await ask(query);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('refuses a stream value that is no boolean, as FastAPI does, naming it', async () => {
    const answer = await ask('?stream=maybe');
    expect(answer.status).toBe(422);
    expect(await answer.json()).toMatchObject({ detail: [{ loc: ['query', 'stream'], msg: expect.stringContaining('stream=maybe') }] });
  });

  it('judges a request with stream=True as a stream (validate, proxy and the suites read it the same way)', () => {
    expect(fastgptPy.transport === 'http' && fastgptPy.answerKind({}, 'http://x/chat?stream=True')).toBe('stream');
    expect(fastgptPy.transport === 'http' && fastgptPy.answerKind({}, 'http://x/chat?stream=off')).toBe('answer');
  });
});
