/**
 * The fastgpt rules: document 004_2a3e4b61cfa92e1b.txt (FastGPT OpenAPI Chat API) and the digest's
 * fastgpt section, which records where real FastGPT servers (their code) differ from the document.
 * A real FastGPT must pass; where the two differ, both forms are accepted.
 */
import { show } from '../../core/engine.js';
import { type Frame, frameText, eventName } from '../../core/exchange.js';
import { contentTypeRule, frameSchemaRule, mediaType, refusalRule, reportFrameProblems, requestJsonRule, requestPath, requestSchemaByPathRule, statusRule, assertedRule } from '../../core/kit.js';
import { defineRule, type ExchangeContext, type Rule, type RuleSource } from '../../core/rule.js';
import { isRecord } from '../../core/schemas.js';
import { fastgptModeRules } from './mode-rules.js';

export const DOC = '004_2a3e4b61cfa92e1b.txt';
const at = (section: string): RuleSource => ({ doc: DOC, section });

export const DONE = '[DONE]';
export const COMPLETIONS = /\/api\/v[12]\/chat\/completions$/;
export const RECORDS = /\/api\/core\//;

/** Event names the document or FastGPT's code define; others are newer or foreign (a warning). */
export const KNOWN_EVENTS = new Set([
  'answer',
  'fastAnswer',
  'flowNodeStatus',
  'flowResponses',
  'flowNodeResponse',
  'toolCall',
  'toolParams',
  'toolResponse',
  'updateVariables',
  'interactive',
  'workflowDuration',
  'error',
]);

export const pathOf = requestPath;

const isCompletions = (context: ExchangeContext): boolean => COMPLETIONS.test(pathOf(context));
const isRecords = (context: ExchangeContext): boolean => RECORDS.test(pathOf(context));

/** detail=true, or a plugin call (no messages), for which FastGPT forces detail on. */
export function detailOf(context: ExchangeContext): boolean {
  const body = context.requestJson;
  return isRecord(body) && (body['detail'] === true || body['messages'] === undefined);
}

const isDone = (frame: Frame): boolean => frame.type === 'sse' && frame.data.trim() === DONE;
const eventOf = eventName;
/**
 * FastGPT versions whose workflow writer drops only a list of detail events (workflowDuration not
 * among them) write workflowDuration under detail=false unnamed: `data: {"durationSeconds": 1.2}`.
 * That frame is no chunk (fastgpt.plain.openai-frames warns about it), and no fault.
 */
function isUnnamedDuration(frame: Frame): boolean {
  return eventOf(frame) === undefined && frame.json.ok && isRecord(frame.json.value) && 'durationSeconds' in frame.json.value && !('choices' in frame.json.value);
}

/** An answer chunk: unnamed (detail=false) or answer / fastAnswer, and not [DONE]. */
const isChunkFrame = (frame: Frame): boolean =>
  !isDone(frame) && !isUnnamedDuration(frame) && (eventOf(frame) === undefined || eventOf(frame) === 'answer' || eventOf(frame) === 'fastAnswer');

function finishReason(frame: Frame): unknown {
  if (!frame.json.ok || !isRecord(frame.json.value)) return undefined;
  const choices = frame.json.value['choices'];
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  return isRecord(first) ? first['finish_reason'] : undefined;
}

/** Only completions streams: the records calls never stream. */
function onCompletions(rule: Rule): Rule {
  return { ...rule, create: (context, report) => (isCompletions(context) ? rule.create(context, report) : {}) };
}

// ---- the stream ------------------------------------------------------------------------------

// Could a legal server fail this? None: FastGPT's own early error (one event: error frame under another
// Content-Type) is accepted.
export const streamContentType = defineRule({
  id: 'fastgpt.stream.content-type',
  title: 'A stream is served as text/event-stream; only an error before the stream may come otherwise, as exactly one event: error frame',
  severity: 'error',
  basis: 'doc',
  source: at('Response (stream) and, for the pre-stream error, the digest: errors (code)'),
  scopes: ['stream'],
  create: (_context, report) => {
    let contentType: string | undefined;
    let frames = 0;
    let onlyError = true;
    return {
      response(head) {
        contentType = head.headers['content-type'];
      },
      frame(frame) {
        frames++;
        if (eventOf(frame) !== 'error') onlyError = false;
      },
      end(end) {
        if (mediaType(contentType) === 'text/event-stream' || (frames === 1 && onlyError)) return;
        report({ at: 'end', end, message: `Content-Type is ${contentType === undefined ? 'missing' : `"${contentType}"`} for a stream of ${frames} frame(s)`, expected: 'text/event-stream (or a single event: error frame)', actual: contentType ?? '(absent)' });
      },
    };
  },
});

