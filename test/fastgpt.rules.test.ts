import { describe, expect, it } from 'vitest';
import { awaitedReplies } from '../src/protocols/fastgpt/rules/interactive-reply.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import { fastgptApi } from '../src/protocols/fastgpt/api.js';
import { QUERY_CALLS } from '../src/protocols/fastgpt/rules/request-query.js';
import type { Scope } from '../src/core/rule.js';
import { check, sseEvent, type CheckOptions } from './helpers.js';
import { keepBreak, trials } from './keep-break.js';

const COMPLETIONS = 'http://t.invalid/api/v1/chat/completions';
const HISTORIES = 'http://t.invalid/api/core/chat/history/getHistories';
const RECORDS = 'http://t.invalid/api/core/chat/getPaginationRecords';
const messages = [{ role: 'user', content: '导演是谁' }];
const plainRequest = { stream: true, detail: false, messages };
const detailRequest = { stream: true, detail: true, chatId: 'c1', messages };

/** A chunk as real FastGPT writes it: empty id/object/model, role in every delta. */
function chunk(content: string | null, finish: string | null = null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: '', object: '', created: 0, model: '', choices: [{ delta: { role: 'assistant', content, ...extra }, index: 0, finish_reason: finish }] };
}
const stop = chunk(null, 'stop');
type Frame = readonly [event: string | undefined, data: unknown];
const sse = (...frames: Frame[]): string => frames.map(([event, data]) => sseEvent(data, event === undefined ? {} : { event })).join('');
const U = undefined;
const nodes = [{ moduleName: 'AI 对话', moduleType: 'chatNode', runningTime: 1.2 }];
const formField = { type: 'numberInput', key: 'age', label: 'Age', value: '', valueType: 'number', required: true };
/** A non-streaming detail answer that stops at a form node holding `field`. */
const formAnswer = (field: Record<string, unknown>): string =>
  JSON.stringify({
    id: 'c1',
    model: '',
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 1 },
    choices: [
      {
        message: {
          role: 'assistant',
          content: [{ type: 'interactive', interactive: { type: 'userInput', params: { description: 'd', inputForm: [field] } } }],
        },
        finish_reason: 'stop',
        index: 0,
      },
    ],
    responseData: nodes,
    newVariables: {},
  });

const plain = sse([U, chunk('电影')], [U, chunk('新海诚。')], [U, stop], [U, '[DONE]']);
const detail = sse(
  ['flowNodeStatus', { status: 'running', name: 'AI 对话' }],
  ['answer', chunk('电影')],
  ['answer', stop],
  ['answer', '[DONE]'],
  ['flowResponses', nodes],
);
const answer = JSON.stringify({
  id: 'c1',
  model: '',
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 1 },
  choices: [{ message: { role: 'assistant', content: '新海诚' }, finish_reason: 'stop', index: 0 }],
});
const envelope = (code: unknown, data: unknown, message = ''): string => JSON.stringify({ code, statusText: '', message, data });

interface Case {
  readonly scope: Scope;
  readonly body: string;
  readonly options?: CheckOptions;
}
const stream = (body: string, request: unknown = plainRequest, options: CheckOptions = {}): Case => ({
  scope: 'stream',
  body,
  options: { url: COMPLETIONS, request, ...options },
});
const detailed = (body: string, options: CheckOptions = {}): Case => stream(body, detailRequest, options);
const nonStream = (body: string, request: unknown = { stream: false, messages }, options: CheckOptions = {}): Case => ({
  scope: 'answer',
  body,
  options: { url: COMPLETIONS, request, ...options },
});
const records = (body: string, url = HISTORIES, scope: Scope = 'answer'): Case => ({
  scope,
  body,
  options: { url, request: { appId: 'a', offset: 0, pageSize: 10 } },
});
/** A page of getHistories (chats) or getPaginationRecords (records) as asked by `request`. */
const page = (list: unknown[], total: unknown, request: Record<string, unknown> = {}, url = HISTORIES): Case => ({
  scope: 'answer',
  body: envelope(200, { list, total }),
  options: { url, request: { appId: 'a', offset: 0, pageSize: 10, ...request } },
});
const chat = (chatId: string, appId = 'a') => ({ chatId, updateTime: '2024-10-13T03:29:05.779Z', appId, customTitle: '', title: '你好', top: false });
const item = (dataId: string) => ({ _id: `_${dataId}`, dataId, obj: 'AI', value: [{ text: { content: '你好' } }] });
const refusal = (body: string, url = COMPLETIONS, head: CheckOptions['head'] = { status: 500 }): Case => ({
  scope: 'refusal',
  body,
  options: { url, head, request: { stream: false, messages } },
});
const SSE_200 = { status: 200, headers: { 'content-type': 'text/event-stream' } };
const request = (body: unknown, url = COMPLETIONS): Case => ({
  scope: 'request',
  body: '',
  options: { url, ...(typeof body === 'string' ? { requestBody: body } : { request: body }) },
});

