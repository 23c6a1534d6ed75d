// fastgpt-py adversaries, second round: what real stacks legally do differently, and subtler faults.
// Protocol: specs/000_a17f2b116e8d969e.txt (docs/chat-stream-mode.md) + PROTOCOLS.md "fastgpt-py".
import { asciiEscape, makeExtraServer, pyDumps } from './extra-base.mjs';
import { STAGES } from './bot.mjs';
import { startPyExtra } from './extra-python.mjs';

const DOC = 'chat-stream-mode.md';
const NOTES =
  '以下是报案须知:一、请确认车辆已停稳并开启双闪;二、在车后方五十米处放置三角警示牌;三、人员撤离到护栏外安全区域;' +
  '四、拍照时请包含车牌、碰撞部位和道路全景;五、如有财物损失请保留相关凭证;六、请勿在高速公路上逗留或行走;' +
  '七、如需拖车服务请告知当前位置;八、事故责任将由交警或保险公司认定;九、请保持电话畅通以便理赔专员联系;' +
  '十、您可以随时说“人工”转接人工客服。';
const LONG = (t) => `${t}\n${NOTES.repeat(3)}`; // about 450 characters: hundreds of text_delta frames

const conformant = [
  {
    id: 'gzip-when-accepted',
    says: 'Content-Encoding: gzip (sync-flushed after every frame) on the event stream and the JSON bodies whenever Accept-Encoding allows it; identity otherwise',
    start: makeExtraServer({ gzip: true }),
  },
  {
    id: 'python-flask-http10',
    says: 'Flask on the Werkzeug 2.0 dev server: HTTP/1.0, close-delimited event stream (no length, no chunking), jsonify bodies (\\uXXXX escapes, sorted keys, trailing newline), 400 {"code","msg"} refusals',
    start: startPyExtra('flask'),
  },
  {
    id: 'odd-header-casing',
    says: 'Header names in lower/upper case and media types in mixed case: content-type: Text/Event-Stream;Charset=UTF-8 and CONTENT-TYPE: Application/JSON;Charset="utf-8"',
    start: makeExtraServer({
      sseHeaders: { 'content-type': 'Text/Event-Stream;Charset=UTF-8', 'CACHE-CONTROL': 'no-cache', 'x-accel-buffering': 'no' },
      jsonHeaders: { 'CONTENT-TYPE': 'Application/JSON;Charset="utf-8"' },
      lengthName: 'content-length',
    }),
  },
  {
    id: 'bom-split-writes',
    says: 'A UTF-8 BOM opens the event stream and every frame goes out in 3-byte TCP writes (splitting the BOM, CJK characters and a 4-byte emoji the replies end with)',
    start: makeExtraServer({ bom: true, writeSize: 3, decorate: (t) => `${t} 🚗` }),
  },
  {
    id: 'python-ascii-json',
    says: 'Payloads as Python json.dumps writes them: ", "/": " separators and ensure_ascii \\uXXXX escapes; non-streaming body pretty-printed (indent 2, escaped) with its keys in another order',
    start: makeExtraServer({
      json: (v) => pyDumps(v, true),
      plainJson: (v) => asciiEscape(JSON.stringify(v, null, 2)),
      plainBody: (body, r) => ({ text: r.text, nextStage: STAGES[r.code], nextStageCode: r.code, sessionId: body.sessionId }),
    }),
  },
  {
    id: 'spring-sse-emitter',
    says: 'Java/Spring SseEmitter style: "data:" with no space, the event: line after the data: line, text/event-stream;charset=UTF-8; Spring 400 error bodies in both modes',
    start: makeExtraServer({
      frameText: (event, json) => `data:${json}\nevent:${event}\n\n`,
      sseHeaders: { 'Content-Type': 'text/event-stream;charset=UTF-8' },
      refuse: { stream: 'spring400', plain: 'spring400' },
    }),
  },
  {
    id: 'nginx-buffered',
    says: 'Behind a buffering nginx: the whole event stream arrives in one write with a Content-Length (no chunking), Server: nginx',
    start: makeExtraServer({
      buffered: true,
      sseHeaders: { Server: 'nginx/1.24.0', 'Content-Type': 'text/event-stream; charset=utf-8' },
      jsonHeaders: { Server: 'nginx/1.24.0', 'Content-Type': 'application/json' },
    }),
  },
  {
    id: 'slow-first-frame-bursts',
    says: 'Headers at once, then 1.5 s of silence before the first frame (an LLM warming up), then frames in bursts of four with 150 ms gaps',
    start: makeExtraServer({ firstDelay: 1500, delay: (i) => (i % 4 === 3 ? 150 : 0) }),
  },
  {
    id: 'empty-deltas-linger',
    says: 'Empty text_delta {"text": ""} frames right after stage_code and right before done (LLM start/stop tokens), and a 300 ms pause after done before closing',
    start: makeExtraServer({
      linger: 300,
      frames: (fs) => [fs[0], { event: 'text_delta', data: { text: '' } }, ...fs.slice(1, -1), { event: 'text_delta', data: { text: '' } }, fs.at(-1)],
    }),
  },
  {
    id: 'long-answer',
    says: 'Every reply carries a ~450-character notice: several hundred one-character text_delta frames in bursts (2 ms every 8 frames); the JSON answer has the same long text',
    start: makeExtraServer({ decorate: LONG, chunk: 1, delay: (i) => (i % 8 === 7 ? 2 : 0) }),
  },
  {
    id: 'json-chunked-no-length',
    says: 'JSON bodies (answers and refusals) sent with Transfer-Encoding: chunked and no Content-Length, in two writes split inside a multi-byte character',
    start: makeExtraServer({ jsonSplit: true }),
  },
  {
    id: 'refusal-200-error-done',
    says: 'Refuses a bad streaming request with HTTP 200, an `error` event {"msg","code":"422"} and then `done`; bad non-streaming requests get 400 {"detail": "..."} (FastAPI HTTPException)',
    start: makeExtraServer({ refuse: { stream: 'sse-error-done-200', plain: 'detail400' } }),
  },
];

