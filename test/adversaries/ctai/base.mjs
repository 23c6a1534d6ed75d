// Shared CTAI backend (POST /v1/ctai/query_text_chat), written from
// specs/002_cba551f1a5d093b7.txt and the "ctai" section of PROTOCOLS.md.
// Every variant is this server with a few options changed (see DEFAULTS).
import http from 'node:http';
import { validate, requestedDocs } from './validate.mjs';
import { buildAnswer, buildPackets, buildPlain, errorPacket } from './answer.mjs';
import { frame, sendFrames } from './sse.mjs';

export const DEFAULTS = {
  // ---- legal freedoms (conformant variants change these) ----
  eol: '\n',                 // SSE line ending: '\n' | '\r\n' | '\r'
  commentBeforeFrame: false, // ': ping' line before every frame
  retryLine: false,          // a 'retry:' block before the first frame
  keepAliveInPause: false,   // ': keep-alive' comment in the middle of each pause
  dataSpace: true,           // 'data: x' (true) or 'data:x' (false)
  multiLineData: false,      // pretty-printed JSON across several data: lines
  writePiece: 0,             // >0: write each frame in random pieces of 1..writePiece bytes
  delay: [5, 25],            // pause between frames, ms [min, max]
  maxPackets: 30,            // upper bound on middle packets
  singleChunk: false,        // the whole answer in one middle packet
  buffered: false,           // whole stream in one write with Content-Length
  fields: 'full',            // 'full' (documented formatted packet) | 'minimal' (document example)
  extra: false,              // extra undocumented fields and headers
  idStyle: 'session',        // msg_id: 'session' (<session>_<n>, as the example) | 'uuid'
  errorStatus: 200,          // HTTP status of a non-streaming refusal
  errorData: false,          // refusal JSON carries "data": {}
  contentType: 'text/event-stream',
  lenientLang: false,        // also accept short codes such as "en" (the document's own example)
  // ---- fault hooks (each faulty variant changes exactly one) ----
  validateEnums: true,       // check flags, smart_temp, lang, stream, category, ctprofile_id
  validateSession: true,     // check session_id length / charset
  alwaysStream: false,       // answer SSE even when stream is "0" / absent
  streamContentType: null,   // override Content-Type of streaming answers
  historyKey: (sid) => sid,  // key of the multi-turn history store
  honourCtdocId: true,       // cite only the requested documents
  honourCitationFlag: true,  // enable_citation "0" => no citations
  transformPackets: null,    // (packets, ctx) => packets, applied to a successful stream
  afterStop: 'close',        // 'close' | 'hold' (keep the connection open after the last packet)
  errorBody: null,           // (ret, msg, streaming) => { status, contentType, body } overriding refusals
  streamErrorFrame: null,    // (ret, msg, ctx) => raw SSE text overriding the streaming refusal packet
};

const MAX_BODY = 1 << 20;