/** A records call with its input in the query string (and, for some, a body). */
const queried = (pathAndQuery: string, body?: unknown): Case => ({
  scope: 'request',
  body: '',
  options: { url: `http://t.invalid${pathAndQuery}`, ...(body === undefined ? {} : { request: body }) },
});

/** A chat turn with this chatId and responseChatItemId, judged with what the mock remembers of earlier turns. */
const turn = (chatId: string, responseChatItemId: string, memory: Map<string, unknown>): Case => ({
  scope: 'request',
  body: '',
  options: { url: COMPLETIONS, request: { chatId, responseChatItemId, messages }, requestHeaders: { authorization: 'Bearer k' }, memory },
});
// Chat c1 already used item id a1.
const earlierTurns = new Map<string, unknown>();
await check(fastgpt, 'request', '', turn('c1', 'a1', earlierTurns).options);

// Chat sel waits at a userSelect node, chat form at a form (as the mock remembers them).
const waiting = new Map<string, unknown>();
awaitedReplies(waiting).expect('sel', {
  type: 'userSelect',
  userSelectOptions: [
    { key: 'option1', value: '确认' },
    { key: 'option2', value: '取消' },
  ],
});
awaitedReplies(waiting).expect('form', {
  type: 'userInput',
  inputForm: [
    { type: 'input', key: '姓名', valueType: 'string', required: true },
    { type: 'numberInput', key: '年龄', valueType: 'number' },
  ],
});
const reply = (chatId: string, content: string): Case => ({
  scope: 'request',
  body: '',
  options: { url: COMPLETIONS, request: { chatId, messages: [{ role: 'user', content }] }, requestHeaders: { authorization: 'Bearer k' }, memory: waiting },
});

/** A valid chat request with these headers. */
const keyed = (requestHeaders: Record<string, string>): Case => ({
  scope: 'request',
  body: '',
  options: { url: COMPLETIONS, request: { messages }, requestHeaders },
});