export const streamStatus = statusRule(
  { id: 'fastgpt.stream.status', title: 'A stream opens with HTTP 200', severity: 'warn', basis: 'inferred', source: at('Response (stream examples)'), scopes: ['stream'] },
  [200],
);

// Could a legal server fail this? None: FastGPT writes JSON or [DONE] in every data: line.
export const framePayload = onCompletions(
  defineRule({
    id: 'fastgpt.frame.payload',
    title: 'Every data: payload is JSON or the literal [DONE]',
    severity: 'error',
    basis: 'doc',
    source: at('Response (detail=false, stream=true and detail=true, stream=true)'),
    scopes: ['stream'],
    create: (_context, report) => ({
      frame(frame) {
        if (frame.json.ok || isDone(frame)) return;
        report({ at: 'frame', frame, pointer: '', message: `the payload is neither JSON nor [DONE]: ${frame.json.error}`, expected: 'JSON or [DONE]' });
      },
    }),
  }),
);

// Could a legal server fail this? One sending OpenAI usage chunks with empty choices; FastGPT never does.
// FastGPT's empty id/object/model, delta.role, reasoning_content, content null and the unnamed
// workflowDuration frame all pass.
export const chunkShape = onCompletions(
  frameSchemaRule(
    {
      id: 'fastgpt.chunk.shape',
      title: 'Every answer chunk has the OpenAI chunk shape (schemas/fastgpt/chunk.schema.json)',
      severity: 'error',
      basis: 'doc',
      source: at('Response (stream examples); digest: chunks (code)'),
      scopes: ['stream'],
    },
    'urn:chatwire:fastgpt:chunk',
    { select: (frame) => isChunkFrame(frame) },
  ),
);

const EVENT_SCHEMAS: Readonly<Record<string, string>> = {
  flowNodeStatus: 'flowNodeStatus',
  toolCall: 'toolEvent',
  toolParams: 'toolEvent',
  toolResponse: 'toolEvent',
  updateVariables: 'updateVariables',
  interactive: 'interactiveEvent',
  workflowDuration: 'workflowDuration',
  error: 'errorEvent',
  flowResponses: 'flowResponses',
  flowNodeResponse: 'flowNodeResponse',
};

// Could a legal server fail this? None known: the schemas follow FastGPT's code (v4.11 to main) where it
// differs from the document.
export const eventShape = onCompletions(
  defineRule({
    id: 'fastgpt.event.shape',
    title: "Each detail event's payload has its documented shape (schemas/fastgpt/events.schema.json)",
    severity: 'error',
    basis: 'doc',
    source: at('Response (Event Values); digest: stream=true, detail=true (code)'),
    // A refusal in streaming mode is an error event: its shape is documented like any other.
    scopes: ['stream', 'refusal'],
    create: (_context, report) => ({
      frame(frame) {
        const event = eventOf(frame);
        const def = event === undefined ? undefined : EVENT_SCHEMAS[event];
        if (def === undefined || !frame.json.ok) return;
        reportFrameProblems(report, frame, `urn:chatwire:fastgpt:events#/$defs/${def}`, frame.json.value, { messagePrefix: `${event ?? ''}: ` });
      },
    }),
  }),
);

export const eventKnown = onCompletions(
  defineRule({
    id: 'fastgpt.event.known',
    title: 'Event names are ones the document or FastGPT define (newer servers add chatTitle, plan…)',
    severity: 'warn',
    basis: 'inferred',
    source: at('Response (Event Values); digest: newer servers'),
    scopes: ['stream'],
    create: (_context, report) => {
      const reported = new Set<string>();
      return {
        frame(frame) {
          const event = eventOf(frame);
          if (event === undefined || KNOWN_EVENTS.has(event) || reported.has(event)) return;
          reported.add(event);
          report({ at: 'frame', frame, pointer: '', message: `unknown event "${event}"`, expected: [...KNOWN_EVENTS].join(', '), actual: event });
        },
      };
    },
  }),
);

