// Second-round Node base server for POST /chat (fastgpt-py protocol), used by variants-extra.mjs.
// Like base.mjs every option defaults to a conformant behaviour, but the hooks here are about how real
// stacks put bytes on the wire: header casing, gzip, buffering proxies, a BOM, field order inside a
// frame, pauses, long answers, and the refusal bodies of common frameworks. Fault hooks are marked FAULT.
import http from 'node:http';
import zlib from 'node:zlib';
import { createBot, STAGES } from './bot.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Escapes non-ASCII like Python's json.dumps(ensure_ascii=True) (lowercase hex, per UTF-16 unit). */
export const asciiEscape = (s) => s.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

/** Python json.dumps() layout: ", " and ": " separators, optional ensure_ascii. */
export function pyDumps(v, ascii = true) {
  if (Array.isArray(v)) return '[' + v.map((x) => pyDumps(x, ascii)).join(', ') + ']';
  if (v !== null && typeof v === 'object')
    return '{' + Object.entries(v).map(([k, x]) => `${pyDumps(k, ascii)}: ${pyDumps(x, ascii)}`).join(', ') + '}';
  const s = JSON.stringify(v);
  return ascii ? asciiEscape(s) : s;
}

export const XDEFAULTS = {
  // --- wire (all legal) ---
  sseHeaders: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' },
  jsonHeaders: { 'Content-Type': 'application/json' },
  lengthName: 'Content-Length',
  gzip: false, // Content-Encoding: gzip whenever the request's Accept-Encoding allows it
  buffered: false, // the whole answer in one write with a Content-Length (a buffering proxy in front)
  bom: false, // U+FEFF before the first frame of the event stream
  writeSize: 0, // >0: every frame written in pieces of this many bytes
  frameText: (event, json) => `event: ${event}\ndata: ${json}\n\n`,
  json: (v) => JSON.stringify(v), // serializer of SSE payloads
  plainJson: (v) => JSON.stringify(v), // serializer of JSON bodies
  jsonSplit: false, // JSON bodies go out chunked (no Content-Length) in two writes split inside a character
  plainBody: (body, r) => ({ sessionId: body.sessionId, nextStageCode: r.code, nextStage: STAGES[r.code], text: r.text }),
  decorate: (text) => text, // the reply text as this server words it
  chunk: 3, // characters per text_delta
  firstDelay: 0, // ms before the first frame (headers go out at once)
  delay: () => 10, // ms after frame i (0 = no pause: frames go out in a burst)
  linger: 0, // ms between the last frame and the end of the response
  frames: null, // (frames) => frames
  refuse: { stream: 'fastapi422', plain: 'fastapi422' },
  errorData: (msg, code) => ({ msg, code: String(code) }),
  // --- FAULT hooks (defaults are conformant) ---
  optional: [], // required fields treated as optional: a missing one is filled with a default
  onRefused: null, // (parsed, bot) => side effects of a request that is then refused
  race: 0, // ms during which the request sits in one server-global slot before it is answered
  end: 'close', // 'close' | 'hold' (never end after the last frame) | 'truncate' (cut the last frame, reset)
};

