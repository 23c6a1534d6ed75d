import { describe, expect, it } from 'vitest';
import fastgptPy from '../src/protocols/fastgpt-py/index.js';
import type { Scope } from '../src/core/rule.js';
import { check, sseEvent, type CheckOptions } from './helpers.js';
import { keepBreak, trials } from './keep-break.js';

type Frame = readonly [event: string | undefined, data: unknown];
const sse = (...frames: Frame[]): string => frames.map(([event, data]) => sseEvent(data, event === undefined ? {} : { event })).join('');
const stage = (nextStageCode: unknown, nextStage: unknown = '通话中'): Frame => ['stage_code', { nextStageCode, nextStage }];
const delta = (text: unknown): Frame => ['text_delta', { text }];
const done: Frame = ['done', { status: 'completed' }];
const good = sse(stage('1002'), delta('您好，'), delta('请问发生了什么情况？'), done);

interface Case {
  readonly scope: Scope;
  readonly body: string;
  readonly options?: CheckOptions;
}
const stream = (body: string, options: CheckOptions = {}): Case => ({ scope: 'stream', body, options });
const answer = (value: unknown, options: CheckOptions = {}): Case => ({
  scope: 'answer',
  body: typeof value === 'string' ? value : JSON.stringify(value),
  options,
});
const refusal = (body: string, head: NonNullable<CheckOptions['head']>): Case => ({ scope: 'refusal', body, options: { head } });
/** A refusal in streaming mode: one error event. */
const refusalEvent = (data: unknown): Case => refusal(sseEvent(data, { event: 'error' }), { status: 200, headers: { 'content-type': 'text/event-stream' } });
const request = (body: unknown): Case => ({ scope: 'request', body: '', options: typeof body === 'string' ? { requestBody: body } : { request: body } });
const valid = { sessionId: 's1', timeStamp: '2026-11-23T10:00:00.123456', text: '发生了交通事故' };
const queried = (query: string): Case => ({ scope: 'request', body: '', options: { request: valid, url: `http://t.invalid/chat?${query}` } });