const table: Record<string, { keeps: Case[]; breaks: Case[] }> = {
  'fastgpt.stream.content-type': {
    keeps: [
      stream(plain, plainRequest, { head: { headers: { 'content-type': 'text/event-stream;charset=utf-8' } } }),
      // An error before the stream starts: one event: error frame, no event-stream Content-Type.
      stream(sse(['error', { code: 403, statusText: 'unAuthorization', message: 'x' }]), plainRequest, { head: { headers: { 'content-type': 'text/plain' } } }),
    ],
    breaks: [stream(plain, plainRequest, { head: { headers: { 'content-type': 'application/json' } } })],
  },
  'fastgpt.stream.status': { keeps: [stream(plain)], breaks: [stream(plain, plainRequest, { head: { status: 201 } })] },
  'fastgpt.frame.payload': { keeps: [stream(plain)], breaks: [stream(sse([U, chunk('a')], [U, '{"choices":['], [U, stop], [U, '[DONE]']))] },
  'fastgpt.chunk.shape': {
    keeps: [
      stream(plain),
      // The document's own form: no model, delta {} on the stop chunk; and reasoning without content.
      stream(
        sse(
          [U, { id: '', object: '', created: 0, choices: [{ delta: { content: '电' }, index: 0, finish_reason: null }] }],
          [U, chunk(null, null, { content: undefined, reasoning_content: '想' })],
          [U, { id: '', object: '', created: 0, choices: [{ delta: {}, index: 0, finish_reason: 'stop' }] }],
          [U, '[DONE]'],
        ),
      ),
      // FastGPT versions whose workflow writer lets workflowDuration through under detail=false write it unnamed.
      stream(sse([U, chunk('电', null)], [U, { durationSeconds: 1.2 }], [U, stop], [U, '[DONE]'])),
    ],
    breaks: [
      stream(sse([U, { choices: [{ delta: { content: 1 }, index: 0, finish_reason: null }] }], [U, stop], [U, '[DONE]'])),
      stream(sse([U, { text: '电影' }], [U, stop], [U, '[DONE]'])),
    ],
  },
  'fastgpt.chunk.words': {
    keeps: [
      stream(plain),
      detailed(detail),
      // OpenAI's own: a role chunk with "" first, the stop chunk's delta empty.
      stream(
        sse([U, chunk('', null, { role: 'assistant' })], [U, chunk('电影')], [U, { choices: [{ delta: {}, index: 0, finish_reason: 'stop' }] }], [U, '[DONE]']),
      ),
      // No words at all: an answer that stops at an interactive node, a reasoning model's thoughts alone.
      detailed(
        sse(
          ['interactive', { interactive: { type: 'userSelect', params: { userSelectOptions: [{ key: 'o1', value: '确认' }] } } }],
          ['answer', stop],
          ['answer', '[DONE]'],
          ['flowResponses', nodes],
        ),
      ),
      stream(sse([U, chunk(null, null, { content: undefined, reasoning_content: '想' })], [U, stop], [U, '[DONE]'])),
      // Words in content, and the same words again under a key of the server's own.
      stream(sse([U, chunk('电影', null, { text: '电影' })], [U, stop], [U, '[DONE]'])),
    ],
    breaks: [
      stream(
        sse(
          [U, chunk(null, null, { content: undefined, role: 'assistant', text: '电影' })],
          [U, chunk(null, null, { content: undefined, text: '新海诚' })],
          [U, stop],
          [U, '[DONE]'],
        ),
      ),
      detailed(sse(['answer', chunk('', null, { text: '电影' })], ['answer', stop], ['answer', '[DONE]'], ['flowResponses', nodes])),
    ],
  },
  'fastgpt.event.shape': {
    keeps: [
      refusal(sseEvent({ code: 403, statusText: 'unAuthorization', message: 'unAuthorization' }, { event: 'error' }), COMPLETIONS, {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
      }),
      detailed(detail),
      detailed(
        sse(
          ['interactive', { interactive: { type: 'userSelect', params: { description: 'd', userSelectOptions: [{ key: 'o1', value: 'Confirm' }] } } }],
          ['answer', stop],
          ['answer', '[DONE]'],
          ['flowResponses', nodes],
        ),
      ),
    ],
    breaks: [
      // A streaming refusal is an error event: without message it is not the documented one.
      refusal(sseEvent({ code: 403, statusText: 'unAuthorization' }, { event: 'error' }), COMPLETIONS, {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
      }),
      // An error event whose data is plain text: the documented client JSON-parses every data: line.
      refusal('event: error\ndata: messages is empty\n\n', COMPLETIONS, SSE_200),
      detailed(sse(['answer', chunk('a')], ['error', 'model failed'])),
      detailed(sse(['answer', chunk('a')], ['answer', stop], ['answer', '[DONE]'], ['flowResponses', { list: nodes }])),
      detailed(sse(['flowNodeStatus', { status: 'running' }], ['answer', stop], ['answer', '[DONE]'], ['flowResponses', nodes])),
      detailed(
        sse(
          ['interactive', { interactive: { type: 'userSelect', params: { userSelectOptions: [] } } }],
          ['answer', stop],
          ['answer', '[DONE]'],
          ['flowResponses', nodes],
        ),
      ),
      detailed(sse(['toolCall', { tool: { toolName: 'x' } }], ['answer', stop], ['answer', '[DONE]'], ['flowResponses', nodes])),
    ],
  },
  'fastgpt.interactive.form-fields': {
    keeps: [
      detailed(
        sse(
          ['interactive', { interactive: { type: 'userInput', params: { description: 'd', inputForm: [formField] } } }],
          ['answer', stop],
          ['answer', '[DONE]'],
        ),
      ),
      nonStream(formAnswer(formField), { stream: false, detail: true, messages }),
      // A select node has no form: nothing to judge.
      detailed(
        sse(
          ['interactive', { interactive: { type: 'userSelect', params: { userSelectOptions: [{ key: 'o1', value: 'Confirm' }] } } }],
          ['answer', stop],
          ['answer', '[DONE]'],
        ),
      ),
    ],
    breaks: [
      detailed(
        sse(
          ['interactive', { interactive: { type: 'userInput', params: { inputForm: [{ ...formField, valueType: undefined }] } } }],
          ['answer', stop],
          ['answer', '[DONE]'],
        ),
      ),
      detailed(
        sse(
          ['interactive', { interactive: { type: 'userInput', params: { inputForm: [formField, { ...formField, key: 'age', required: 'no' }] } } }],
          ['answer', stop],
          ['answer', '[DONE]'],
        ),
      ),
      // Without stream, the form is a typed value of the answer's content.
      nonStream(formAnswer({ ...formField, valueType: undefined }), { stream: false, detail: true, messages }),
    ],
  },
  'fastgpt.event.known': {
    keeps: [detailed(detail)],
    breaks: [detailed(sse(['chatTitle', { title: 't' }], ['answer', stop], ['answer', '[DONE]'], ['flowResponses', nodes]))],
  },
  'fastgpt.detail.named': {
    keeps: [detailed(detail)],
    breaks: [detailed(sse([U, chunk('电影')], ['answer', stop], ['answer', '[DONE]'], ['flowResponses', nodes]))],
  },
  'fastgpt.plain.openai-frames': {
    keeps: [stream(plain), stream(sse([U, chunk('a')], ['error', { message: 'x' }]))],
    breaks: [stream(sse(['chatTitle', { title: 't' }], [U, chunk('a')], [U, stop], [U, '[DONE]'])), stream(sse([U, { title: 't' }], [U, stop], [U, '[DONE]']))],
  },
  'fastgpt.done.present': {
    keeps: [stream(plain), stream(sse([U, chunk('a')], ['error', { message: 'LLM failed' }]))],
    breaks: [stream(sse([U, chunk('a')], [U, stop])), detailed(sse(['answer', chunk('a')], ['answer', stop], ['flowResponses', nodes]))],
  },
  'fastgpt.done.event': {
    keeps: [stream(plain), detailed(detail)],
    breaks: [
      stream(sse([U, chunk('a')], [U, stop], ['answer', '[DONE]'])),
      detailed(sse(['answer', stop], ['flowResponses', '[DONE]'], ['flowResponses', nodes])),
    ],
  },
  'fastgpt.stop.present': {
    keeps: [
      stream(plain),
      stream(sse([U, chunk('a')], [U, chunk('', 'stop')], [U, '[DONE]'])),
      // "" where null belongs on the chunks before a real stop.
      stream(sse([U, chunk('a', '')], [U, chunk('b', '')], [U, stop], [U, '[DONE]'])),
    ],
    breaks: [stream(sse([U, chunk('a')], [U, '[DONE]'])), stream(sse([U, chunk('a', '')], [U, chunk(null, '')], [U, '[DONE]']))],
  },
  'fastgpt.stop.single': {
    keeps: [
      stream(plain),
      // Heartbeats are answer chunks with empty content; they are not stops.
      stream(sse([U, chunk('')], [U, chunk('a')], [U, chunk('')], [U, stop], [U, '[DONE]'])),
      // finish_reason "" is not a stop: the chunks after it are the answer's.
      stream(sse([U, chunk('a', '')], [U, chunk('b', '')], [U, stop], [U, '[DONE]'])),
    ],
    breaks: [stream(sse([U, chunk('a', 'stop')], [U, chunk('b')], [U, stop], [U, '[DONE]'])), stream(sse([U, stop], [U, stop], [U, '[DONE]']))],
  },
  'fastgpt.done.last': {
    keeps: [detailed(detail), stream(plain)],
    breaks: [
      stream(sse([U, stop], [U, '[DONE]'], [U, chunk('more')])),
      detailed(sse(['answer', stop], ['answer', '[DONE]'], ['flowResponses', nodes], ['flowResponses', nodes])),
    ],
  },
  'fastgpt.flow-responses.once': {
    keeps: [
      detailed(detail),
      // The newest FastGPT sends it before [DONE]; v2 sends flowNodeResponse per node instead.
      detailed(sse(['answer', chunk('a')], ['flowResponses', nodes], ['answer', stop], ['answer', '[DONE]'])),
      detailed(sse(['flowNodeResponse', nodes[0]], ['answer', stop], ['answer', '[DONE]'])),
      detailed(sse(['answer', chunk('a')], ['error', { message: 'x' }])),
    ],
    breaks: [
      detailed(sse(['answer', chunk('a')], ['answer', stop], ['answer', '[DONE]'])),
      detailed(sse(['flowResponses', nodes], ['answer', stop], ['answer', '[DONE]'], ['flowResponses', nodes])),
    ],
  },
  'fastgpt.error.last': {
    keeps: [stream(sse([U, chunk('a')], ['error', { message: 'x' }])), refusal(sse(['error', { message: 'no key' }]), COMPLETIONS, SSE_200)],
    breaks: [
      stream(sse([U, chunk('a')], ['error', { message: 'x' }], [U, '[DONE]'])),
      // A refusal given as an error event, then [DONE] as if an answer had run.
      refusal(sse(['error', { message: 'no key' }], ['answer', '[DONE]']), COMPLETIONS, SSE_200),
    ],
  },
  'fastgpt.answer.succeeded': {
    keeps: [stream(plain), nonStream(answer)],
    breaks: [stream(sse(['error', { message: 'x' }])), nonStream(envelope(500, null, 'core.chat.error.appNotExist'), undefined, { head: { status: 500 } })],
  },
  'fastgpt.answer.content-type': {
    keeps: [nonStream(answer, undefined, { head: { headers: { 'content-type': 'application/json; charset=utf-8' } } })],
    breaks: [nonStream(answer, undefined, { head: { headers: { 'content-type': 'text/plain' } } })],
  },
  'fastgpt.answer.json': {
    keeps: [nonStream(answer), records(envelope(200, { list: [], total: 0 }))],
    // The last one streamed although the request asked for stream: false.
    breaks: [nonStream('<html>502</html>'), records('oops'), nonStream(plain, undefined, { head: { headers: { 'content-type': 'text/event-stream' } } })],
  },
  'fastgpt.answer.openai-fields': {
    keeps: [
      nonStream(answer),
      // FastGPT's own values: model "" and a null finish_reason still are the fields.
      nonStream(JSON.stringify({ ...JSON.parse(answer), choices: [{ message: { role: 'assistant', content: 'x' }, finish_reason: null, index: 0 }] })),
      // A refusal envelope is not an answer.
      nonStream(envelope(403, null, 'unAuthorization')),
    ],
    breaks: [
      nonStream(JSON.stringify({ choices: [{ message: { role: 'assistant', content: '新海诚' } }] })),
      nonStream(JSON.stringify({ ...JSON.parse(answer), usage: undefined })),
      nonStream(JSON.stringify({ ...JSON.parse(answer), choices: [{ message: { role: 'assistant', content: 'x' }, index: 0 }] })),
    ],
  },
  'fastgpt.answer.shape': {
    keeps: [
      nonStream(answer),
      nonStream(
        JSON.stringify({
          choices: [
            {
              message: {
                role: 'assistant',
                content: [
                  { type: 'reasoning', reasoning: { content: 'r' } },
                  { type: 'text', text: { content: 't' } },
                ],
              },
              finish_reason: 'stop',
              index: 0,
            },
          ],
          responseData: [],
        }),
        { stream: false, detail: true, messages },
      ),
      // The newer FastGPT's /api/v2 leaves out each value's type: its key says what it is.
      nonStream(
        JSON.stringify({
          choices: [
            {
              message: { role: 'assistant', content: [{ reasoning: { content: 'r' }, text: { content: 't' } }, { tools: [] }] },
              finish_reason: 'stop',
              index: 0,
            },
          ],
          responseData: [],
        }),
        { stream: false, detail: true, messages },
      ),
    ],
    breaks: [
      nonStream(JSON.stringify({ choices: [] })),
      nonStream(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 42 } }] })),
      nonStream(JSON.stringify({ choices: [{ message: { role: 'assistant', content: [{}] }, finish_reason: 'stop', index: 0 }], responseData: [] }), {
        stream: false,
        detail: true,
        messages,
      }),
    ],
  },
  'fastgpt.answer.detail': {
    keeps: [
      nonStream(JSON.stringify({ ...JSON.parse(answer), responseData: nodes, newVariables: {} }), { stream: false, detail: true, messages }),
      nonStream(answer),
    ],
    breaks: [
      nonStream(answer, { stream: false, detail: true, messages }),
      nonStream(answer, { stream: false, variables: { query: 'q' } }),
      // A plugin call with messages: [] (the openai SDK's way) is still a plugin call: detail is forced on.
      nonStream(answer, { stream: false, variables: { query: 'q' }, messages: [] }),
    ],
  },
  'fastgpt.records.envelope': {
    keeps: [records(envelope(200, { list: [], total: 0 })), records(envelope(403, null, 'unAuthorization'), HISTORIES, 'refusal')],
    breaks: [
      records(envelope('200', { list: [], total: 0 })),
      records(JSON.stringify({ code: 200, data: null })),
      records(envelope('403', null), HISTORIES, 'refusal'),
    ],
  },
  'fastgpt.records.success': { keeps: [records(envelope(200, { list: [], total: 0 }))], breaks: [records(envelope(500, null, 'missingParams'))] },
  'fastgpt.records.data': {
    keeps: [
      records(
        envelope(200, { list: [{ chatId: 'c', updateTime: '2024-10-13T03:29:05.779Z', appId: 'a', customTitle: '', title: '你好', top: false }], total: 1 }),
      ),
      records(envelope(200, { list: [{ _id: 'x', dataId: 'd', obj: 'AI', value: [{ text: { content: '你好' } }], customFeedbacks: [] }], total: 1 }), RECORDS),
      records(envelope(200, {}), 'http://t.invalid/api/core/chat/feedback/updateUserFeedback'),
    ],
    breaks: [records(envelope(200, { list: {}, total: 1 })), records(envelope(200, { list: [{ dataId: 'd', obj: 'Bot', value: [] }], total: 1 }), RECORDS)],
  },
  'fastgpt.records.own-app': {
    keeps: [page([chat('c1'), chat('c2')], 2), page([{ chatId: 'c3', title: 'no appId' }], 1)],
    breaks: [page([chat('c1'), chat('c2', 'another-app')], 2)],
  },
  'fastgpt.records.unique': {
    keeps: [page([chat('c1'), chat('c2')], 2), page([item('d1'), item('d2')], 2, {}, RECORDS)],
    breaks: [page([chat('c1'), chat('c1')], 2), page([item('d1'), item('d2'), item('d1')], 3, {}, RECORDS)],
  },
  'fastgpt.records.status': {
    keeps: [
      records(envelope(200, { list: [], total: 0 })),
      { ...records(envelope(403, null)), options: { url: HISTORIES, head: { status: 500 }, request: {} } },
    ],
    breaks: [{ ...records(envelope(200, { list: [], total: 0 })), options: { url: HISTORIES, head: { status: 500 }, request: {} } }],
  },
  'fastgpt.records.paging': {
    keeps: [
      page([chat('c1')], 3, { pageSize: 1 }),
      page([item('d1'), item('d2')], 2, { pageSize: 2 }, RECORDS),
      page([chat('c1'), chat('c2')], 2, { pageSize: 0 }),
    ],
    breaks: [page([chat('c1'), chat('c2')], 2, { pageSize: 1 }), page([item('d1'), item('d2'), item('d3')], 3, { pageSize: '2' }, RECORDS)],
  },
  'fastgpt.records.total': {
    keeps: [
      page([chat('c1'), chat('c2')], 2),
      page([chat('c1')], 5, { pageSize: 1 }),
      page([item('d3')], 3, { offset: 2, pageSize: 2 }, RECORDS),
      page([item('d5')], 5, { offset: undefined, pageNum: 3, pageSize: 2 }, RECORDS),
      page([], 4, { offset: 10 }),
    ],
    breaks: [
      page([chat('c1'), chat('c2')], 7),
      page([chat('c1'), chat('c2')], 1, { pageSize: 2 }),
      page([item('d3')], 4, { offset: 2, pageSize: 2 }, RECORDS),
      page([item('d5')], 1, { offset: undefined, pageNum: 3, pageSize: 2 }, RECORDS),
    ],
  },
  'fastgpt.request.refused': {
    keeps: [
      refusal(envelope(403, null, 'unAuthorization')),
      refusal(envelope(514, null, 'unAuthApiKey'), HISTORIES),
      refusal(sseEvent({ code: 403, message: 'x' }, { event: 'error' }), COMPLETIONS, { status: 200, headers: { 'content-type': 'text/plain' } }),
      refusal('Unauthorized', COMPLETIONS, { status: 401, headers: { 'content-type': 'text/plain' } }),
    ],
    breaks: [
      refusal(answer, COMPLETIONS, { status: 200 }),
      refusal(envelope(200, { list: [], total: 0 }), HISTORIES, { status: 200 }),
      refusal(envelope(403, { list: [], total: 0 }, 'unAuthorization'), HISTORIES),
      refusal(plain, COMPLETIONS, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    ],
  },
  'fastgpt.plain.no-detail-events': {
    keeps: [
      stream(plain),
      // chatTitle is newer than FastGPT's detail list: only fastgpt.plain.openai-frames warns of it.
      stream(sse(['chatTitle', { title: 't' }], [U, chunk('a')], [U, stop], [U, '[DONE]'])),
      detailed(detail),
      // A plugin call (no messages) has detail forced on.
      stream(
        sse(
          ['flowNodeStatus', { status: 'running', name: 'AI 对话' }],
          ['answer', chunk('a')],
          ['answer', stop],
          ['answer', '[DONE]'],
          ['flowResponses', nodes],
        ),
        { stream: true, variables: { query: 'q' } },
      ),
    ],
    breaks: [
      stream(sse(['flowNodeStatus', { status: 'running', name: 'AI 对话' }], [U, chunk('电影')], [U, stop], [U, '[DONE]'])),
      stream(sse([U, chunk('电影')], [U, stop], [U, '[DONE]'], ['flowResponses', nodes]), { stream: true, detail: false, messages }),
    ],
  },
  'fastgpt.close.after-done': {
    keeps: [stream(plain), detailed(detail)],
    breaks: [
      stream(plain, plainRequest, { end: { type: 'held-open', atMs: 1000, graceMs: 1000 } }),
      detailed(detail, { end: { type: 'timeout', atMs: 5000, limitMs: 5000, limit: 'exchange' } }),
    ],
  },
  'fastgpt.answer.plain': {
    keeps: [
      nonStream(answer),
      nonStream(JSON.stringify({ ...JSON.parse(answer), responseData: nodes, newVariables: {} }), { stream: false, detail: true, messages }),
      // A plugin call with messages: [], detail left out: FastGPT forces detail on for it.
      nonStream(JSON.stringify({ ...JSON.parse(answer), responseData: nodes, newVariables: {} }), { stream: false, variables: { query: 'q' }, messages: [] }),
    ],
    breaks: [
      nonStream(JSON.stringify({ ...JSON.parse(answer), responseData: nodes })),
      nonStream(JSON.stringify({ ...JSON.parse(answer), newVariables: { uid: 'u' } }), { stream: false, detail: false, messages }),
      // The typed array of detail=true where detail=false joins the texts into a string.
      nonStream(
        JSON.stringify({
          choices: [{ message: { role: 'assistant', content: [{ type: 'text', text: { content: '电影' } }] }, finish_reason: 'stop', index: 0 }],
        }),
      ),
    ],
  },
  'fastgpt.auth.accepted': {
    keeps: [
      stream(plain),
      nonStream(answer),
      stream(sse([U, chunk('a')], ['error', { message: 'LLM failed' }])),
      nonStream(envelope(500, null, 'core.chat.error.appNotExist'), undefined, { head: { status: 500 } }),
    ],
    // FastGPT refuses a key with its envelope (HTTP 500 in v4.11–v4.14), as an early error event when streaming.
    breaks: [
      stream(sse(['error', { code: 403, statusText: 'unAuthorization', message: 'unAuthorization' }])),
      nonStream(envelope(514, null, 'unAuthApiKey'), undefined, { head: { status: 500 } }),
    ],
  },
  'fastgpt.request.json': { keeps: [request({ messages })], breaks: [request('{"messages": [}')] },
  'fastgpt.request.interactive-reply': {
    keeps: [
      reply('sel', '确认'),
      reply('form', JSON.stringify({ 姓名: '张三', 年龄: 30 })),
      reply('form', JSON.stringify({ 姓名: '张三' })),
      // A chat waiting at no node takes any message.
      reply('other', 'option1'),
    ],
    breaks: [
      reply('sel', 'option1'),
      reply('sel', '好的'),
      reply('form', '姓名=张三, 年龄=30'),
      reply('form', JSON.stringify({ 年龄: 30 })),
      reply('form', JSON.stringify({ 姓名: '张三', 年龄: '三十' })),
    ],
  },
  'fastgpt.request.item-id': {
    keeps: [turn('c1', 'a2', earlierTurns), turn('c2', 'a1', earlierTurns), turn('c1', 'a1', new Map())],
    breaks: [turn('c1', 'a1', earlierTurns)],
  },
  'fastgpt.request.key': {
    keeps: [keyed({ authorization: 'Bearer fastgpt-xxxxxx' }), keyed({ Authorization: 'bearer  fastgpt-x' })],
    breaks: [keyed({}), keyed({ authorization: 'fastgpt-xxxxxx' }), keyed({ authorization: 'Bearer ' }), keyed({ authorization: 'Basic dXNlcjpwYXNz' })],
  },
  'fastgpt.request.query': {
    keeps: [
      queried('/api/core/chat/history/delHistory?chatId=c1&appId=a1'),
      queried('/api/core/chat/getResData?appId=a1&chatId=c1&dataId=d1&extra=1'),
      // Newer FastGPT reads item/delete's parameters from the body.
      queried('/api/core/chat/item/delete', { contentId: 'd1', chatId: 'c1', appId: 'a1' }),
      queried('/api/core/chat/item/delete?appId=a1', { contentId: 'd1', chatId: 'c1' }),
      queried('/api/core/chat/history/getHistories'),
    ],
    breaks: [
      queried('/api/core/chat/history/delHistory?chatId=c1'),
      queried('/api/core/chat/history/clearHistories'),
      queried('/api/core/chat/history/clearHistories?appId='),
      queried('/api/core/chat/init?chatId=c1'),
      queried('/api/core/chat/getResData?appId=a1&chatId=c1'),
      queried('/api/core/chat/item/delete?chatId=c1&appId=a1'),
    ],
  },
  'fastgpt.request.shape': {
    keeps: [
      request({
        chatId: 'c',
        stream: true,
        detail: true,
        responseChatItemId: 'r',
        variables: { uid: 'u' },
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: '导演是谁' },
              { type: 'image_url', image_url: { url: 'https://x/a.png' } },
              { type: 'file_url', name: 'a.pdf', url: 'https://x/a.pdf' },
            ],
          },
        ],
        model: 'gpt',
        temperature: 0.2,
      }),
      request({ stream: false, variables: { query: '你好' } }),
      // A plugin call written with the openai SDK, whose types make messages mandatory.
      request({ stream: false, detail: true, variables: { query: '你好' }, messages: [] }),
      request({ appId: 'a', offset: 0, pageSize: 20, source: 'api' }, HISTORIES),
    ],
    breaks: [
      request({ messages: '导演是谁' }),
      request({ messages: [] }),
      request({ messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }),
      request({ stream: 'true', messages }),
      request({ offset: 0 }, HISTORIES),
      // "长度小于250": shorter than 250.
      request({ chatId: 'c'.repeat(250), messages }),
    ],
  },
  'http.response.complete': {
    keeps: [stream(plain)],
    breaks: [stream(plain, plainRequest, { end: { type: 'timeout', atMs: 10, limitMs: 10, limit: 'exchange' } })],
  },
};

