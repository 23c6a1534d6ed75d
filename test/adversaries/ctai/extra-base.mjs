// Second-round CTAI backend (POST /v1/ctai/query_text_chat), written from
// specs/002_cba551f1a5d093b7.txt and the "ctai" section of PROTOCOLS.md.
// It reuses the first round's request validation (validate.mjs) and answer builder (answer.mjs), and adds
// the knobs a real backend stack turns differently: serialisers, header casing, transfer framing, gzip,
// BOM, write patterns and timing (see extra-wire.mjs), plus the hooks the second-round faults use.
import http from 'node:http';
import { validate, requestedDocs } from './validate.mjs';
import { buildAnswer, buildPackets, buildPlain, errorPacket } from './answer.mjs';
import { sendStream, sendWhole, defaultFrame } from './extra-wire.mjs';

export const XDEFAULTS = {
  // ---- answer shaping ----
  fields: 'full',            // 'full' | 'minimal' (answer.mjs)
  maxPackets: 30,
  singleChunk: false,
  extra: false,              // extra undocumented fields (answer.mjs)
  idStyle: 'session',        // 'session' | 'uuid' | 'snowflake'
  filler: 0,                 // append this many code points of extra answer text
  emptyFirstPacket: false,   // a first middle packet with answer_text ""
  lenientJson: false,        // accept trailing commas (the document's own request example)
  // ---- request validation (validate.mjs) ----
  validateEnums: true,
  validateSession: true,
  lenientLang: false,
  // ---- serialisation ----
  json: (v) => JSON.stringify(v),       // packet serialiser (and body serialiser unless plainJson)
  plainJson: null,                      // serialiser of whole JSON bodies
  frame: defaultFrame,                  // (pkt, json, o) => SSE text of one packet
  // ---- HTTP ----
  streamHeaders: [['Content-Type', 'text/event-stream'], ['Cache-Control', 'no-cache'], ['Connection', 'close']],
  plainHeaders: [['Content-Type', 'application/json; charset=utf-8']],
  transport: 'chunked',      // streams: 'chunked' | 'close' (close-delimited) | 'length' (one Content-Length body)
  plainTransport: 'length',  // plain answers: 'length' | 'close'
  gzip: false,               // Content-Encoding: gzip when the request accepts it
  bom: false,                // UTF-8 BOM before the first byte of an event stream
  lengthOf: (s) => Buffer.byteLength(s, 'utf8'),
  // ---- timing / write pattern ----
  firstDelay: 0,             // ms before the first frame (headers go out at once)
  delay: [5, 25],            // ms between frames
  burst: 1,                  // frames per write group (pauses only between groups)
  writeMode: 'frame',        // 'frame' | 'line' (flush per line) | 'coalesce' (fixed-size writes)
  coalesceBytes: 700,
  between: null,             // text written in every pause (e.g. a comment)
  lingerMs: 0,               // pause between the last frame and the close
  plainDelay: 0,             // ms before a plain answer
  keepAliveMs: 2000,         // idle keep-alive timeout of reusable connections
  // ---- refusals ----
  refusal: null,             // (ret, msg, streaming, env, sid) => { status, headers, body } | null (default shape)
  // ---- fault hooks ----
  validateHook: null,        // (body, o, streaming) => problem | null, replaces validate()
  historyMode: 'normal',     // 'normal' | 'racy' | 'record-refused'
  transformPackets: null,    // (packets, ctx, env) => packets
  plainTransform: null,      // (obj, ctx, env) => obj | { raw, contentType }
  tail: null,                // text written after the last frame
  cutLast: null,             // 'eol' (drop the final blank line) | 'half' (write half the last frame, reset)
};

const MAX_BODY = 1 << 20;
const rand = (a, b) => a + Math.floor(Math.random() * (b - a + 1));

