// Shared Node base server for POST /chat (fastgpt-py protocol). Every option defaults to a conformant
// behaviour; a variant changes one thing (see servers.mjs).
import http from 'node:http';
import { createBot, STAGES } from './bot.mjs';
import { encodeFrame } from './sse.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const DEFAULTS = {
  // --- SSE framing (all legal) ---
  eol: '\n', // '\n' | '\r\n' | '\r'
  comment: null, // text of a comment line written before every frame
  retry: null, // number: a `retry:` line at the start of the stream
  ids: false, // write `id:` lines
  multiline: false, // spread each JSON payload over several `data:` lines
  writeChunk: 0, // >0: write every frame in pieces of this many bytes
  delay: 10, // ms between frames
  keepAliveEvery: 0, // >0: a keep-alive comment between frames, pause split in two
  deltaSize: 2, // characters per text_delta; 0 = the whole text in one delta
  stageLast: false, // stage_code after the text (just before done)
  extra: false, // extra fields in every payload
  photoCode: '2000',
  // --- answers ---
  nonStream: 'flat', // 'flat' | 'envelope'
  refusal: { stream: 'json422', plain: 'json422' }, // json422 | json400 | sse-error | sse-error-done
  streamParam: 'both', // where `stream` is read: 'both' | 'body'
  sseType: 'text/event-stream; charset=utf-8',
  jsonType: 'application/json',
  // --- fault hooks (defaults are conformant) ---
  validate: 'strict', // 'strict' | 'presence' (coerces types) | 'none'
  recordRefusedText: false, // a request refused for its text's type still enters its session's history
  named: true, // `event:` lines
  encode: (v) => JSON.stringify(v),
  alwaysSse: false,
  shareState: false,
  stageName: (code) => STAGES[code] ?? '未知阶段',
  codeValue: (code) => code,
  errorData: (msg, code) => ({ msg, code: String(code) }),
  frames: null, // (frames) => frames
  end: 'close', // 'close' | 'hold'
};