const table: Record<string, { keeps: Case[]; breaks: Case[] }> = {
  'fastgpt-py.stream.content-type': { keeps: [stream(good)], breaks: [stream(good, { head: { headers: { 'content-type': 'application/json' } } })] },
  'fastgpt-py.stream.status': { keeps: [stream(good)], breaks: [stream(good, { head: { status: 202 } })] },
  'fastgpt-py.event.json': {
    keeps: [
      stream(good),
      refusalEvent({ msg: 'text 不能为空', code: '400' }),
      // An HTTP refusal's body is not an event: FastAPI's {"detail"}, or plain text, is judged elsewhere.
      refusal('Bad Request', { status: 400, headers: { 'content-type': 'text/plain' } }),
    ],
    breaks: [
      stream(sse(stage('1002'), ['text_delta', '{"text": '], done)),
      // A streaming refusal whose error event is plain text: the document's data format is a JSON object.
      refusal('event: error\ndata: text is required\n\n', { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    ],
  },
  'fastgpt-py.event.known': {
    keeps: [stream(good)],
    breaks: [stream(sse(stage('1002'), ['progress', { pct: 50 }], done)), stream(sse(stage('1002'), [undefined, { text: 'x' }], done))],
  },
  'fastgpt-py.event.shape': {
    keeps: [stream(good), stream(sse(['error', { msg: '失败', code: '500' }])), refusalEvent({ msg: 'x', code: '400' })],
    breaks: [
      // A numeric code is fastgpt-py.error.code's finding; a missing msg is this rule's.
      refusalEvent({ code: '400' }),
      stream(sse(stage('1002'), delta(42), done)),
      stream(sse(stage('1002'), ['done', { status: 'ok' }])),
      stream(sse(stage('1002'), ['text_delta', { content: 'x' }], done)),
      stream(sse(['error', { code: '500' }])),
    ],
  },
  'fastgpt-py.stage.code-format': {
    keeps: [stream(good), answer({ nextStageCode: '0000', nextStage: '结束通话', text: '再见' })],
    breaks: [
      stream(sse(stage('10020'), done)),
      stream(sse(stage(1002), done)),
      stream(sse(['stage_code', { nextStage: '通话中' }], done)),
      answer({ nextStageCode: '12', nextStage: 'x', text: '' }),
    ],
  },
  'fastgpt-py.stage.name': {
    keeps: [stream(good), stream(sse(stage('2000', '进入单车拍照'), done)), stream(sse(stage('3001', '任何名字'), done))],
    breaks: [stream(sse(stage('1002', '结束通话'), done)), answer({ nextStageCode: '0001', nextStage: 'transfer', text: '' })],
  },
  'fastgpt-py.stage.known': { keeps: [stream(good)], breaks: [stream(sse(stage('3001', '进入多车拍照'), done))] },
  'fastgpt-py.error.code': {
    keeps: [stream(sse(['error', { msg: '失败', code: '500' }])), refusalEvent({ msg: 'x', code: '400' })],
    breaks: [stream(sse(['error', { msg: '失败' }])), stream(sse(['error', { msg: '失败', code: 500 }])), refusalEvent({ msg: 'x', code: 400 })],
  },
  'fastgpt-py.answer.succeeded': {
    keeps: [stream(good), stream(sse(stage('0000', '结束通话'), done))],
    breaks: [
      stream(sse(['error', { msg: 'LLM timeout', code: '500' }])),
      stream(sse(stage('1002'), delta('您好'), ['error', { msg: '超时', code: '500' }], done)),
    ],
  },
  'fastgpt-py.done.present': {
    keeps: [stream(good), stream(sse(stage('1002'), ['error', { msg: 'x', code: '500' }]))],
    breaks: [stream(sse(stage('1002'), delta('您好'))), stream('')],
  },
  'fastgpt-py.event.name': {
    keeps: [
      stream(good),
      stream(sse(stage('1002'), ['progress', { pct: 50 }], done)),
      stream(sse(stage('1002'), [undefined, { pct: 50 }], done)),
      refusal(JSON.stringify({ msg: 'sessionId is required', code: '400' }), { status: 400, headers: { 'content-type': 'application/json' } }),
    ],
    breaks: [
      stream(sse(['stage-code', { nextStageCode: '1002', nextStage: '通话中' }], delta('x'), done)),
      stream(sse(stage('1002'), ['TextDelta', { text: 'x' }], done)),
      // Documented events without their event: line: named inside the data, or known by their fields.
      stream(sse([undefined, { event: 'stage_code', data: { nextStageCode: '1002', nextStage: '通话中' } }], delta('x'), done)),
      stream(sse(stage('1002'), [undefined, { text: 'x' }], done)),
    ],
  },
  'fastgpt-py.close.after-done': {
    keeps: [stream(good), stream(sse(stage('1002'), delta('x')), { end: { type: 'held-open', atMs: 3000, graceMs: 2000 } })],
    breaks: [
      stream(good, { end: { type: 'held-open', atMs: 3000, graceMs: 2000 } }),
      stream(good, { end: { type: 'timeout', atMs: 30_000, limitMs: 15_000, limit: 'idle' } }),
    ],
  },
  'fastgpt-py.done.last': {
    keeps: [stream(good), stream(sse(['error', { msg: 'x', code: '500' }], done))],
    breaks: [stream(sse(stage('1002'), done, delta('还有'))), stream(sse(done, done)), stream(sse(['error', { msg: 'x', code: '500' }], delta('x')))],
  },
  'fastgpt-py.answer.content-type': {
    keeps: [answer({ nextStageCode: '1002', nextStage: '通话中', text: 'x' })],
    breaks: [answer({ nextStageCode: '1002', nextStage: '通话中', text: 'x' }, { head: { headers: { 'content-type': 'text/plain' } } })],
  },
  'fastgpt-py.answer.json': { keeps: [answer({ text: 'x' })], breaks: [answer('Internal Server Error'), answer('["x"]')] },
  'fastgpt-py.answer.fields': { keeps: [answer({ sessionId: 's', nextStageCode: '1002', nextStage: '通话中', text: 'x' })], breaks: [answer({ reply: 'x' })] },
  'fastgpt-py.input.refused': {
    keeps: [
      refusal(JSON.stringify({ detail: [{ loc: ['body', 'sessionId'], msg: 'Field required', type: 'missing' }] }), { status: 422 }),
      refusal(sseEvent({ msg: 'sessionId required', code: '400' }, { event: 'error' }), { status: 200, headers: { 'content-type': 'text/event-stream' } }),
      refusal(JSON.stringify({ code: '400', msg: 'sessionId required' }), { status: 200 }),
      // The document has no error body: a message alone refuses as well.
      refusal(JSON.stringify({ msg: 'sessionId required' }), { status: 200 }),
    ],
    breaks: [
      refusal(JSON.stringify({ nextStageCode: '1002', nextStage: '通话中', text: '您好' }), { status: 200 }),
      refusal(good, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
      refusal('Internal Server Error', { status: 500, headers: { 'content-type': 'text/plain' } }),
    ],
  },
  'fastgpt-py.request.json': { keeps: [request(valid)], breaks: [request('sessionId=s1&text=x')] },
  'fastgpt-py.request.shape': {
    keeps: [request(valid), request({ ...valid, stream: true })],
    breaks: [
      request({ timeStamp: 't', text: 'x' }),
      request({ sessionId: 's', text: 'x' }),
      request({ sessionId: 's', timeStamp: 't' }),
      request({ ...valid, text: 42 }),
      request({ ...valid, stream: 'true' }),
    ],
  },
  'fastgpt-py.delta.fragment': {
    keeps: [
      stream(good),
      // One delta that repeats the one before it is a coincidence, not a cumulative stream.
      stream(sse(stage('1002'), delta('您好，请问'), delta('您好，请问发生了什么情况？'), delta('我们马上派人。'), done)),
      // Short fragments that begin alike.
      stream(sse(stage('1002'), delta('哈'), delta('哈哈'), delta('哈哈哈'), delta('哈哈哈哈'), done)),
    ],
    breaks: [
      stream(sse(stage('1002'), delta('您好，'), delta('您好，请问'), delta('您好，请问发生了'), delta('您好，请问发生了什么情况？'), done)),
      stream(sse(stage('1002'), delta('Hello'), delta('Hello, what'), delta('Hello, what happened?'), done)),
    ],
  },
  'fastgpt-py.request.stream-query': {
    keeps: [request(valid), queried('stream=true'), queried('stream=True'), queried('stream=0'), queried('stream=yes'), queried('other=maybe')],
    breaks: [queried('stream=maybe'), queried('stream='), queried('stream=2')],
  },
  'http.response.complete': { keeps: [stream(good)], breaks: [stream(good, { end: { type: 'broken', atMs: 1, message: 'reset' } })] },
};

describe('fastgpt-py rules', () => {
  keepBreak(
    fastgptPy,
    trials(table, (c) => check(fastgptPy, c.scope, c.body, c.options)),
  );

  it("passes the document's example stream with no deviation", async () => {
    const example = sse(stage('1002', '通话中'), delta('您好,请问发生了什么情况?'), done);
    expect(await check(fastgptPy, 'stream', example, { chunkBytes: 5 })).toEqual([]);
  });
});