// Could a legal server fail this? None: FastGPT names every frame when detail=true, [DONE] included.
export const detailNamed = onCompletions(
  defineRule({
    id: 'fastgpt.detail.named',
    title: 'With detail=true every frame carries an event name (answer, flowNodeStatus, …), [DONE] included',
    severity: 'error',
    basis: 'doc',
    source: at('Request (detail: stream模式下会通过event进行区分)'),
    scopes: ['stream'],
    create: (context, report) => ({
      frame(frame) {
        if (!detailOf(context) || eventOf(frame) !== undefined || frame.type !== 'sse') return;
        report({ at: 'frame', frame, pointer: '', message: 'a detail=true frame has no event: line', expected: 'event: answer (or another event name)', actual: '(no event: line)' });
      },
    }),
  }),
);

export const plainOpenAiFrames = onCompletions(
  defineRule({
    id: 'fastgpt.plain.openai-frames',
    title: 'With detail=false every frame is an unnamed chat chunk, as OpenAI clients read them',
    severity: 'warn',
    basis: 'inferred',
    source: at('Request Chat Agent and Workflow (compatible with the GPT interface); digest: newer servers send chatTitle here'),
    scopes: ['stream'],
    create: (context, report) => {
      let doneSeen = false;
      return {
        frame(frame) {
          if (detailOf(context) || frame.type !== 'sse') return;
          if (isDone(frame)) {
            doneSeen = true;
            return;
          }
          const event = eventOf(frame);
          if (event === 'error') return;
          const hasChoices = frame.json.ok && isRecord(frame.json.value) && Array.isArray(frame.json.value['choices']);
          if (event === undefined && hasChoices) return;
          const what = event === undefined ? 'a frame without choices' : `a frame named "${event}"${doneSeen ? ' after [DONE]' : ''}`;
          report({ at: 'frame', frame, pointer: '', message: `${what} with detail=false: chunk.choices[0] breaks the usual OpenAI consumer`, expected: 'an unnamed chunk with choices' });
        },
      };
    },
  }),
);

/** Tracks the terminal frames of a completions stream, for the rules about its end. */
function streamEnding() {
  let doneAt: number | undefined;
  let errorAt: number | undefined;
  return {
    see(frame: Frame): void {
      if (errorAt === undefined && eventOf(frame) === 'error') errorAt = frame.index;
      if (doneAt === undefined && isDone(frame)) doneAt = frame.index;
    },
    get doneAt() {
      return doneAt;
    },
    get errorAt() {
      return errorAt;
    },
  };
}

// Could a legal server fail this? None: a stream ended by an error event needs no [DONE], as in FastGPT's
// code.
export const donePresent = onCompletions(
  defineRule({
    id: 'fastgpt.done.present',
    title: 'A stream that does not end in an error event ends with data: [DONE]',
    severity: 'error',
    basis: 'doc',
    source: at('Response (stream examples end with [DONE])'),
    scopes: ['stream'],
    create: (_context, report) => {
      const ending = streamEnding();
      let frames = 0;
      return {
        frame(frame) {
          frames++;
          ending.see(frame);
        },
        end(end) {
          if (ending.doneAt !== undefined || ending.errorAt !== undefined) return;
          report({ at: 'end', end, message: `the stream ended (${end.type}) after ${frames} frame(s) without [DONE]`, expected: 'data: [DONE]', actual: 'none' });
        },
      };
    },
  }),
);

export const doneEvent = onCompletions(
  defineRule({
    id: 'fastgpt.done.event',
    title: '[DONE] is unnamed with detail=false and comes as event: answer with detail=true',
    severity: 'warn',
    basis: 'doc',
    source: at('Response (detail=false and detail=true stream examples)'),
    scopes: ['stream'],
    create: (context, report) => ({
      frame(frame) {
        if (!isDone(frame)) return;
        const expected = detailOf(context) ? 'answer' : undefined;
        const event = eventOf(frame);
        if (event === expected || (expected === 'answer' && event === undefined)) return; // an unnamed one under detail: detail.named reports it
        report({ at: 'frame', frame, pointer: '', message: `[DONE] has event ${show(event)}`, expected: expected === undefined ? 'no event: line' : 'event: answer', actual: event ?? '(none)' });
      },
    }),
  }),
);