const REQUIRED = ['sessionId', 'timeStamp', 'text'];
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function validate(body, optional) {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { problems: [{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary' }] };
  const problems = [];
  const out = { ...body };
  for (const f of REQUIRED) {
    const v = body[f];
    if (v === undefined && optional.includes(f)) out[f] = f === 'timeStamp' ? new Date().toISOString() : '';
    else if (v === undefined) problems.push({ type: 'missing', loc: ['body', f], msg: 'Field required' });
    else if (typeof v !== 'string') problems.push({ type: 'string_type', loc: ['body', f], msg: 'Input should be a valid string', input: v });
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean')
    problems.push({ type: 'bool_type', loc: ['body', 'stream'], msg: 'Input should be a valid boolean', input: body.stream });
  return { problems, body: out };
}

export function makeExtraServer(options = {}) {
  const o = { ...XDEFAULTS, ...options };
  const bot = createBot();
  let slot = null; // FAULT race: the request being answered, shared by all requests

  /** gzip only if the client's Accept-Encoding allows it (gzip, x-gzip or *, with q > 0). */
  const gzipFor = (req) =>
    o.gzip &&
    String(req.headers['accept-encoding'] ?? '')
      .split(',')
      .some((item) => {
        const [name, ...params] = item.trim().toLowerCase().split(';');
        const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
        return ['gzip', 'x-gzip', '*'].includes(name.trim()) && !(q && Number(q.slice(2)) === 0);
      });

  function sendJson(req, res, status, value) {
    let body = Buffer.from(o.plainJson(value), 'utf8');
    const h = { ...o.jsonHeaders };
    if (gzipFor(req)) Object.assign(h, { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' }), (body = zlib.gzipSync(body));
    if (!o.jsonSplit) return void (res.writeHead(status, { ...h, [o.lengthName]: body.length }), res.end(body));
    // no length: chunked, two writes split inside the first multi-byte character (or in the middle)
    const at = body.findIndex((b) => b >= 0x80) + 1 || body.length >> 1;
    res.writeHead(status, h);
    res.write(body.subarray(0, at));
    setTimeout(() => res.end(body.subarray(at)), 20);
  }

  /** An output channel for an event stream: write(buf), end(). Handles gzip and buffering. */
  function openStream(req, res, status) {
    const h = { ...o.sseHeaders };
    const gz = gzipFor(req);
    if (gz) Object.assign(h, { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
    if (o.buffered) {
      const parts = [];
      return {
        write: async (b) => void parts.push(b),
        end: async () => {
          let body = Buffer.concat(parts);
          if (gz) body = zlib.gzipSync(body);
          res.writeHead(status, { ...h, [o.lengthName]: body.length });
          res.end(body);
        },
      };
    }
    res.writeHead(status, h);
    res.flushHeaders();
    if (!gz) return { write: async (b) => void res.write(b), end: async () => void res.end() };
    const z = zlib.createGzip();
    z.pipe(res);
    z.on('error', () => res.destroy());
    res.on('close', () => z.destroy());
    return {
      write: (b) => new Promise((r) => (z.write(b), z.flush(zlib.constants.Z_SYNC_FLUSH, () => r()))),
      end: async () => void z.end(),
    };
  }

  async function sendStream(req, res, status, frames) {
    const out = openStream(req, res, status);
    if (o.firstDelay) await sleep(o.firstDelay);
    for (let i = 0; i < frames.length; i++) {
      if (res.destroyed) return;
      const f = frames[i];
      let buf = Buffer.from(o.frameText(f.event, o.json(f.data)), 'utf8');
      if (i === 0 && o.bom) buf = Buffer.concat([Buffer.from('\uFEFF', 'utf8'), buf]);
      const last = i === frames.length - 1;
      if (last && o.end === 'truncate') {
        // FAULT: the done frame is cut short and the socket reset before the rest is flushed
        await new Promise((r) => res.write(buf.subarray(0, buf.length - 12), () => r()));
        await sleep(20);
        return void res.socket?.destroy();
      }
      if (!o.writeSize) await out.write(buf);
      else
        for (let k = 0; k < buf.length && !res.destroyed; k += o.writeSize) {
          await out.write(buf.subarray(k, k + o.writeSize));
          await sleep(1);
        }
      const ms = last ? o.linger : o.delay(i);
      if (ms) await sleep(ms);
    }
    if (o.end === 'hold') return; // FAULT: never ends; close() drops the socket
    await out.end();
  }

  function refuse(req, res, streaming, problems, style) {
    const msg = problems.map((p) => `${p.loc.join('.')}: ${p.msg}`).join('; ');
    const err = { event: 'error', data: o.errorData(msg, 422) };
    switch (style ?? (streaming ? o.refuse.stream : o.refuse.plain)) {
      case 'fastapi422':
        return sendJson(req, res, 422, { detail: problems });
      case 'detail400':
        return sendJson(req, res, 400, { detail: msg });
      case 'spring400':
        return sendJson(req, res, 400, { timestamp: new Date().toISOString(), status: 400, error: 'Bad Request', message: msg, path: '/chat' });
      case 'sse-error-200':
        return sendStream(req, res, 200, [err]);
      case 'sse-error-done-200':
        return sendStream(req, res, 200, [err, { event: 'done', data: { status: 'completed' } }]);
      default:
        throw new Error('unknown refusal style');
    }
  }

  function answerFrames(r) {
    const chars = Array.from(r.text);
    const frames = [{ event: 'stage_code', data: { nextStageCode: r.code, nextStage: STAGES[r.code] } }];
    for (let i = 0; i < chars.length; i += o.chunk) frames.push({ event: 'text_delta', data: { text: chars.slice(i, i + o.chunk).join('') } });
    frames.push({ event: 'done', data: { status: 'completed' } });
    return o.frames ? o.frames(frames) : frames;
  }

  async function reply(sessionId, text) {
    if (o.race) {
      slot = { sessionId, text }; // FAULT: one slot for all requests; the upstream call reads it later
      await sleep(o.race);
      ({ sessionId, text } = slot);
    }
    const r = bot.reply(sessionId, text);
    return { code: r.code, text: o.decorate(r.text) };
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://x');
    if (url.pathname !== '/chat') return sendJson(req, res, 404, { detail: 'Not Found' });
    if (req.method !== 'POST') return sendJson(req, res, 405, { detail: 'Method Not Allowed' });
    const chunks = [];
    let size = 0;
    for await (const c of req) if ((size += c.length) <= 1 << 20) chunks.push(c);
    if (size > 1 << 20) return sendJson(req, res, 413, { detail: 'Request Entity Too Large' });
    const q = url.searchParams.get('stream');
    let queryStream = false;
    if (q !== null && TRUE.has(q.toLowerCase())) queryStream = true;
    else if (q !== null && !FALSE.has(q.toLowerCase()))
      return refuse(req, res, false, [{ type: 'bool_parsing', loc: ['query', 'stream'], msg: 'Input should be a valid boolean' }]);
    let parsed;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const streaming = queryStream || parsed?.stream === true;
    const { problems, body } =
      parsed === undefined ? { problems: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }] } : validate(parsed, o.optional);
    if (problems.length) {
      if (o.onRefused) o.onRefused(parsed, bot);
      if (!(streaming && o.refuse.stream === 'sse-error-then-answer')) return refuse(req, res, streaming, problems);
      // FAULT: the generator yields the error event but has no `return` after it
      const msg = problems.map((p) => `${p.loc.join('.')}: ${p.msg}`).join('; ');
      const p = parsed && typeof parsed === 'object' ? parsed : {};
      const r = await reply(typeof p.sessionId === 'string' ? p.sessionId : 'anonymous', p.text == null ? '' : String(p.text));
      return sendStream(req, res, 200, [{ event: 'error', data: o.errorData(msg, 422) }, ...answerFrames(r)]);
    }
    const r = await reply(body.sessionId, body.text);
    if (streaming) return sendStream(req, res, 200, answerFrames(r));
    return sendJson(req, res, 200, o.plainBody(body, r));
  }

  return async function start() {
    const server = http.createServer((req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) sendJson(req, res, 500, { detail: 'Internal Server Error' });
        else res.destroy();
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
        const closed = new Promise((r) => server.close(() => r()));
        server.closeAllConnections();
        await closed;
      },
    };
  };
}