const REQUIRED = ['sessionId', 'timeStamp', 'text'];
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** @returns {{problems: object[], body: object}} FastAPI-like validation. */
function validate(body, mode) {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { problems: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary' }] };
  const problems = [];
  const out = { ...body };
  for (const f of REQUIRED) {
    const v = body[f];
    if (v === undefined || (v === null && mode === 'strict')) {
      // strict: null is refused like a missing field (FastAPI refuses null for a required str too)
      if (mode === 'none') out[f] = f === 'sessionId' ? 'default' : '';
      else problems.push({ type: v === null ? 'string_type' : 'missing', loc: ['body', f], msg: v === null ? 'Input should be a valid string' : 'Field required' });
    } else if (typeof v !== 'string') {
      if (mode === 'strict') problems.push({ type: 'string_type', loc: ['body', f], msg: 'Input should be a valid string', input: v });
      else out[f] = v === null ? 'None' : typeof v === 'object' ? JSON.stringify(v) : String(v); // FAULT modes: str(value)
    }
  }
  if (mode === 'strict' && body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean')
    problems.push({ type: 'bool_type', loc: ['body', 'stream'], msg: 'Input should be a valid boolean', input: body.stream });
  return { problems, body: out };
}

export function makeServer(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const bot = createBot({ shareState: o.shareState, photoCode: o.photoCode });
  const timers = new Set();

  function sendJson(res, status, value) {
    const text = JSON.stringify(value);
    res.writeHead(status, { 'Content-Type': o.jsonType, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function writeFrame(res, frame, n) {
    const buf = Buffer.from(encodeFrame(frame, o, n), 'utf8');
    if (!o.writeChunk) return void res.write(buf);
    for (let i = 0; i < buf.length && !res.destroyed; i += o.writeChunk) {
      res.write(buf.subarray(i, i + o.writeChunk));
      await sleep(1);
    }
  }

  async function sendStream(res, status, frames) {
    res.writeHead(status, { 'Content-Type': o.sseType, 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    if (o.retry) res.write(`retry: ${o.retry}${o.eol}`);
    let n = 0;
    for (const f of frames) {
      if (res.destroyed) return;
      await writeFrame(res, f, ++n);
      if (o.keepAliveEvery) {
        await sleep(o.delay / 2);
        res.write(`: keep-alive${o.eol}${o.eol}`);
        await sleep(o.delay / 2);
      } else await sleep(o.delay);
    }
    if (o.end === 'hold') {
      const t = setInterval(() => res.write(`: keep-alive${o.eol}${o.eol}`), 500);
      timers.add(t);
      res.on('close', () => (clearInterval(t), timers.delete(t)));
      return;
    }
    res.end();
  }

  function refuse(res, streaming, problems) {
    const msg = problems.map((p) => `${p.loc.join('.')}: ${p.msg}`).join('; ');
    const how = streaming ? o.refusal.stream : o.refusal.plain;
    if (how === 'json422') return sendJson(res, 422, { detail: problems });
    if (how === 'json400') return sendJson(res, 400, { msg, code: '400' });
    if (how === 'sse-error') return sendStream(res, 200, [{ event: 'error', data: o.errorData(msg, 400) }]);
    if (how === 'sse-error-done')
      return sendStream(res, 400, [{ event: 'error', data: o.errorData(msg, 400) }, { event: 'done', data: { status: 'completed' } }]);
    throw new Error('unknown refusal ' + how);
  }

  function answerFrames(body, r) {
    const x = o.extra;
    const stage = { event: 'stage_code', data: { nextStageCode: o.codeValue(r.code), nextStage: o.stageName(r.code), ...(x && { sessionId: body.sessionId, timeStamp: new Date().toISOString() }) } };
    const size = o.deltaSize || r.text.length;
    const chars = Array.from(r.text);
    const deltas = [];
    for (let i = 0; i < chars.length; i += size)
      deltas.push({ event: 'text_delta', data: { text: chars.slice(i, i + size).join(''), ...(x && { index: deltas.length, finished: false }) } });
    const done = { event: 'done', data: { status: 'completed', ...(x && { sessionId: body.sessionId, usage: { chars: chars.length } }) } };
    const frames = o.stageLast ? [...deltas, stage, done] : [stage, ...deltas, done];
    return o.frames ? o.frames(frames) : frames;
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== '/chat' && url.pathname !== '/chat/') return sendJson(res, 404, { detail: 'Not Found' });
    if (req.method !== 'POST') return sendJson(res, 405, { detail: 'Method Not Allowed' });
    const chunks = [];
    let size = 0;
    for await (const c of req) {
      size += c.length; // keep draining past the limit so the client sees the 413, not a reset
      if (size <= 16 << 20) chunks.push(c);
    }
    if (size > 16 << 20) return sendJson(res, 413, { detail: 'Request Entity Too Large' });
    const q = url.searchParams.get('stream');
    let queryStream = false;
    if (q !== null && o.streamParam === 'both') {
      if (TRUE.has(q.toLowerCase())) queryStream = true;
      else if (!FALSE.has(q.toLowerCase()))
        return refuse(res, false, [{ type: 'bool_parsing', loc: ['query', 'stream'], msg: 'Input should be a valid boolean' }]);
    }
    let parsed;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return refuse(res, queryStream, [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }]);
    }
    const bodyStream = parsed !== null && typeof parsed === 'object' && parsed.stream === true;
    const streaming = queryStream || bodyStream;
    const { problems, body } = validate(parsed, o.validate);
    if (problems.length) {
      // FAULT mode: the session takes the turn before text's type is checked, and keeps it when it is refused.
      if (o.recordRefusedText && typeof parsed?.sessionId === 'string' && parsed.text !== undefined && typeof parsed.text !== 'string')
        bot.reply(parsed.sessionId, JSON.stringify(parsed.text));
      return refuse(res, streaming, problems);
    }

    const r = bot.reply(body.sessionId, body.text);
    if (streaming || o.alwaysSse) return sendStream(res, 200, answerFrames(body, r));
    let answer = { sessionId: body.sessionId, nextStageCode: o.codeValue(r.code), nextStage: o.stageName(r.code), text: r.text };
    if (o.extra) answer = { code: '200', msg: 'success', ...answer, timeStamp: body.timeStamp, elapsedMs: 12 };
    if (o.nonStream === 'envelope') answer = { code: '200', msg: '', data: answer };
    return sendJson(res, 200, answer);
  }

  return async function start() {
    const server = http.createServer((req, res) => {
      handle(req, res).catch((err) => {
        if (!res.headersSent) sendJson(res, 500, { detail: 'Internal Server Error' });
        else res.destroy(err);
      });
    });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address();
    return {
      url: `http://127.0.0.1:${port}`,
      close: async () => {
        for (const t of timers) clearInterval(t);
        timers.clear();
        const closed = new Promise((r) => server.close(() => r()));
        server.closeAllConnections();
        await closed;
      },
    };
  };
}