// Could a legal server fail this? None: FastGPT writes the stop chunk after every workflow, an interactive
// stop included.
export const stopPresent = onCompletions(
  defineRule({
    id: 'fastgpt.stop.present',
    title: 'A chunk with finish_reason set (the stop chunk) comes before [DONE]',
    severity: 'error',
    basis: 'doc',
    source: at('Response (detail=true stream example: finish_reason "stop" before [DONE])'),
    scopes: ['stream'],
    create: (_context, report) => {
      let stopSeen = false;
      let reported = false;
      return {
        frame(frame) {
          if (isChunkFrame(frame) && finishReason(frame) !== null && finishReason(frame) !== undefined) stopSeen = true;
          if (isDone(frame) && !stopSeen && !reported) {
            reported = true;
            report({ at: 'frame', frame, pointer: '', message: '[DONE] came without a stop chunk before it', expected: 'a chunk with finish_reason "stop" before [DONE]', actual: '[DONE]' });
          }
        },
      };
    },
  }),
);

// Could a legal server fail this? None: only chunks between the stop chunk and [DONE] fail; flowResponses and
// workflowDuration there are no chunks.
export const stopSingle = onCompletions(
  defineRule({
    id: 'fastgpt.stop.single',
    title: 'finish_reason stays null until the one stop chunk, and no chunk follows it before [DONE]',
    severity: 'error',
    basis: 'doc',
    source: at('Response (stream examples: finish_reason null, then "stop" once)'),
    scopes: ['stream'],
    create: (_context, report) => {
      let stopAt: number | undefined;
      let done = false;
      return {
        frame(frame) {
          // What follows [DONE] is fastgpt.done.last's to judge.
          if (isDone(frame)) done = true;
          if (done || !isChunkFrame(frame) || !frame.json.ok) return;
          if (stopAt !== undefined) {
            report({ at: 'frame', frame, pointer: '/choices/0', message: `a chunk after the stop chunk (frame ${stopAt})`, expected: 'no chunk between the stop chunk and [DONE]', actual: show(frame.json.value) });
            return;
          }
          const reason = finishReason(frame);
          if (reason !== null && reason !== undefined) stopAt = frame.index;
        },
      };
    },
  }),
);

// Could a legal server fail this? None: flowResponses after [DONE] (v4.11 to v4.14) is accepted once.
export const doneLast = onCompletions(
  defineRule({
    id: 'fastgpt.done.last',
    title: 'Nothing follows [DONE] but, at most, the one flowResponses frame',
    severity: 'error',
    basis: 'doc',
    source: at('Response (detail=true stream example: only flowResponses after [DONE]); digest: v4.11–v4.14 and main'),
    scopes: ['stream'],
    create: (_context, report) => {
      let doneAt: number | undefined;
      let flowResponsesAfter = 0;
      return {
        frame(frame) {
          if (doneAt === undefined) {
            if (isDone(frame)) doneAt = frame.index;
            return;
          }
          if (eventOf(frame) === 'flowResponses' && flowResponsesAfter++ === 0) return;
          report({ at: 'frame', frame, pointer: '', message: `a frame${eventOf(frame) === undefined ? '' : ` (event ${eventOf(frame)})`} after [DONE] (frame ${doneAt})`, expected: 'nothing after [DONE] but one flowResponses', actual: show(frameText(frame)) });
        },
      };
    },
  }),
);

// Could a legal server fail this? A v2 workflow sends flowNodeResponse per node instead: accepted. An
// interrupted stream (error, timeout) is not asked for it.
export const flowResponsesOnce = onCompletions(
  defineRule({
    id: 'fastgpt.flow-responses.once',
    title: 'With detail=true a finished stream carries flowResponses exactly once, before or after [DONE] (v2: flowNodeResponse instead)',
    severity: 'error',
    basis: 'doc',
    source: at('Response (Event Values: flowResponses); digest: before or after [DONE] by version'),
    scopes: ['stream'],
    create: (context, report) => {
      const ending = streamEnding();
      let count = 0;
      let perNode = false;
      return {
        frame(frame) {
          ending.see(frame);
          if (eventOf(frame) === 'flowNodeResponse') perNode = true;
          if (eventOf(frame) !== 'flowResponses') return;
          if (++count === 2) report({ at: 'frame', frame, pointer: '', message: 'a second flowResponses frame', expected: 'exactly one flowResponses' });
        },
        end(end) {
          if (!detailOf(context) || count > 0 || perNode || ending.doneAt === undefined || end.type !== 'closed') return;
          report({ at: 'end', end, message: 'a detail=true stream finished without flowResponses', expected: 'one flowResponses frame', actual: 'none' });
        },
      };
    },
  }),
);