function readBody(req) {
  return new Promise((resolve) => {
    const parts = [];
    let size = 0;
    req.on('data', (c) => { size += c.length; if (size <= MAX_BODY) parts.push(c); });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

// Trailing commas before } or ] outside strings are dropped (what a JSON5-ish parser tolerates).
function dropTrailingCommas(s) {
  let out = '';
  let inStr = false;
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i];
    if (inStr) {
      out += c;
      if (c === '\\') { out += s[i + 1] ?? ''; i += 1; } else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') { inStr = true; out += c; continue; }
    if (c === ',') {
      let j = i + 1;
      while (j < s.length && /\s/.test(s[j])) j += 1;
      if (s[j] === '}' || s[j] === ']') continue;
    }
    out += c;
  }
  return out;
}

const FILLER = '乘坐2路汽车请在火车站北广场公交枢纽上车，首班车6:00，末班车22:30，全程约45分钟。Please keep your ticket. ';

export function makeExtraServer(overrides = {}) {
  const o = { ...XDEFAULTS, ...overrides };
  return async function start() {
    const sockets = new Set();
    const timers = new Set();
    const state = { counter: 0, sessions: new Map(), scratch: new Map(), current: '', closed: false };
    const sleep = (ms) => new Promise((r) => {
      if (ms <= 0) { setImmediate(r); return; }
      const t = setTimeout(() => { timers.delete(t); r(); }, ms);
      timers.add(t);
    });
    const nextId = (sid) => {
      state.counter += 1;
      if (o.idStyle === 'uuid') return globalThis.crypto.randomUUID();
      if (o.idStyle === 'snowflake') return `${Date.now()}${String(state.counter).padStart(7, '0')}`;
      const base = (sid || 'ctai').replace(/[^0-9A-Za-z._-]/g, '_').slice(0, 64);
      return `${base}_${state.counter}`;
    };
    const env = { o, state, sleep, nextId, rand };

    const server = http.createServer((req, res) => {
      handle(req, res, env).catch(() => {
        try {
          if (!res.headersSent) {
            const b = JSON.stringify({ ret: '500', msg: 'internal error' });
            res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(b) });
            res.end(b);
          } else res.destroy();
        } catch { /* socket gone */ }
      });
    });
    server.keepAliveTimeout = o.keepAliveMs;
    server.on('connection', (s) => {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
    });
    server.on('clientError', (err, socket) => { socket.destroy(); });
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address();
    return {
      url: `http://127.0.0.1:${port}`,
      close: async () => {
        state.closed = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        const done = new Promise((r) => server.close(() => r()));
        for (const s of sockets) s.destroy();
        server.closeAllConnections?.();
        await done;
      },
    };
  };
}

function plainReply(req, res, env, status, obj) {
  const { o } = env;
  let raw;
  let type = null;
  if (obj && obj.raw !== undefined) { raw = obj.raw; type = obj.contentType; } else raw = (o.plainJson || o.json)(obj);
  const headers = type ? o.plainHeaders.map(([k, v]) => (/^content-type$/i.test(k) ? [k, type] : [k, v])) : o.plainHeaders;
  return sendWhole(req, res, env, status, headers, raw, o.plainTransport);
}

async function refuse(req, res, env, ret, msg, streaming, sid) {
  const { o, nextId } = env;
  const custom = o.refusal && o.refusal(ret, msg, streaming, env, sid);
  if (custom) {
    const raw = typeof custom.body === 'string' ? custom.body : o.json(custom.body);
    return sendWhole(req, res, env, custom.status, custom.headers, raw, 'length');
  }
  if (!streaming) return plainReply(req, res, env, 200, { ret, msg });
  // Streaming refusal: one packet with ret != "0" and a msg; it is also the (only, so stop) packet.
  return sendStream(req, res, env, [errorPacket(ret, msg, nextId(sid))], { refusal: true });
}

