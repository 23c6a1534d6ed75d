import { describe, expect, it } from 'vitest';
import ctai from '../src/protocols/ctai/index.js';
import tasks from '../src/protocols/tasks/index.js';
import { ExchangeCheck } from '../src/core/engine.js';
import { busyLetThrough } from '../src/transports/http/rules.js';
import { check, ruleIds } from './helpers.js';

const refusalBody = JSON.stringify({ ret: '400', msg: 'lang must be one of zh_CN, en_US, ko_KR, ja_JP, th_TH' });
const answerBody = JSON.stringify({ ret: '0', msg: '', data: { answer_text: '你好' } });

describe('rules every HTTP exchange keeps', () => {
  it('http.auth.accepted: a valid request refused with 401 or 403 breaks it, with "check --token" for the run', async () => {
    for (const status of [401, 403]) {
      const found = await check(ctai, 'answer', refusalBody, { head: { status } });
      expect(found.find((d) => d.rule === 'http.auth.accepted')).toMatchObject({
        severity: 'error',
        type: 'response',
        misconfiguration: expect.stringContaining('check --token'),
      });
    }
    expect(ruleIds(await check(ctai, 'answer', answerBody))).not.toContain('http.auth.accepted');
    // A refusal the suite asked for is not a valid request.
    expect(ruleIds(await check(ctai, 'refusal', refusalBody, { head: { status: 401 } }))).not.toContain('http.auth.accepted');
  });

  it('http.path.found: the documented path answering 404 or 405 breaks it, with "check the path prefix" for the run', async () => {
    for (const status of [404, 405]) {
      const found = await check(ctai, 'stream', 'Not Found', { head: { status, headers: { 'content-type': 'text/plain' } } });
      expect(found.find((d) => d.rule === 'http.path.found')).toMatchObject({
        severity: 'error',
        misconfiguration: expect.stringContaining('check the path prefix of --target'),
      });
    }
    expect(ruleIds(await check(ctai, 'answer', answerBody, { head: { status: 200 } }))).not.toContain('http.path.found');
  });

  it('http.path.not-redirected: a redirect breaks it, naming where to, with "check --target" for the run', async () => {
    for (const status of [301, 302, 307, 308]) {
      const found = await check(ctai, 'stream', '', { head: { status, headers: { location: 'https://ctai.example/v1/ctai/query_text_chat' } } });
      expect(found.find((d) => d.rule === 'http.path.not-redirected')).toMatchObject({
        severity: 'error',
        message: expect.stringContaining(`answered HTTP ${status} to https://ctai.example/v1/ctai/query_text_chat`),
        misconfiguration: expect.stringContaining('check --target'),
      });
    }
    expect(ruleIds(await check(ctai, 'answer', answerBody, { head: { status: 200 } }))).not.toContain('http.path.not-redirected');
    expect(ruleIds(await check(ctai, 'stream', 'x', { head: { status: 304 } }))).toContain('http.path.not-redirected');
  });
});

describe('http.busy.let-through', () => {
  it('an answer still 429 after chatwire asked again breaks it, with "lower --concurrency" for the run; any other answer keeps it', async () => {
    for (const scope of ['stream', 'answer', 'refusal'] as const) {
      const found = await check(ctai, scope, '{"error":"rate limited"}', { head: { status: 429, headers: { 'content-type': 'application/json' } } });
      expect(found.find((d) => d.rule === 'http.busy.let-through')).toMatchObject({
        severity: 'error',
        message: expect.stringContaining('answered HTTP 429'),
        misconfiguration: expect.stringContaining('lower --concurrency'),
      });
    }
    expect(ruleIds(await check(ctai, 'answer', answerBody))).not.toContain('http.busy.let-through');
    // A server unavailable at any pace is judged as the protocol's answer, not as busy.
    expect(ruleIds(await check(ctai, 'answer', refusalBody, { head: { status: 503 } }))).not.toContain('http.busy.let-through');
  });

  it("live traffic (the proxy): the pace is the client's, so a 429 passed on is no deviation", async () => {
    const live = new ExchangeCheck([busyLetThrough], {
      request: { method: 'POST', url: 'http://test.invalid/', headers: {}, body: undefined },
      requestJson: undefined,
      live: true,
    });
    live.response({ status: 429, atMs: 0, headers: {} });
    expect(live.end({ type: 'closed', atMs: 1 })).toEqual([]);
  });
});

describe('a refusal counts only when the server understood the call', () => {
  it('a 404 or 405 for the documented path is not a refusal', async () => {
    for (const status of [404, 405]) {
      const found = await check(ctai, 'refusal', '<html>Not Found</html>', { head: { status, headers: { 'content-type': 'text/html' } } });
      expect(found.find((d) => d.rule === 'ctai.input.refused')?.message).toMatch(/says the server does not know this call, not that it refused the request/);
    }
    expect(ruleIds(await check(ctai, 'refusal', refusalBody, { head: { status: 400 } }))).not.toContain('ctai.input.refused');
  });

  it('where the document has resources that can be unknown, 404 refuses (an unknown task, an unknown conversation)', async () => {
    const found = ruleIds(await check(tasks, 'refusal', '{"detail":"no such task"}', { head: { status: 404 } }));
    for (const id of ['tasks.task.not-found', 'tasks.input.refused', 'tasks.workspace.isolated']) expect(found).not.toContain(id);
  });
});
