// Second-round FastGPT adversaries: real web stacks that are legal (expect 'pass') and servers
// with one seeded fault each (expect 'fail'). Server: extra-base.mjs (+ extra-completions.mjs,
// extra-wire.mjs, extra-errors.mjs); the Python one is py_server.py.
import { startExtraServer } from './extra-base.mjs';
import { startPython } from './py-launch.mjs';

// FastGPT's own writer: LF, `event: x` then `data: y`, one write per line.
const FASTGPT_WIRE = { writes: 'line', delay: [5, 15] };
const LEGACY = { errors: 'legacy', flow: 'after', wire: FASTGPT_WIRE };
const NEWEST = { errors: 'newest', flow: 'before', chatTitle: true, wire: FASTGPT_WIRE };

const pass = (id, says, o, start = () => startExtraServer(o)) => ({ id, expect: 'pass', says, breaks: undefined, start });
// fault: 'wire:<name>' is a transport fault (extra-wire.mjs), anything else an app fault.
const fail = (id, says, breaks, o, fault) => {
  const opts = fault.startsWith('wire:') ? { ...o, wire: { ...o.wire, fault: fault.slice(5) } } : { ...o, fault };
  return { id, expect: 'fail', says, breaks, start: () => startExtraServer(opts) };
};

export const extraVariants = [
  // ---- conformant: other stacks, same protocol --------------------------------------------------
  pass('py-aiohttp-ensure-ascii',
    'A Python aiohttp server: JSON with ensure_ascii \\uXXXX escapes (emoji as surrogate pairs) and ", "/": " separators, floats like 1.0, pretty-printed JSON bodies, "text/event-stream; charset=UTF-8", aiohttp chunking, 401/403 refusals',
    undefined, () => startPython()),
  pass('spring-sseemitter',
    'Spring SseEmitter style: `data:` without a space and before `event:` in each frame, text/event-stream;charset=UTF-8, JSON without charset, OpenAI-style chunk ids/object/created/model, role only in the first delta, 401/403/422 refusals (JSON also for stream:true)',
    { ...LEGACY, errors: 'rest', chunkStyle: 'openai', wire: { space: false, dataFirst: true, sseType: 'text/event-stream;charset=UTF-8', jsonType: 'application/json', extraHeaders: { 'X-Content-Type-Options': 'nosniff', Vary: 'Origin' }, delay: [5, 20] } }),
  pass('sse-starlette-pings',
    'sse-starlette style: CRLF line endings, `: ping - <time>` comment frames every 300 ms, a 1.2 s wait before the first frame, lower-case header names, Cache-Control: no-store; newest-main event order (chatTitle, flowResponses before [DONE])',
    { ...NEWEST, wire: { eol: '\r\n', ping: { every: 300 }, firstDelay: 1200, headerCase: 'lower', cacheControl: 'no-store', sseType: 'text/event-stream; charset=utf-8', extraHeaders: { server: 'uvicorn' }, delay: [5, 15] } }),
  pass('nginx-gzip-coalesced',
    'Behind nginx: Content-Encoding: gzip (sync-flushed stream, gzipped JSON) when the client accepts it, no X-Accel-Buffering header, frames coalesced every 40 ms and cut at arbitrary bytes',
    { ...LEGACY, wire: { gzip: true, writes: 'coalesce', coalesceMs: 40, noAccel: true, extraHeaders: { Server: 'nginx/1.25.3' }, delay: [2, 12] } }),
  pass('flask-close-delimited',
    'Flask/Werkzeug style: HTTP/1.0-style bodies (no Content-Length, no chunked, Connection: close, the body ends when the socket closes) for streams and JSON, pretty-printed JSON bodies',
    { ...LEGACY, wire: { closeDelimited: true, json: 'pretty', sseType: 'text/event-stream; charset=utf-8', jsonType: 'application/json', extraHeaders: { Server: 'Werkzeug/3.0.1 Python/3.11.2' }, delay: [10, 40] } }),
  pass('gateway-buffered-content-length',
    'An API gateway that buffers: the whole event stream arrives at once with Content-Length (no chunked), all header names lower-case; newest-main events',
    { ...NEWEST, wire: { writes: 'buffer', headerCase: 'lower', delay: [1, 3] } }),
  pass('go-nethttp-lines',
    'Go net/http style: every SSE line flushed as its own write, text/event-stream without charset, encoding/json escaping of < > & and a trailing newline after JSON bodies, 401/403/422 refusals',
    { ...LEGACY, errors: 'rest', wire: { writes: 'line', json: 'go', sseType: 'text/event-stream', jsonType: 'application/json', delay: [0, 4] } }),
  pass('bom-ascii-linger',
    'A UTF-8 BOM before the first frame, non-ASCII escaped as \\uXXXX in every JSON payload, OpenAI-style chunk ids, a 300 ms pause after the last frame before closing',
    { ...LEGACY, chunkStyle: 'openai', wire: { bom: true, json: 'ascii', linger: 300, delay: [5, 15] } }),
  pass('long-answer-bursts',
    'Slow first frame (1.5 s), then a long answer of hundreds of 1–2 character frames in bursts (text contains emoji, U+2028, quotes and a literal "data: [DONE]"), 250 ms before close',
    { ...LEGACY, longAnswer: true, chunkSize: [1, 2], wire: { firstDelay: 1500, linger: 250, delay: [0, 1] } }),
  pass('business-200-refusals',
    'Every refusal (no key, wrong key, bad request, unknown app) is HTTP 200 with a non-200 envelope code and data null; JSON keys in another order (choices first); newest-main events',
    { ...NEWEST, errors: 'business200', reorder: true, wire: { ...FASTGPT_WIRE } }),
  pass('agent-era-events',
    'A newer FastGPT: plan/planStatus events in detail streams (unknown names are only a warning), a leading empty answer chunk, chatTitle, chats without chatId saved under a generated id, per-error statuses',
    { ...NEWEST, agentEvents: true, firstEmpty: true, saveAnonymous: true }),

  // ---- faulty: one seeded fault each ------------------------------------------------------------
  fail('truncate-last-frame',
    'The socket is destroyed before the last frame is flushed: half of the final frame ([DONE] with detail=false, flowResponses with detail=true) arrives, then the connection drops',
    'Every stream ends with [DONE] (plus exactly one flowResponses with detail=true) and a clean close (document stream examples; digest fastgpt stream=true)',
    { ...LEGACY }, 'wire:truncate-end'),
  fail('pings-never-close',
    'After [DONE] keeps the stream open forever, writing a `: ping` comment every 400 ms',
    'The stream ends after [DONE] (and flowResponses) and the connection closes (digest fastgpt stream rules)',
    { ...NEWEST }, 'wire:never-close-pings'),
  fail('content-length-utf16',
    'JSON bodies carry Content-Length counted in UTF-16 code units, not bytes: answers with Chinese text arrive cut short (invalid JSON)',
    'The non-stream answer is one JSON object (document detail=false/true stream=false responses)',
    { ...LEGACY }, 'wire:content-length-chars'),
  fail('json-as-text-html',
    'JSON answers and envelopes are sent with Content-Type: text/html; charset=utf-8 (framework default for a string body)',
    'Non-stream answers and the chat-records envelopes are JSON (document responses; digest fastgpt Non-stream answer / Chat CRUD)',
    { ...LEGACY }, 'wire:json-text-html'),
  fail('history-overwritten',
    'Each completion on an existing chatId replaces the chat\'s records instead of appending: after two turns getPaginationRecords holds only the last turn',
    'With a chatId the server keeps the history (document chatId parameter); getPaginationRecords lists the chat\'s records (document Chat Records)',
    { ...LEGACY }, 'history-overwritten'),
  fail('race-wrong-chat',
    'The chat to save into is kept in one per-server variable: overlapping completions on different chatIds both save into the chat that started last',
    'Each chatId is its own conversation: a turn is stored in the chat that asked, never another (document chatId; digest: one scope never writes another)',
    { ...NEWEST }, 'race-wrong-chat'),
  fail('detail-answer-unnamed',
    'With stream=true detail=true the answer chunks, the stop chunk and [DONE] come as unnamed data: frames (the detail=false writer reused); other events stay named',
    'detail=true streams distinguish frames by event; answer chunks and [DONE] are `event: answer` (document detail parameter and detail=true stream example)',
    { ...LEGACY }, 'detail-answer-unnamed'),
  fail('array-content-without-detail',
    'Non-stream answers with detail=false carry message.content as the typed array [{type:"text",text:{content}}] instead of a string',
    'detail=false stream=false is the GPT-compatible answer, content a string (document detail=false stream=false response; digest: the array form only with detail=true)',
    { ...LEGACY }, 'array-content-plain'),
  fail('chattitle-after-done',
    'Newest-main profile whose chatTitle frame is written after [DONE] (the title is generated last)',
    'After [DONE] nothing but flowResponses (digest fastgpt stream=true detail=true)',
    { ...NEWEST }, 'chattitle-after-done'),
  fail('interactive-unwrapped',
    'The interactive event data is the bare {type, params} object, without the {"interactive": …} wrapper',
    'The interactive node info is {"interactive": {type, params}} (document Response: interactive nodes; digest fastgpt `interactive` {interactive:{type, params}})',
    { ...LEGACY }, 'interactive-unwrapped'),
  fail('plugin-detail-not-forced',
    'A plugin app called with stream=true and no detail streams like detail=false: no named events and no flowResponses, so the plugin output is unreachable',
    'Plugin apps are always in detail mode; the output is the flowResponses item with moduleType pluginOutput (document Request Plugin)',
    { ...NEWEST }, 'plugin-detail-not-forced'),
  fail('refused-mutation-applies',
    'updateHistory/delHistory/clearHistories/item/delete/updateUserFeedback without a key or with a wrong key are refused, but the change is made anyway',
    'A call without a valid key is refused and does nothing (document: API key required; digest fastgpt Auth, security rule)',
    { ...LEGACY }, 'refused-mutation-applies'),
  fail('refusal-with-data',
    'Chat-records reads (getHistories, init, getPaginationRecords, getResData, createQuestionGuide) with no or a wrong key answer the refusal envelope, but with the requested data in `data`',
    'A refused call carries a non-200 code and no data (digest fastgpt Auth decision)',
    { ...NEWEST }, 'refusal-with-data'),
  fail('delhistory-deletes-all',
    'delHistory with one chatId soft-deletes every chat of the app',
    'delHistory deletes the given chatId only (document delete history: chatId parameter; digest: one scope never writes another)',
    { ...LEGACY }, 'delhistory-all')
];

