// fastgpt-py adversaries: conformant variations and servers with one seeded fault each.
// Protocol: specs/000_a17f2b116e8d969e.txt (docs/chat-stream-mode.md) + PROTOCOLS.md "fastgpt-py".
import { makeServer } from './base.mjs';
import { STAGES } from './bot.mjs';
import { startPython } from './python.mjs';
import { extraVariants } from './variants-extra.mjs';
// Third round (audit/): independent servers kept from an audit of chatwire's verdicts.
import { auditVariants } from '../audit/variants.mjs';
import { audit4Variants } from '../audit4/variants.mjs';
import { audit8Variants } from '../audit8/variants.mjs';
import { audit10Variants } from '../audit10/variants.mjs';

const DOC = 'chat-stream-mode.md';
const move = (frames, pred, where) => {
  const i = frames.findIndex(pred);
  const [f] = frames.splice(i, 1);
  where === 'end' ? frames.push(f) : frames.splice(where, 0, f);
  return frames;
};
const isDone = (f) => f.event === 'done';

const conformant = [
  {
    id: 'baseline-lf',
    says: 'LF framing, stage_code then 2-char text_delta frames then done; FastAPI-style 422 {"detail":[...]} refusals in both modes',
    start: makeServer({}),
  },
  {
    id: 'crlf-comments-ids-retry',
    says: 'CRLF line endings, a comment line before every frame, id: lines, a retry: line, keep-alive comments between frames',
    start: makeServer({ eol: '\r\n', comment: 'frame', ids: true, retry: 3000, keepAliveEvery: 1, delay: 20 }),
  },
  {
    id: 'cr-split-multiline',
    says: 'Bare CR line endings, each JSON payload spread over several data: lines, every frame written in 5-byte TCP pieces (splitting UTF-8 characters)',
    start: makeServer({ eol: '\r', multiline: true, writeChunk: 5, deltaSize: 6, delay: 5 }),
  },
  {
    id: 'sse-error-refusal',
    says: 'Refuses a bad streaming request with HTTP 200 + one `event: error` {"msg","code":"400"} and no done; bad non-streaming requests get 400 {"msg","code":"400"}',
    start: makeServer({ refusal: { stream: 'sse-error', plain: 'json400' } }),
  },
  {
    id: 'error-then-done-refusal',
    says: 'Refuses a bad streaming request with HTTP 400 and an SSE body: `error` then `done`; non-streaming refusals are 400 JSON',
    start: makeServer({ refusal: { stream: 'sse-error-done', plain: 'json400' } }),
  },
  {
    id: 'extra-fields',
    says: 'Extra fields in every payload (sessionId, timeStamp, index, usage…) and in the non-streaming answer (code, msg, elapsedMs)',
    start: makeServer({ extra: true, deltaSize: 3 }),
  },
  {
    id: 'whole-text-slow-stage-last',
    says: 'The whole reply in one text_delta, stage_code sent after the text (just before done), 400 ms pauses between frames',
    start: makeServer({ deltaSize: 0, stageLast: true, delay: 400 }),
  },
  {
    id: 'char-by-char-fast',
    says: 'One character per text_delta with 5 ms pauses (many small frames)',
    start: makeServer({ deltaSize: 1, delay: 5 }),
  },
  {
    id: 'open-stage-table',
    says: 'Uses an undocumented four-digit stage code ("2001" 进入双车拍照) for the photo step: the table is open ("..."), so at most a warning',
    start: makeServer({ photoCode: '2001', stageName: (c) => ({ ...STAGES, '2001': '进入双车拍照' })[c] }),
  },
  {
    id: 'nonstream-envelope',
    says: 'Non-streaming answer wrapped as {"code":"200","msg":"","data":{nextStageCode,nextStage,text}} (shape undocumented: at most warnings)',
    start: makeServer({ nonStream: 'envelope' }),
  },
  {
    id: 'python-sse-starlette',
    says: 'Python aiohttp server framed like sse-starlette: CRLF, a ": ping - <time>" comment first, ensure_ascii=False JSON, FastAPI 422 refusals',
    start: startPython(),
  },
];