// Could a legal server fail this? None: FastGPT ends the response right after sseErrRes.
export const errorLast = onCompletions(
  defineRule({
    id: 'fastgpt.error.last',
    title: 'An error event ends the stream: nothing follows it, [DONE] included',
    severity: 'error',
    basis: 'doc',
    source: at('Response (Event Values: error); digest: errors (code)'),
    scopes: ['stream'],
    create: (_context, report) => {
      let errorAt: number | undefined;
      return {
        frame(frame) {
          if (errorAt !== undefined) {
            report({ at: 'frame', frame, pointer: '', message: `a frame after the error event (frame ${errorAt})`, expected: 'the stream closes after event: error', actual: show(frameText(frame)) });
            return;
          }
          if (eventOf(frame) === 'error') errorAt = frame.index;
        },
      };
    },
  }),
);

// ---- the non-streaming answer ----------------------------------------------------------------

/** A failure answered in the envelope ({code: 500, message}) instead of a completion. */
function isErrorEnvelope(frame: Frame): boolean {
  if (!frame.json.ok || !isRecord(frame.json.value)) return false;
  const value = frame.json.value;
  return value['choices'] === undefined && value['code'] !== undefined && value['code'] !== 200 && typeof value['message'] === 'string';
}

export const answerSucceeded = onCompletions(
  defineRule({
    id: 'fastgpt.answer.succeeded',
    title: 'A valid question gets an answer, not an error event or an error envelope',
    severity: 'warn',
    basis: 'inferred',
    source: at('Response (Event Values: error); digest: errors'),
    scopes: ['stream', 'answer'],
    create: (_context, report) => {
      let reported = false;
      return {
        frame(frame) {
          if (reported || (eventOf(frame) !== 'error' && !isErrorEnvelope(frame))) return;
          reported = true;
          const value = frame.json.ok && isRecord(frame.json.value) ? frame.json.value['message'] : undefined;
          report({ at: 'frame', frame, pointer: '', message: `a valid question was answered with an error: ${show(value)}`, expected: 'an answer' });
        },
      };
    },
  }),
);

// Could a legal server fail this? None: FastGPT answers with res.json (jsonRes for the records calls), and the
// official openai SDK reads any other Content-Type as text, so chunk.choices is gone for its users.
export const answerContentType = contentTypeRule(
  {
    id: 'fastgpt.answer.content-type',
    title: 'A non-streaming answer (completions or records) is served as application/json',
    severity: 'error',
    basis: 'doc',
    source: at('Response (stream=false examples); digest: non-stream answer (code: res.json)'),
    scopes: ['answer'],
  },
  'application/json',
);

// Could a legal server fail this? None: FastGPT answers stream: false with one JSON body.
export const answerJson = defineRule({
  id: 'fastgpt.answer.json',
  title: 'A non-streaming answer (completions or records) is one JSON document, not an event stream',
  severity: 'error',
  basis: 'doc',
  source: at('Response (stream=false examples); Chat CRUD (Response Examples)'),
  scopes: ['answer'],
  create: (_context, report) => ({
    frame(frame) {
      // An event stream is reported once, at its first frame; its frames are not judged one by one.
      if (frame.type === 'sse') {
        if (frame.index === 0) report({ at: 'frame', frame, pointer: '', message: 'an event stream came where one JSON answer belongs (the request asked for stream: false)', expected: 'one JSON body', actual: 'text/event-stream frames' });
        return;
      }
      if (frame.json.ok) return;
      report({ at: 'frame', frame, pointer: '', message: `the answer is not JSON: ${frame.json.error}`, expected: 'a JSON object' });
    },
  }),
});

// Could a legal server fail this? None: content may be a string or FastGPT's array of typed values; an error
// envelope is left to fastgpt.answer.succeeded.
export const answerShape = onCompletions(
  frameSchemaRule(
    { id: 'fastgpt.answer.shape', title: 'A non-streaming answer has the OpenAI completion shape (schemas/fastgpt/answer.schema.json)', severity: 'error', basis: 'doc', source: at('Response (stream=false examples)'), scopes: ['answer'] },
    'urn:chatwire:fastgpt:answer',
    // An event stream in its place is fastgpt.answer.json's one finding, not one per chunk.
    { select: (frame) => frame.type === 'body' && !isErrorEnvelope(frame) },
  ),
);