describe('fastgpt rules', () => {
  keepBreak(
    fastgpt,
    trials(table, (c) => check(fastgpt, c.scope, c.body, c.options)),
  );

  it("passes the document's own detail=true stream example, and real FastGPT's, without an error", async () => {
    const documentExample = [
      'event: flowNodeStatus\ndata: {"status":"running","name":"知识库搜索"}\n\n',
      'event: answer\ndata: {"id":"","object":"","created":0,"model":"","choices":[{"delta":{"content":"电影"},"index":0,"finish_reason":null}]}\n\n',
      'event: answer\ndata: {"id":"","object":"","created":0,"model":"","choices":[{"delta":{},"index":0,"finish_reason":"stop"}]}\n\n',
      'event: answer\ndata: [DONE]\n\n',
      'event: flowResponses\ndata: [{"moduleName":"知识库搜索","moduleType":"datasetSearchNode","runningTime":1.78}]\n\n',
    ].join('');
    const errors = (found: Awaited<ReturnType<typeof check>>) => found.filter((d) => d.severity === 'error');
    expect(errors(await check(fastgpt, 'stream', documentExample, { url: COMPLETIONS, request: detailRequest }))).toEqual([]);
    expect(await check(fastgpt, 'stream', detail, { url: COMPLETIONS, request: detailRequest })).toEqual([]);
    expect(await check(fastgpt, 'stream', plain, { url: COMPLETIONS, request: plainRequest, chunkBytes: 3 })).toEqual([]);
  });

  it('says a stream held open after [DONE] was silent since the frames after it, when some came', async () => {
    const heldOpen = { type: 'held-open', atMs: 3000, graceMs: 2000 } as const;
    const actual = async (body: string) =>
      (await check(fastgpt, 'stream', body, { url: COMPLETIONS, request: detailRequest, end: heldOpen })).find((d) => d.rule === 'fastgpt.close.after-done')
        ?.actual;
    expect(await actual(detail)).toBe('still open 2000 ms after [DONE] and the 1 frame(s) after it');
    expect(await actual(sse(['answer', chunk('电影')], ['answer', stop], ['answer', '[DONE]']))).toBe('still open 2000 ms after [DONE]');
  });
});

describe('fastgpt.request.query', () => {
  it('requires the query parameters the API description (chatwire spec fastgpt) marks required, and no others', () => {
    const described = fastgptApi.operations
      .filter((operation) => (operation.parameters ?? []).some((parameter) => parameter.in === 'query'))
      .map((operation): [string, string[]] => [
        operation.path,
        (operation.parameters ?? []).filter((parameter) => parameter.required === true).map((parameter) => parameter.name),
      ]);
    expect(new Map(described)).toEqual(QUERY_CALLS);
  });
});