const faulty = [
  {
    id: 'missing-done',
    says: 'The stream closes after the last text_delta without a done event',
    breaks: `${DOC} SSE 事件类型: done = 流式结束; digest: a successful stream ends with done`,
    start: makeServer({ frames: (fs) => fs.filter((f) => !isDone(f)) }),
  },
  {
    id: 'double-done',
    says: 'Sends the done event twice at the end of every stream',
    breaks: `${DOC} SSE 事件类型: done ends the stream; digest: nothing follows done`,
    start: makeServer({ frames: (fs) => [...fs, fs.at(-1)] }),
  },
  {
    id: 'last-delta-after-done',
    says: 'The final buffered text fragment is flushed after done (done arrives while text is still undelivered)',
    breaks: `${DOC} SSE 事件类型: done = 流式结束; digest: nothing follows done`,
    start: makeServer({ frames: (fs) => move(fs, isDone, fs.length - 2) }),
  },
  {
    id: 'stage-code-after-done',
    says: 'The stage_code event is emitted after done',
    breaks: `${DOC} SSE 事件类型: done = 流式结束; digest: nothing follows done`,
    start: makeServer({ frames: (fs) => move(fs, (f) => f.event === 'stage_code', 'end') }),
  },
  {
    id: 'never-ends',
    says: 'Sends stage_code and the text but never done, and holds the connection open with keep-alive comments',
    breaks: `${DOC} SSE 事件类型: done = 流式结束; digest: a successful stream ends with done`,
    start: makeServer({ frames: (fs) => fs.filter((f) => !isDone(f)), end: 'hold' }),
  },
  {
    id: 'stage-code-number',
    says: 'nextStageCode is a JSON number (1002, 0) instead of a four-digit string, in both modes',
    breaks: `${DOC} SSE 事件类型 / 状态码映射: {"nextStageCode": "0000"} is a four-digit string`,
    start: makeServer({ codeValue: (c) => Number(c) }),
  },
  {
    id: 'stage-name-copy-paste',
    says: 'Code 1002 carries the name 未准备好通话 (copied from 1001) instead of 通话中',
    breaks: `${DOC} 状态码映射: 1002 = 通话中`,
    start: makeServer({ stageName: (c) => ({ ...STAGES, '1002': '未准备好通话' })[c] }),
  },
  {
    id: 'delta-content-field',
    says: 'text_delta data is {"content": "..."} instead of {"text": "..."}',
    breaks: `${DOC} SSE 事件类型: text_delta data {"text": ...}`,
    start: makeServer({ frames: (fs) => fs.map((f) => (f.event === 'text_delta' ? { ...f, data: { content: f.data.text } } : f)) }),
  },
  {
    id: 'done-status-success',
    says: 'done carries {"status": "success"} instead of {"status": "completed"}',
    breaks: `${DOC} SSE 事件类型: done data {"status": "completed"}`,
    start: makeServer({ frames: (fs) => fs.map((f) => (isDone(f) ? { ...f, data: { status: 'success' } } : f)) }),
  },
  {
    id: 'python-repr-data',
    says: 'Python server writes each payload with str(dict) (single-quoted Python repr), so data: lines are not JSON',
    breaks: `${DOC} SSE 事件类型: data formats are JSON objects`,
    start: startPython(['--fault', 'repr']),
  },
  {
    id: 'unnamed-events',
    says: 'No event: lines; the event type is put inside the JSON ({"event":"text_delta","text":...}) so every frame is a default "message" event',
    breaks: `${DOC} SSE 事件类型 (stage_code/text_delta/done/error are SSE event types); digest: named events`,
    start: makeServer({ named: false }),
  },
  {
    id: 'accepts-missing-fields',
    says: 'No validation: a request without sessionId/timeStamp/text is answered normally (200, stage_code/text/done) in both modes',
    breaks: `${DOC} 请求参数: sessionId, timeStamp, text 必填`,
    start: makeServer({ validate: 'none' }),
  },
  {
    id: 'accepts-wrong-types',
    says: 'Checks presence only and coerces values with str(): numeric/boolean/object sessionId, timeStamp or text are accepted',
    breaks: `${DOC} 请求参数: sessionId, timeStamp, text are strings`,
    start: makeServer({ validate: 'presence' }),
  },
  {
    id: 'refused-text-recorded',
    says: 'Puts a request into its session before checking the type of its text: one whose text is no string is answered 422, but its words stay in the history the next turn reads',
    breaks: `${DOC} 请求参数: text is a required string; a refused request is no turn of the session`,
    start: makeServer({ recordRefusedText: true }),
  },
  {
    id: 'stream-error-code-int',
    says: 'A bad streaming request gets an error event whose code is a number ({"msg": "...", "code": 400})',
    breaks: `${DOC} SSE 事件类型: error data {"msg": "错误描述", "code": "500"} (code is a string)`,
    start: makeServer({ refusal: { stream: 'sse-error', plain: 'json400' }, errorData: (msg, code) => ({ msg, code }) }),
  },
  {
    id: 'query-stream-ignored',
    says: 'Reads stream only from the JSON body, so POST /chat?stream=true gets a plain JSON answer',
    breaks: `${DOC} 接口地址: POST /chat?stream=true enables streaming; digest: accept stream in query or body`,
    start: makeServer({ streamParam: 'body' }),
  },
  {
    id: 'nonstream-sends-sse',
    says: 'Always streams: a request without stream=true gets an event-stream (stage_code/text_delta/done) instead of a JSON object',
    breaks: `${DOC} 请求参数: stream 设为 true 启用流式响应 (SSE only when asked); digest: non-streaming answer is a JSON object`,
    start: makeServer({ alwaysSse: true }),
  },
  {
    id: 'sse-content-type-text-plain',
    says: 'The event stream is served with Content-Type: text/plain; charset=utf-8',
    breaks: `${DOC} SSE 事件类型 (streaming answer is SSE, i.e. text/event-stream)`,
    start: makeServer({ sseType: 'text/plain; charset=utf-8' }),
  },
  {
    id: 'nonstream-content-type-text-plain',
    says: 'The non-streaming JSON answer is served with Content-Type: text/plain (the documented client calls response.json())',
    breaks: `examples/nostream_chat.py: data = await response.json(); digest: JSON object with Content-Type application/json`,
    start: makeServer({ jsonType: 'text/plain; charset=utf-8' }),
  },
  {
    id: 'session-state-shared',
    says: 'Conversation state is kept in one global slot, so every sessionId continues (and quotes) whatever session spoke last',
    breaks: `${DOC} 请求参数: sessionId 会话 ID scopes a conversation; digest: data of one session reachable from another is a security error`,
    start: makeServer({ shareState: true }),
  },
];

export const variants = [
  ...conformant.map((v) => ({ ...v, expect: 'pass', breaks: undefined })),
  ...faulty.map((v) => ({ ...v, expect: 'fail' })),
  ...extraVariants, // second round (variants-extra.mjs)
  ...auditVariants['fastgpt-py'],
  ...audit4Variants['fastgpt-py'],
  ...audit8Variants['fastgpt-py'],
  ...audit10Variants['fastgpt-py'],
];
