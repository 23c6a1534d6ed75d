/**
 * The fastgpt-py rules: document 000_a17f2b116e8d969e.txt (/chat 流式响应模式说明), digest section
 * "fastgpt-py". A Python service in front of a FastGPT workflow, with four SSE events and a table
 * of four-digit stage codes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { show } from '../../core/engine.js';
import { type Frame, frameText, eventName } from '../../core/exchange.js';
import { assertedRule, closedAfterRule, contentTypeRule, jsonFrameRule, mediaType, refusalRule, reportFrameProblems, requestJsonRule, requestSchemaRule, statusRule } from '../../core/kit.js';
import { schemasDir } from '../../core/paths.js';
import { defineRule, type Rule, type RuleSource } from '../../core/rule.js';
import { isRecord } from '../../core/schemas.js';

export const DOC = '000_a17f2b116e8d969e.txt';
const at = (section: string): RuleSource => ({ doc: DOC, section });

/** The document's stage-code table, kept as data in schemas/fastgpt-py/stage-codes.json. */
export const STAGES: Readonly<Record<string, string>> = (() => {
  const file: unknown = JSON.parse(readFileSync(join(schemasDir, 'fastgpt-py', 'stage-codes.json'), 'utf8'));
  const codes = isRecord(file) ? file['codes'] : undefined;
  return isRecord(codes) ? Object.fromEntries(Object.entries(codes).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) : {};
})();

export const EVENTS = ['stage_code', 'text_delta', 'done', 'error'] as const;
const eventOf = eventName;
const payload = (frame: Frame): Record<string, unknown> | undefined => (frame.json.ok && isRecord(frame.json.value) ? frame.json.value : undefined);

/** The stage fields of a frame: a stage_code event's data, or a non-streaming answer's body. */
function stageData(frame: Frame): Record<string, unknown> | undefined {
  if (frame.type === 'sse' && eventOf(frame) !== 'stage_code') return undefined;
  return payload(frame);
}

// Could a legal server fail this? None: any parameter (charset) is accepted.
export const streamContentType = contentTypeRule(
  { id: 'fastgpt-py.stream.content-type', title: 'A streaming request is answered as text/event-stream', severity: 'error', basis: 'doc', source: at('接口地址 (?stream=true) and SSE 事件类型'), scopes: ['stream'] },
  'text/event-stream',
);

export const streamStatus = statusRule(
  { id: 'fastgpt-py.stream.status', title: 'A stream opens with HTTP 200', severity: 'warn', basis: 'inferred', source: at('示例 (响应: Status: 200)'), scopes: ['stream'] },
  [200],
);

// Could a legal server fail this? None: the data format column shows a JSON object for every event.
export const eventJson = jsonFrameRule(
  { id: 'fastgpt-py.event.json', title: "Every event's data is a JSON object", severity: 'error', basis: 'doc', source: at('SSE 事件类型 (数据格式)'), scopes: ['stream'] },
  { object: true },
);

export const eventKnown = defineRule({
  id: 'fastgpt-py.event.known',
  title: 'Events are stage_code, text_delta, done or error',
  severity: 'warn',
  basis: 'inferred',
  source: at('SSE 事件类型'),
  scopes: ['stream'],
  create: (_context, report) => ({
    frame(frame) {
      const event = eventOf(frame);
      if (event !== undefined && (EVENTS as readonly string[]).includes(event)) return;
      report({ at: 'frame', frame, pointer: '', message: event === undefined ? 'an event without an event: line' : `unknown event "${event}"`, expected: EVENTS.join(', '), actual: event ?? '(none)' });
    },
  }),
});

const SHAPES: Readonly<Record<string, string>> = { stage_code: 'stageCode', text_delta: 'textDelta', done: 'done', error: 'error' };
// Stage codes and error codes have rules of their own, so their deviations name the precise fault.
const OWN_RULES = new Set(['/nextStageCode', '/code']);