const faulty = [
  {
    id: 'done-cut-before-flush',
    says: 'The done frame is written only in part (its last 12 bytes never leave) and the socket is reset without ending the chunked body',
    breaks: `${DOC} SSE 事件类型: done = 流式结束; digest: a successful stream ends with done`,
    start: makeExtraServer({ end: 'truncate' }),
  },
  {
    id: 'done-without-blank-line',
    says: 'The done frame ends with a single newline (no blank line), so by the event-stream grammar it is never dispatched before the body ends',
    breaks: `${DOC} SSE 事件类型: done = 流式结束; digest: WHATWG event-stream grammar, a successful stream ends with done`,
    start: makeExtraServer({ frameText: (e, j) => (e === 'done' ? `event: done\ndata: ${j}\n` : `event: ${e}\ndata: ${j}\n\n`) }),
  },
  {
    id: 'concurrent-request-race',
    says: 'The request waits 40 ms in one server-global slot before the bot reads it: concurrent requests are answered with (and advance) the session of whichever request came last',
    breaks: `${DOC} 请求参数: sessionId 会话 ID scopes a conversation; digest: data of one session reachable from another is a security error`,
    start: makeExtraServer({ race: 40 }),
  },
  {
    id: 'refused-turn-recorded',
    says: 'A request missing timeStamp (or with a non-string one) is refused with 422, but its text was already fed to the session bot: the session advances, so its next valid turn skips a stage (greeting 1002 -> photo step 2000)',
    breaks: `${DOC} 请求参数: timeStamp 必填 — a request without it must be refused, not processed`,
    start: makeExtraServer({
      onRefused: (p, bot) => typeof p?.sessionId === 'string' && typeof p.text === 'string' && bot.reply(p.sessionId, p.text),
    }),
  },
  {
    id: 'error-message-key',
    says: 'Streaming refusals are HTTP 200 + an error event whose data is {"message": "...", "code": "422"} (message instead of msg)',
    breaks: `${DOC} SSE 事件类型: error data {"msg": "错误描述", "code": "500"}`,
    start: makeExtraServer({ refuse: { stream: 'sse-error-200', plain: 'detail400' }, errorData: (msg, code) => ({ message: msg, code: String(code) }) }),
  },
  {
    id: 'error-then-answer',
    says: 'A bad streaming request gets an error event and then, with defaults filled in, the normal stage_code/text_delta/done answer (no return after the error); non-streaming refusals are correct 422s',
    breaks: `${DOC} 请求参数: sessionId, timeStamp, text 必填 — a bad request must be refused, not answered`,
    start: makeExtraServer({ refuse: { stream: 'sse-error-then-answer', plain: 'fastapi422' } }),
  },
  {
    id: 'timestamp-optional',
    says: 'timeStamp is declared optional (defaults to now): a request without it is answered normally in both modes; wrong types are still refused',
    breaks: `${DOC} 请求参数: timeStamp string 必填`,
    start: makeExtraServer({ optional: ['timeStamp'] }),
  },
  {
    id: 'hyphen-event-names',
    says: 'Event names written with hyphens: `event: stage-code` and `event: text-delta` (done and error are right)',
    breaks: `${DOC} SSE 事件类型: stage_code, text_delta`,
    start: makeExtraServer({ frames: (fs) => fs.map((f) => ({ ...f, event: f.event.replace('_', '-') })) }),
  },
  {
    id: 'stage-name-missing-in-stream',
    says: 'The streaming stage_code carries only nextStageCode (no nextStage); the non-streaming answer has both',
    breaks: `${DOC} SSE 事件类型: stage_code data {"nextStageCode": "0000", "nextStage": "结束通话"}`,
    start: makeExtraServer({ frames: (fs) => fs.map((f) => (f.event === 'stage_code' ? { ...f, data: { nextStageCode: f.data.nextStageCode } } : f)) }),
  },
  {
    id: 'held-open-after-done',
    says: 'Sends a complete, correct stream including done, then never ends the response (connection held open, no more bytes)',
    breaks: `${DOC} SSE 事件类型: done = 流式结束 (the stream is over, the response must end)`,
    start: makeExtraServer({ end: 'hold' }),
  },
  {
    id: 'python-gbk-stream',
    says: 'The Flask server encodes the event stream in GBK and labels it text/event-stream; charset=gbk (event streams are UTF-8 only)',
    breaks: `${DOC} SSE 事件类型 (event stream, UTF-8 by the event-stream grammar); 状态码映射: 1002 = 通话中 does not arrive`,
    start: startPyExtra('gbk'),
  },
  {
    id: 'nonstream-event-list',
    says: 'The non-streaming answer is the JSON array of the events ([{"event":"stage_code",...},{"event":"text_delta",...},{"event":"done",...}]) instead of an object',
    breaks: `digest fastgpt-py "Non-streaming answer": a JSON object (stream events belong to stream mode)`,
    start: makeExtraServer({
      plainBody: (body, r) => [
        { event: 'stage_code', data: { nextStageCode: r.code, nextStage: STAGES[r.code] } },
        { event: 'text_delta', data: { text: r.text } },
        { event: 'done', data: { status: 'completed' } },
      ],
    }),
  },
  {
    id: 'sse-no-content-type',
    says: 'The event stream is sent with no Content-Type header at all (StreamingResponse without media_type)',
    breaks: `${DOC} SSE 事件类型 (the streaming answer is an event stream: Content-Type text/event-stream)`,
    start: makeExtraServer({ sseHeaders: { 'Cache-Control': 'no-cache' } }),
  },
];

export const extraVariants = [
  ...conformant.map((v) => ({ ...v, expect: 'pass', breaks: undefined })),
  ...faulty.map((v) => ({ ...v, expect: 'fail' })),
];