// Could a legal server fail this? None: FastGPT adds responseData whenever detail is on (forced on for
// plugins).
export const answerDetail = onCompletions(
  defineRule({
    id: 'fastgpt.answer.detail',
    title: 'With detail=true a non-streaming answer carries responseData (an array of node results)',
    severity: 'error',
    basis: 'doc',
    source: at('Request (detail: 非stream模式结果保存在responseData中)'),
    scopes: ['answer'],
    create: (context, report) => ({
      frame(frame) {
        if (!detailOf(context) || isErrorEnvelope(frame) || !frame.json.ok || !isRecord(frame.json.value) || Array.isArray(frame.json.value['responseData'])) return;
        report({ at: 'frame', frame, pointer: '/responseData', message: 'responseData is missing with detail=true', expected: 'an array of node results', actual: show(frame.json.value['responseData']) });
      },
    }),
  }),
);

// ---- chat records ----------------------------------------------------------------------------

/** Which $defs entry the success data of a records call matches, by path. */
export const RECORDS_DATA: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/history\/getHistories$/, 'getHistoriesData'],
  [/\/chat\/init$/, 'initData'],
  [/\/getPaginationRecords$/, 'paginationRecordsData'],
  [/\/getResData$/, 'resData'],
  [/\/createQuestionGuide$/, 'questionGuideData'],
  [/\/(updateHistory|delHistory|clearHistories|item\/delete|updateUserFeedback)$/, 'emptyData'],
];

function onRecords(rule: Rule): Rule {
  return { ...rule, create: (context, report) => (isRecords(context) ? rule.create(context, report) : {}) };
}

// Could a legal server fail this? None: FastGPT's jsonRes always writes code, statusText, message and data.
export const recordsEnvelope = onRecords(
  frameSchemaRule(
    {
      id: 'fastgpt.records.envelope',
      title: 'Every chat-records answer is the {code, statusText, message, data} envelope with a numeric code',
      severity: 'error',
      basis: 'doc',
      source: at('Chat CRUD (every Response Example)'),
      scopes: ['answer', 'refusal'],
    },
    'urn:chatwire:fastgpt:records',
  ),
);

function envelopeCode(frame: Frame): unknown {
  return frame.json.ok && isRecord(frame.json.value) ? frame.json.value['code'] : undefined;
}

// Could a legal server fail this? A real deployment whose model is missing (createQuestionGuide then fails):
// that is a broken deployment, and the message says so.
export const recordsSuccess = onRecords(
  defineRule({
    id: 'fastgpt.records.success',
    title: 'A valid chat-records call answers code 200',
    severity: 'error',
    basis: 'doc',
    source: at('Chat CRUD (Response Examples: code 200)'),
    scopes: ['answer'],
    create: (_context, report) => ({
      frame(frame) {
        const code = envelopeCode(frame);
        if (code === 200 || code === '200' || !frame.json.ok) return; // a string "200" is records.envelope's finding
        const message = frame.json.ok && isRecord(frame.json.value) ? frame.json.value['message'] : undefined;
        report({ at: 'frame', frame, pointer: '/code', message: `the call failed: ${show(message)}`, expected: '200', actual: show(code) });
      },
    }),
  }),
);

// Could a legal server fail this? None known: the data schemas require only what the document and FastGPT's
// code both return (chatId, dataId, obj, value).
export const recordsData = onRecords(
  defineRule({
    id: 'fastgpt.records.data',
    title: "A successful chat-records call's data has that call's documented shape (schemas/fastgpt/records.schema.json)",
    severity: 'error',
    basis: 'doc',
    source: at('Chat CRUD (Response Examples)'),
    scopes: ['answer'],
    create: (context, report) => {
      const def = RECORDS_DATA.find(([pattern]) => pattern.test(pathOf(context)))?.[1];
      return {
        frame(frame) {
          if (def === undefined || envelopeCode(frame) !== 200 || !frame.json.ok || !isRecord(frame.json.value)) return;
          reportFrameProblems(report, frame, `urn:chatwire:fastgpt:records#/$defs/${def}`, frame.json.value['data'], { pointerPrefix: '/data' });
        },
      };
    },
  }),
);