// Could a legal server fail this? One whose done says something other than status "completed", or whose error
// lacks msg: the table fixes both. Extra fields pass.
export const eventShape = defineRule({
  id: 'fastgpt-py.event.shape',
  title: 'Each event\'s data has its documented fields: text_delta.text, done.status "completed", error.msg, stage_code.nextStage',
  severity: 'error',
  basis: 'doc',
  source: at('SSE 事件类型 (数据格式)'),
  // A streaming refusal is an error event too: its msg and code are documented like any other.
  scopes: ['stream', 'refusal'],
  create: (_context, report) => ({
    frame(frame) {
      // One schema per event name, not the union: a done event must not pass as a text_delta.
      const def = SHAPES[eventOf(frame) ?? ''];
      if (def === undefined || !frame.json.ok) return;
      reportFrameProblems(report, frame, `urn:chatwire:fastgpt-py:events#/$defs/${def}`, frame.json.value, { messagePrefix: `${eventOf(frame) ?? ''}: `, skip: (pointer) => OWN_RULES.has(pointer) });
    },
  }),
});

// Could a legal server fail this? None: the table writes every code as four digits in a string; an unknown
// four-digit code is only fastgpt-py.stage.known's warning.
export const stageCodeFormat = defineRule({
  id: 'fastgpt-py.stage.code-format',
  title: 'nextStageCode is four digits in a string',
  severity: 'error',
  basis: 'doc',
  source: at('状态码映射 and SSE 事件类型 (stage_code: {"nextStageCode": "0000", …})'),
  scopes: ['stream', 'answer'],
  create: (_context, report) => ({
    frame(frame) {
      const data = stageData(frame);
      if (data === undefined || !('nextStageCode' in data)) return;
      const code = data['nextStageCode'];
      if (typeof code === 'string' && /^[0-9]{4}$/.test(code)) return;
      report({ at: 'frame', frame, pointer: '/nextStageCode', message: 'nextStageCode is not four digits in a string', expected: 'a string of four digits, e.g. "1002"', actual: show(code) });
    },
  }),
});

// Could a legal server fail this? One that names a documented code differently (an English name): the table
// fixes the names of the codes it lists.
export const stageName = defineRule({
  id: 'fastgpt-py.stage.name',
  title: 'A documented stage code carries its documented name',
  severity: 'error',
  basis: 'doc',
  source: at('状态码映射'),
  scopes: ['stream', 'answer'],
  create: (_context, report) => ({
    frame(frame) {
      const data = stageData(frame);
      if (data === undefined) return;
      const code = data['nextStageCode'];
      const name = typeof code === 'string' ? STAGES[code] : undefined;
      if (name === undefined || !('nextStage' in data) || data['nextStage'] === name) return;
      report({ at: 'frame', frame, pointer: '/nextStage', message: `stage ${String(code)} is named "${name}" in the document`, expected: show(name), actual: show(data['nextStage']) });
    },
  }),
});

export const stageKnown = defineRule({
  id: 'fastgpt-py.stage.known',
  title: "A stage code is one of the document's table (the table is open, so others are warnings)",
  severity: 'warn',
  basis: 'inferred',
  source: at('状态码映射 (ends with ...)'),
  scopes: ['stream', 'answer'],
  create: (_context, report) => ({
    frame(frame) {
      const data = stageData(frame);
      if (data === undefined) return;
      const code = data['nextStageCode'];
      if (typeof code !== 'string' || !/^[0-9]{4}$/.test(code) || STAGES[code] !== undefined) return;
      report({ at: 'frame', frame, pointer: '/nextStageCode', message: `stage code ${code} is not in the document's table`, expected: Object.keys(STAGES).join(', '), actual: code });
    },
  }),
});

// Could a legal server fail this? None: the table shows code as a string ("500").
export const errorCode = defineRule({
  id: 'fastgpt-py.error.code',
  title: 'An error event carries its code as a string',
  severity: 'error',
  basis: 'doc',
  source: at('SSE 事件类型 (error: {"msg": "错误描述", "code": "500"})'),
  scopes: ['stream', 'refusal'],
  create: (_context, report) => ({
    frame(frame) {
      const data = payload(frame);
      if (eventOf(frame) !== 'error' || data === undefined || typeof data['code'] === 'string') return;
      report({ at: 'frame', frame, pointer: '/code', message: data['code'] === undefined ? 'the error event has no code' : 'the error code is not a string', expected: 'a string such as "500"', actual: show(data['code']) });
    },
  }),
});

