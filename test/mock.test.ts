import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instantClock } from '../src/core/clock.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import ctai from '../src/protocols/ctai/index.js';
import { check, ruleIds } from './helpers.js';

const PATH = '/v1/ctai/query_text_chat';
let mock: MockServer;
let extraDir: string;

beforeAll(async () => {
  extraDir = mkdtempSync(join(tmpdir(), 'chatwire-mock-'));
  writeFileSync(
    join(extraDir, 'custom.json'),
    JSON.stringify({
      description: 'A user scenario',
      stream: { frames: [{ id: '{{exchange}}', data: { ret: '0', msg: '', data: { msg_id: '{{exchange}}', msg_sn: '0', event: 'stop', answer_text: '' } } }] },
    }),
  );
  // Scripted delays cost nothing under the instant clock.
  mock = await startMockServer({ protocols: [ctai], port: 0, clock: instantClock(), scenarioDirs: { ctai: [extraDir] } });
});
afterAll(() => mock.close());

function post(body: unknown, init: { headers?: Record<string, string>; query?: string } = {}): Promise<Response> {
  return fetch(`${mock.url}${PATH}${init.query ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('ctai mock', () => {
  it('binds 127.0.0.1 by default', () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('streams the default scenario, and the stream keeps every ctai rule', async () => {
    const res = await post({ query_text: '你好', stream: '1' });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await res.text();
    expect(await check(ctai, 'stream', body)).toEqual([]);
    expect(body).toContain('"event":"stop"');
  });

  it('gives every exchange its own msg_ids', async () => {
    const ids = async (): Promise<string[]> =>
      [...(await (await post({ query_text: 'q', stream: '1' })).text()).matchAll(/"msg_id":"([^"]+)"/g)].map((m) => m[1] ?? '');
    const [first, second] = [await ids(), await ids()];
    expect(new Set([...first, ...second]).size).toBe(first.length + second.length);
  });

  it('answers a non-streaming request with one JSON envelope', async () => {
    const res = await post({ query_text: '你好' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await check(ctai, 'answer', await res.text())).toEqual([]);
  });

  it('picks a scenario by header or by ?scenario=, including one from an extra folder', async () => {
    const byHeader = await (await post({ query_text: 'q', stream: '1' }, { headers: { 'x-chatwire-scenario': 'no-stop' } })).text();
    expect(ruleIds(await check(ctai, 'stream', byHeader))).toEqual(['ctai.stop.present']);
    const byQuery = await (await post({ query_text: 'q', stream: '1' }, { query: '?scenario=stop-with-text' })).text();
    expect(ruleIds(await check(ctai, 'stream', byQuery))).toEqual(['ctai.stop.no-text']);
    const custom = await (await post({ query_text: 'q', stream: '1' }, { query: '?scenario=custom' })).text();
    expect(await check(ctai, 'stream', custom)).toEqual([]);
  });

  it('refuses an unknown scenario the ctai way, listing the known ones', async () => {
    const res = await post({ query_text: 'q', stream: '1' }, { headers: { 'x-chatwire-scenario': 'nope' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { ret: string; msg: string };
    expect(body.ret).not.toBe('0');
    expect(body.msg).toContain('"nope"');
    expect(body.msg).toContain('plain');
    expect(body.msg).toContain('no-stop');
  });

  it('refuses a request the document forbids, naming the field and the rule', async () => {
    const cases: Array<[unknown, string]> = [
      [{ query_text: 'q', session_id: 'a'.repeat(65) }, 'session_id'],
      [{ query_text: 'q', lang: 'en' }, 'lang'],
      [{ query_text: 'q', smart_temp: '11' }, 'smart_temp'],
      [{ session_id: 's' }, 'query_text'],
      ['{"query_text": "q",}', 'not JSON'],
    ];
    for (const [body, named] of cases) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { ret: string; msg: string };
      expect(answer.ret).not.toBe('0');
      expect(answer.msg).toContain(named);
      expect(answer.msg).toMatch(/ctai\.request\.(shape|json)/);
    }
  });

  it('logs client deviations, including Accept: application/json on a streaming request, and still serves it', async () => {
    await fetch(`${mock.url}/_chatwire/client-deviations`, { method: 'DELETE' });
    const res = await post({ query_text: 'q', stream: '1' }, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(200);
    await res.text();
    await post({ query_text: 'q', lang: 'en' });
    const seen = (await (await fetch(`${mock.url}/_chatwire/client-deviations`)).json()) as Array<{ deviation: { rule: string; pointer?: string } }>;
    expect(seen.map((record) => record.deviation.rule)).toEqual(['ctai.request.accept', 'ctai.request.shape']);
    expect(seen[1]?.deviation.pointer).toBe('/lang');
  });

  it('refuses a body over 1 MiB without reading it all', async () => {
    const res = await post({ query_text: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
  });

  it('refuses a documented path asked with another method (405) and reports it against the client; an unknown path is not its', async () => {
    mock.reset();
    const wrong = await fetch(`${mock.url}${PATH}?query_text=q`);
    expect(wrong.status).toBe(405);
    await wrong.text();
    await (await fetch(`${mock.url}/favicon.ico`)).text();
    await (await fetch(`${mock.url}${PATH}`, { method: 'DELETE', headers: { 'x-chatwire-suite': 'probe' } })).text();
    expect(mock.clientDeviations().map((record) => [record.method, record.path, record.deviation.rule])).toEqual([['GET', PATH, 'http.request.method']]);
    const answered = await post({ query_text: 'q' });
    await answered.text();
    expect(mock.clientDeviations()).toHaveLength(1);
  });

  it('reports a path within a typo of a documented one against the client; a probe, another API or its own suite is not', async () => {
    mock.reset();
    for (const path of [`${PATH}s`, `${PATH}/`, '/v1/ctai/Query_text_chat']) await (await fetch(`${mock.url}${path}`, { method: 'POST', body: '{}' })).text();
    for (const path of ['/', '/favicon.ico', '/v1/models', '/v1/ctai/other', `/${'x'.repeat(300)}`]) await (await fetch(`${mock.url}${path}`)).text();
    await (await fetch(`${mock.url}${PATH}s`, { method: 'POST', headers: { 'x-chatwire-suite': 'probe' } })).text();
    const seen = mock.clientDeviations();
    expect(seen.map((record) => [record.protocol, record.path, record.deviation.rule])).toEqual([
      ['ctai', `${PATH}s`, 'http.request.path'],
      ['ctai', `${PATH}/`, 'http.request.path'],
      ['ctai', '/v1/ctai/Query_text_chat', 'http.request.path'],
    ]);
    expect(seen[0]?.deviation).toMatchObject({ severity: 'error', expected: PATH, message: expect.stringContaining(`the document names ${PATH}`) });
    const answer = (await (await fetch(`${mock.url}${PATH}s`, { method: 'POST' })).json()) as { hint?: string };
    expect(answer.hint).toBe(`did you mean POST ${PATH}? (ctai)`);
    expect(((await (await fetch(`${mock.url}/favicon.ico`)).json()) as { hint?: string }).hint).toBeUndefined();
  });

  it('answers an unknown path with a 404 naming the routes it serves', async () => {
    const res = await fetch(`${mock.url}/v1/ctai/other`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(JSON.stringify(await res.json())).toContain(PATH);
  });

  it('lists its scenarios with what each breaks', async () => {
    const listing = (await (await fetch(`${mock.url}/_chatwire/scenarios`)).json()) as {
      protocols: Record<string, { scenarios: Array<{ name: string; breaks: string[] }> }>;
    };
    expect(listing.protocols['ctai']?.scenarios.find((s) => s.name === 'msg-sn-gap')?.breaks).toEqual(['ctai.msg_sn.sequence']);
  });

  it('closes a held-open stream when the server stops', async () => {
    const server = await startMockServer({ protocols: [ctai], port: 0 });
    const res = await fetch(`${server.url}${PATH}?scenario=held-open`, { method: 'POST', body: JSON.stringify({ query_text: 'q', stream: '1' }) });
    const reader = res.body?.getReader();
    await reader?.read();
    await server.close();
    // The read loop ends (by end or by error) instead of waiting for holdMs.
    await expect(
      (async () => {
        for (;;) if ((await reader?.read())?.done !== false) return 'ended';
      })().catch(() => 'ended'),
    ).resolves.toBe('ended');
  });

  it('fails to start on a port in use with a clear reason', async () => {
    const port = Number(new URL(mock.url).port);
    await expect(startMockServer({ protocols: [ctai], port })).rejects.toThrow(/Failed to start the mock on 127\.0\.0\.1:\d+: EADDRINUSE/);
  });
});