function readBody(req) {
  return new Promise((resolve) => {
    const parts = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true; else parts.push(c);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

function sendJson(res, status, obj, extraHeaders = {}) {
  const body = Buffer.from(JSON.stringify(obj), 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    ...extraHeaders,
  });
  res.end(body);
}

export function makeServer(overrides = {}) {
  const o = { ...DEFAULTS, ...overrides };
  return async function start() {
    const sockets = new Set();
    const timers = new Set();
    const state = { counter: 0, sessions: new Map(), closed: false };
    const sleep = (ms) => new Promise((r) => {
      const t = setTimeout(() => { timers.delete(t); r(); }, ms);
      timers.add(t);
    });
    const nextId = (sid) => {
      state.counter += 1;
      if (o.idStyle === 'uuid') return globalThis.crypto.randomUUID();
      const base = (sid || 'ctai').replace(/[^0-9A-Za-z._-]/g, '_').slice(0, 64);
      return `${base}_${state.counter}`;
    };
    const env = { o, state, sleep, nextId };

    const server = http.createServer((req, res) => {
      handle(req, res, env).catch(() => {
        try {
          if (!res.headersSent) sendJson(res, 500, { ret: '500', msg: 'internal error' });
          else res.end();
        } catch { /* socket gone */ }
      });
    });
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

async function refuse(res, env, ret, msg, streaming, sid) {
  const { o, nextId } = env;
  if (o.errorBody) {
    const e = o.errorBody(ret, msg, streaming);
    res.writeHead(e.status, { 'Content-Type': e.contentType, 'Content-Length': Buffer.byteLength(e.body) });
    res.end(e.body);
    return;
  }
  if (!streaming) {
    const body = { ret, msg };
    if (o.errorData) body.data = {};
    sendJson(res, o.errorStatus, body);
    return;
  }
  // Streaming refusal: one packet with ret != "0" and a msg; it is also the stop packet.
  const text = o.streamErrorFrame
    ? o.streamErrorFrame(ret, msg, env)
    : frame(errorPacket(ret, msg, nextId(sid)), o);
  res.writeHead(200, {
    'Content-Type': o.streamContentType || o.contentType,
    'Cache-Control': 'no-cache',
    Connection: 'close',
  });
  res.end(text);
}

async function handle(req, res, env) {
  const { o, state } = env;
  const path = (req.url || '/').split('?')[0];
  if (path !== '/v1/ctai/query_text_chat') {
    await readBody(req);
    sendJson(res, 404, { ret: '404', msg: `no such path: ${path}` });
    return;
  }
  if (req.method !== 'POST') {
    await readBody(req);
    sendJson(res, 405, { ret: '405', msg: 'method not allowed, use POST' }, { Allow: 'POST' });
    return;
  }
  const raw = await readBody(req);
  if (raw === null) return refuse(res, env, '100004', 'request body too large or unreadable', false);
  let body;
  try { body = JSON.parse(raw); } catch { return refuse(res, env, '100003', 'request body is not valid JSON', false); }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return refuse(res, env, '100003', 'request body must be a JSON object', false);
  }
  const streaming = body.stream === '1' || (o.alwaysStream && typeof body.query_text === 'string');
  const sid = typeof body.session_id === 'string' ? body.session_id : '';
  const problem = validate(body, o);
  if (problem) return refuse(res, env, problem.ret, problem.msg, streaming, sid);

  // Multi-turn history: same session_id = same conversation (tpl_chat/creator keeps none).
  const noHistory = body.category === 'tpl_chat' && body.ctprofile_id === 'creator';
  const key = o.historyKey(sid);
  let prev = null;
  if (key && !noHistory) {
    const hist = state.sessions.get(key) || [];
    prev = hist.length ? hist[hist.length - 1] : null;
    hist.push(body.query_text);
    if (hist.length > 20) hist.shift();
    state.sessions.set(key, hist);
    if (state.sessions.size > 50000) state.sessions.delete(state.sessions.keys().next().value);
  }

  const ctx = {
    text: buildAnswer(body.query_text, prev),
    docs: o.honourCtdocId ? requestedDocs(body.ctdoc_id) : requestedDocs(undefined),
    citation: body.enable_citation !== '0' || !o.honourCitationFlag,
    followup: body.enable_followup !== '0',
    query: body.query_text,
    sid,
  };

  if (!streaming) {
    sendJson(res, 200, buildPlain(ctx, env), o.extra ? { 'X-Request-Id': env.nextId('req') } : {});
    return;
  }
  let packets = buildPackets(ctx, env);
  if (o.transformPackets) packets = o.transformPackets(packets, ctx, env);
  const headers = {
    'Content-Type': o.streamContentType || o.contentType,
    'Cache-Control': 'no-cache',
    Connection: 'close',
  };
  if (o.extra) headers['X-Request-Id'] = env.nextId('req');
  await sendFrames(res, packets, headers, env);
}