// Could a legal server fail this? None: an error event may end the stream instead of done (digest).
export const donePresent = defineRule({
  id: 'fastgpt-py.done.present',
  title: 'A stream ends with a terminal event: done (or error, which may end it instead)',
  severity: 'error',
  basis: 'doc',
  source: at('SSE 事件类型 (done: 流式结束)'),
  scopes: ['stream'],
  create: (_context, report) => {
    let terminal = false;
    let frames = 0;
    let eventStream = true;
    return {
      response(head) {
        eventStream = mediaType(head.headers['content-type']) === 'text/event-stream';
      },
      frame(frame) {
        frames++;
        if (eventOf(frame) === 'done' || eventOf(frame) === 'error') terminal = true;
      },
      end(end) {
        // A body that is no event stream at all is the content-type rule's finding, not a missing done.
        if (terminal || (frames === 0 && !eventStream)) return;
        report({ at: 'end', end, message: `the stream ended (${end.type}) after ${frames} event(s) without done`, expected: 'event: done', actual: 'none' });
      },
    };
  },
});

// Could a legal server fail this? None: done after an error is accepted (digest).
export const doneLast = defineRule({
  id: 'fastgpt-py.done.last',
  title: 'Nothing follows done; after an error, at most one done',
  severity: 'error',
  basis: 'doc',
  source: at('SSE 事件类型 (done: 流式结束); digest: done after error is accepted'),
  scopes: ['stream'],
  create: (_context, report) => {
    let doneAt: number | undefined;
    let errorAt: number | undefined;
    return {
      frame(frame) {
        const event = eventOf(frame);
        if (doneAt !== undefined) {
          report({ at: 'frame', frame, pointer: '', message: `event ${event ?? '(unnamed)'} after done (frame ${doneAt})`, expected: 'nothing after done', actual: show(frameText(frame)) });
          return;
        }
        if (errorAt !== undefined && event !== 'done') {
          report({ at: 'frame', frame, pointer: '', message: `event ${event ?? '(unnamed)'} after error (frame ${errorAt})`, expected: 'nothing after error but done', actual: show(frameText(frame)) });
          return;
        }
        if (event === 'done') doneAt = frame.index;
        if (event === 'error') errorAt ??= frame.index;
      },
    };
  },
});

// Could a legal server fail this? One answering JSON as text/plain: the document's client (aiohttp
// response.json()) refuses that, so it stays an error.
export const answerContentType = contentTypeRule(
  { id: 'fastgpt-py.answer.content-type', title: 'A non-streaming request is answered as application/json', severity: 'error', basis: 'doc', source: at('examples/nostream_chat.py (await response.json())'), scopes: ['answer'] },
  'application/json',
);

// Could a legal server fail this? None: the document's client prints a JSON object.
export const answerJson = jsonFrameRule(
  { id: 'fastgpt-py.answer.json', title: 'A non-streaming answer is a JSON object', severity: 'error', basis: 'doc', source: at('examples/nostream_chat.py (prints the JSON body)'), scopes: ['answer'] },
  { object: true },
);

export const answerFields = defineRule({
  id: 'fastgpt-py.answer.fields',
  title: 'A non-streaming answer carries nextStageCode, nextStage and text',
  severity: 'warn',
  basis: 'inferred',
  source: at('examples/nostream_chat.py; digest: the fields are not documented'),
  scopes: ['answer'],
  create: (_context, report) => ({
    frame(frame) {
      const data = payload(frame);
      if (data === undefined) return;
      const missing = ['nextStageCode', 'nextStage', 'text'].filter((field) => !(field in data));
      if (missing.length === 0) return;
      report({ at: 'frame', frame, pointer: `/${missing[0] ?? ''}`, message: `the answer has no ${missing.join(', ')}`, expected: 'nextStageCode, nextStage and text', actual: show(Object.keys(data)) });
    },
  }),
});

export const sessionStages = assertedRule({
  id: 'fastgpt-py.session.stages',
  title: 'A session moves through the stages its conversation reaches (in call, photo step, end call)',
  severity: 'warn',
  basis: 'inferred',
  source: at('状态码映射 (the stages of an accident-report call)'),
  // Checked by the suite's assertions on a multi-turn session.
});

/** An event name written as a documented one with other case or separators (stage-code, TextDelta). */
function misspelt(event: string): string | undefined {
  const key = (name: string): string => name.toLowerCase().replace(/[-_\s]/g, '');
  return (EVENTS as readonly string[]).includes(event) ? undefined : EVENTS.find((name) => key(name) === key(event));
}