function history(env, key, query, noHistory) {
  const { state } = env;
  if (!key || noHistory) return null;
  const hist = state.sessions.get(key) || [];
  const prev = hist.length ? hist[hist.length - 1] : null;
  hist.push(query);
  if (hist.length > 20) hist.shift();
  state.sessions.set(key, hist);
  if (state.sessions.size > 50000) state.sessions.delete(state.sessions.keys().next().value);
  return prev;
}

async function handle(req, res, env) {
  const { o, state, sleep } = env;
  const path = (req.url || '/').split('?')[0];
  if (path !== '/v1/ctai/query_text_chat' || req.method !== 'POST') {
    await readBody(req);
    const wrongPath = path !== '/v1/ctai/query_text_chat';
    return plainReply(req, res, env, wrongPath ? 404 : 405,
      { ret: wrongPath ? '404' : '405', msg: wrongPath ? `no such path: ${path}` : 'method not allowed, use POST' });
  }
  const raw = await readBody(req);
  if (raw === null) return refuse(req, res, env, '100004', 'request body too large or unreadable', false, '');
  let body;
  try {
    body = JSON.parse(o.lenientJson ? dropTrailingCommas(raw) : raw);
  } catch {
    return refuse(req, res, env, '100003', 'request body is not valid JSON', false, '');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return refuse(req, res, env, '100003', 'request body must be a JSON object', false, '');
  }
  const streaming = body.stream === '1';
  const sid = typeof body.session_id === 'string' ? body.session_id : '';
  const noHistory = body.category === 'tpl_chat' && body.ctprofile_id === 'creator';
  // fault hook: a refused turn that is still written into the session history
  if (o.historyMode === 'record-refused' && typeof body.query_text === 'string' && body.query_text.trim()
      && /^[0-9A-Za-z._-]{1,64}$/.test(sid)) {
    history(env, sid, body.query_text, noHistory);
  }
  const problem = o.validateHook ? o.validateHook(body, o, streaming) : validate(body, o);
  if (problem) return refuse(req, res, env, problem.ret, problem.msg, streaming, sid);

  let key = sid;
  if (o.historyMode === 'racy') {
    // fault hook: the session is kept in a per-process "current session" slot across an await
    state.current = sid;
    await sleep(rand(30, 80)); // retrieval from the knowledge base
    key = state.current;
  }
  const prev = o.historyMode === 'record-refused' ? prevOf(env, sid) : history(env, key, body.query_text, noHistory);
  let text = buildAnswer(body.query_text, prev);
  if (o.filler > 0) {
    let f = '';
    while (Array.from(f).length < o.filler) f += FILLER;
    text += Array.from(f).slice(0, o.filler).join('');
  }
  const ctx = {
    text,
    docs: requestedDocs(body.ctdoc_id),
    citation: body.enable_citation !== '0',
    followup: body.enable_followup !== '0',
    query: body.query_text,
    sid,
    req,
  };
  if (!streaming) {
    if (o.plainDelay) await sleep(o.plainDelay);
    let obj = buildPlain(ctx, env);
    if (o.plainTransform) obj = o.plainTransform(obj, ctx, env);
    return plainReply(req, res, env, 200, obj);
  }
  let packets = buildPackets(ctx, env);
  if (o.emptyFirstPacket) {
    const first = JSON.parse(JSON.stringify(packets[0]));
    first.data.answer_text = '';
    if (Array.isArray(first.data.ref_doc_list)) first.data.ref_doc_list = [];
    packets = [first, ...packets];
    packets.forEach((p, i) => { p.data.msg_sn = String(i); p.data.msg_id = env.nextId(sid); });
  }
  if (o.transformPackets) packets = o.transformPackets(packets, ctx, env);
  return sendStream(req, res, env, packets, {});
}

// record-refused: the turn is already stored; the previous question is the one before it.
function prevOf(env, sid) {
  const hist = env.state.sessions.get(sid) || [];
  return hist.length >= 2 ? hist[hist.length - 2] : null;
}