export const recordsEffect = assertedRule({
  id: 'fastgpt.records.effect',
  title: 'A change made through the chat-records calls (rename, pin, feedback, delete, clear) is visible in the next read',
  severity: 'error',
  basis: 'doc',
  source: at('Chat CRUD (each call says what it changes)'),
  // Checked by the suite's assertions, which report under this rule.
});

// ---- refusals --------------------------------------------------------------------------------

/** What a call that must be refused delivered anyway: a completion, or data beside its envelope code. */
function deliveredData(frame: Frame): string | undefined {
  if (!frame.json.ok || !isRecord(frame.json.value)) return undefined;
  const value = frame.json.value;
  const code = value['code'];
  const data = value['data'];
  if (Array.isArray(value['choices'])) return `an answer: ${show(value['choices'])}`;
  if (code !== undefined && data !== undefined && data !== null) return `data ${show(data)} with code ${show(code)}`;
  return undefined;
}

// Could a legal server fail this? None: any HTTP status counts, since FastGPT answers auth failures with HTTP
// 500; only delivered data or no refusal at all fails.
export const requestRefused = refusalRule(
  {
    id: 'fastgpt.request.refused',
    title: 'A call without a valid key, or with input the document rules out, is refused and delivers no data, whatever the HTTP status',
    severity: 'error',
    basis: 'doc',
    source: at('Start a Conversation (requires an application-specific API key); Chat CRUD; digest: auth (code)'),
  },
  {
    // FastGPT answers auth failures with HTTP 500 (v4.11–v4.14), so any 4xx/5xx counts.
    status: (status) => status >= 400,
    refuses: (frame) => {
      if (eventOf(frame) === 'error') return true;
      const code = frame.json.ok && isRecord(frame.json.value) ? frame.json.value['code'] : undefined;
      return code !== undefined && code !== 200 && code !== '200';
    },
    delivers: deliveredData,
    expected: 'a refusal: envelope code other than 200 with no data, an error event, or HTTP 4xx/5xx',
  },
);

// ---- the client's request (judged by the mock) ------------------------------------------------

export const requestJson = requestJsonRule({ id: 'fastgpt.request.json', title: 'A POST body is a JSON object', severity: 'error', basis: 'doc', source: at('Request (curl examples: JSON bodies)'), scopes: ['request'] });

/** Which request schema a POST path's body must match. */
export const REQUEST_SCHEMAS: ReadonlyArray<readonly [RegExp, string]> = [
  [COMPLETIONS, 'urn:chatwire:fastgpt:request'],
  [/\/history\/getHistories$/, 'urn:chatwire:fastgpt:records#/$defs/getHistoriesRequest'],
  [/\/history\/updateHistory$/, 'urn:chatwire:fastgpt:records#/$defs/updateHistoryRequest'],
  [/\/getPaginationRecords$/, 'urn:chatwire:fastgpt:records#/$defs/paginationRecordsRequest'],
  [/\/updateUserFeedback$/, 'urn:chatwire:fastgpt:records#/$defs/updateUserFeedbackRequest'],
  [/\/createQuestionGuide$/, 'urn:chatwire:fastgpt:records#/$defs/questionGuideRequest'],
];

export const requestShape = requestSchemaByPathRule(
  {
    id: 'fastgpt.request.shape',
    title: "A request body has that call's documented fields; a chat sends a non-empty messages array unless it calls a plugin",
    severity: 'error',
    basis: 'doc',
    source: at('Request (Parameters); Chat CRUD (Parameters)'),
    scopes: ['request'],
  },
  REQUEST_SCHEMAS,
);

export const fastgptRules: readonly Rule[] = [
  streamContentType,
  streamStatus,
  framePayload,
  chunkShape,
  eventShape,
  eventKnown,
  detailNamed,
  plainOpenAiFrames,
  donePresent,
  doneEvent,
  stopPresent,
  stopSingle,
  doneLast,
  flowResponsesOnce,
  errorLast,
  answerSucceeded,
  answerContentType,
  answerJson,
  answerShape,
  answerDetail,
  recordsEnvelope,
  recordsSuccess,
  recordsData,
  recordsEffect,
  requestRefused,
  ...fastgptModeRules,
  requestJson,
  requestShape,
];