// Could a legal server fail this? None: a new event name is fastgpt-py.event.known's warning; only a documented
// name spelt otherwise (which clients dispatching on the names never see) fails.
export const eventSpelling = defineRule({
  id: 'fastgpt-py.event.name',
  title: 'The documented events are named exactly stage_code, text_delta, done and error',
  severity: 'error',
  basis: 'doc',
  source: at('SSE 事件类型 (事件类型)'),
  scopes: ['stream', 'refusal'],
  create: (_context, report) => {
    const reported = new Set<string>();
    return {
      frame(frame) {
        const event = eventOf(frame);
        const meant = event === undefined || reported.has(event) ? undefined : misspelt(event);
        if (event === undefined || meant === undefined) return;
        reported.add(event);
        report({ at: 'frame', frame, pointer: '', message: `event "${event}" is the documented "${meant}" spelt otherwise`, expected: meant, actual: event });
      },
    };
  },
});

// Could a legal server fail this? One that closes late: it has --close-grace (2 s by default) after done.
export const closeAfterDone = closedAfterRule(
  { id: 'fastgpt-py.close.after-done', title: 'The server ends the response once done is sent', severity: 'error', basis: 'doc', source: at('SSE 事件类型 (done: 流式结束)'), scopes: ['stream'] },
  (frame) => eventOf(frame) === 'done',
  'done',
);

export const refusalNoEffect = assertedRule({
  id: 'fastgpt-py.refusal.no-effect',
  title: 'A refused request leaves no trace: its text is not part of its session afterwards',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数 (必填: a request without them is refused, not processed)'),
  // Checked by the suite's assertions on the turn after a refusal.
});

export const sessionIsolated = assertedRule({
  id: 'fastgpt-py.session.isolated',
  title: "An answer carries nothing of another session's conversation",
  severity: 'error',
  basis: 'doc',
  source: at('请求参数 (sessionId: 会话 ID); digest: security'),
  // Checked by the suite's assertions on a case with two sessions.
});

// Could a legal server fail this? None with the suite's refusal cases (legalServers in
// suites/fastgpt-py.json): a 4xx, an error event, or a JSON error body all count.
export const inputRefused = refusalRule(
  {
    id: 'fastgpt-py.input.refused',
    title: 'A request without sessionId, timeStamp or a string text, or not JSON, is refused (HTTP 4xx or an error answer)',
    severity: 'error',
    basis: 'doc',
    source: at('请求参数 (必填: 是)'),
  },
  {
    status: (status) => status >= 400 && status < 500,
    refuses: (frame) => {
      const data = payload(frame);
      // The document has no error body: FastAPI's {"detail"}, or any {code | error | msg | message} without an answer's text, refuses.
      return eventOf(frame) === 'error' || (frame.type === 'body' && data !== undefined && ['detail', 'code', 'error', 'msg', 'message'].some((key) => key in data) && !('text' in data));
    },
    delivers: (frame) => {
      const data = payload(frame);
      return eventOf(frame) === 'text_delta' || (frame.type === 'body' && typeof data?.['text'] === 'string') ? show(frameText(frame)) : undefined;
    },
    expected: 'HTTP 4xx (e.g. 422), or an error event or body',
  },
);

export const requestJson = requestJsonRule({ id: 'fastgpt-py.request.json', title: 'The request body is a JSON object', severity: 'error', basis: 'doc', source: at('请求参数'), scopes: ['request'] });

export const requestShape = requestSchemaRule(
  { id: 'fastgpt-py.request.shape', title: 'The request has sessionId, timeStamp and text as strings, and stream as a boolean (schemas/fastgpt-py/request.schema.json)', severity: 'error', basis: 'doc', source: at('请求参数'), scopes: ['request'] },
  'urn:chatwire:fastgpt-py:request',
);

export const fastgptPyRules: readonly Rule[] = [
  streamContentType,
  streamStatus,
  eventJson,
  eventKnown,
  eventSpelling,
  eventShape,
  stageCodeFormat,
  stageName,
  stageKnown,
  errorCode,
  donePresent,
  doneLast,
  closeAfterDone,
  answerContentType,
  answerJson,
  answerFields,
  sessionStages,
  sessionIsolated,
  refusalNoEffect,
  inputRefused,
  requestJson,
  requestShape,
];
