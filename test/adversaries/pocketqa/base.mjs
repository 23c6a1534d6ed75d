// Shared Node base server for the pocketqa adversaries (Socket.IO, document 001 "对话(socketio)").
// A conformant server by default; each variant passes options that change exactly one thing.
//
// Client -> server: CHAT_CS {text, room?, dialogue?, upload_id, sid?} as an object or as a JSON string.
// Server -> client: CHAT_SS {data: {room, delta, finish_reason, received: {..., clue, alter, history}}}
// The answer is streamed as partial CHAT_SS events; the last one has finish_reason "stop".
import http from 'node:http';
import { Server } from 'socket.io';

export const EXTRA_KINDS = ['SUM', 'QA', 'GEN'];

// --- payload parsing --------------------------------------------------------------------------
const asStr = (v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** Returns a normalised request, or null for a payload this server cannot use. */
export function parsePayload(p) {
  if (typeof p === 'string') {
    try { p = JSON.parse(p); } catch { return null; }
  }
  if (!p || typeof p !== 'object' || Array.isArray(p) || Buffer.isBuffer(p)) return null;
  if (typeof p.text !== 'string' || !p.text.trim()) return null;
  return {
    text: p.text,
    room: asStr(p.room),
    dialogue: asStr(p.dialogue),
    upload_id: asStr(p.upload_id),
    sid: asStr(p.sid),
  };
}

// --- answer content ---------------------------------------------------------------------------
export function answerText(kind, req, turn) {
  const q = req.text.trim().slice(0, 60);
  const head = { CHAT: '您好', SUM: '摘要', QA: '问答', GEN: '生成' }[kind] ?? '您好';
  return `${head}(第${turn}轮),关于“${q}”:根据《中华人民共和国身份证法》第二十五条规定,` +
    '公民丢失身份证,应当向常住户口所在地的派出所申请补发。该派出所应当自公民提交补发申请之日起十日内审核并发放。' +
    '咨询电话:12388。';
}

export const chunkers = {
  whole: (t) => [t],
  fixed: (n) => (t) => {
    const cps = [...t]; const out = [];
    for (let i = 0; i < cps.length; i += n) out.push(cps.slice(i, i + n).join(''));
    return out;
  },
  sentences: (t) => t.match(/[^,。:]+[,。:]?/g) ?? [t],
};

// --- the server -------------------------------------------------------------------------------
/**
 * opts:
 *  chunk(text) -> string[]       how the answer is split into deltas (default 8 code points)
 *  delay: ms | (i) => ms         pause before each frame (default 15)
 *  firstDelay: ms                pause before the first frame (default 30)
 *  partialFinish: null | ''      finish_reason of non-final frames (default null)
 *  stopEmpty: bool               final frame carries delta "" after all text frames (default false)
 *  normaliseText: bool           received.text drops a trailing question mark (like the example)
 *  receivedSid: 'payload'|'socket'  what received.sid echoes (default: payload sid, else socket id)
 *  defaultRoom(socket) -> string room used when the client sent none (default socket.id)
 *  received(base, ctx) -> object reshape `received` (default: the example's full shape)
 *  data(base, ctx) -> object     reshape `data` (default: {room, received, delta, finish_reason})
 *  textSuffix: string           appended to every answer text
 *  extras: bool                  also answer SUM_CS / QA_CS / GEN_CS with SUM_SS / QA_SS / GEN_SS
 *  target: 'socket' | 'room'     emit to the asking socket, or join the room and emit to it
 *  ack: bool                     call a Socket.IO acknowledgement callback when the client asks one
 *  ioOptions: {}                 extra Socket.IO server options
 *  --- fault hooks (each faulty variant uses one) ---
 *  parse(payload) -> req|null    replaces parsePayload
 *  frames(frames, ctx) -> frames rewrite the list of {event, payload} before delivery
 *  emit(ctx, event, payload)     replaces the delivery target
 *  onBad(ctx)                    called for an unusable payload (default: ignore it)
 *  historyKey(ctx) -> string     key of the conversation history (default: the room)
 *  admit(ctx) -> bool            whether to answer at all (default: always)
 */
export async function startBase(opts = {}) {
  const httpServer = http.createServer((req, res) => {
    if (req.url.startsWith('/socket.io')) return; // handled by Socket.IO
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('pocketqa socket.io server\n');
  });
  const io = new Server(httpServer, { cors: { origin: '*' }, ...opts.ioOptions });
  const histories = new Map();
  const rawSockets = new Set();
  httpServer.on('connection', (s) => { rawSockets.add(s); s.on('close', () => rawSockets.delete(s)); });
  const timers = new Set();
  let closed = false;
  const sleep = (ms) => new Promise((resolve) => {
    if (closed || ms <= 0) return resolve();
    const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
    t._resolve = resolve;
    timers.add(t);
  });
  const parse = opts.parse ?? parsePayload;
  const delayOf = (i) => (typeof opts.delay === 'function' ? opts.delay(i) : opts.delay ?? 15);

  const shared = { io, httpServer, kill: null, state: {} };

  async function answer(kind, socket, req) {
    const room = req.room || (opts.defaultRoom ? opts.defaultRoom(socket) : socket.id);
    const ctx = { ...shared, kind, socket, req, room };
    if (opts.admit && !opts.admit(ctx)) return;
    const hkey = opts.historyKey ? opts.historyKey(ctx) : `${kind}:${room}`;
    const history = histories.get(hkey) ?? [];
    const text = answerText(kind, req, history.length + 1) + (opts.textSuffix ?? '');
    ctx.answer = text;
    const receivedBase = {
      text: opts.normaliseText ? req.text.replace(/[??]+\s*$/, '') : req.text,
      prompt: '材料:' + req.text.slice(0, 20),
      sid: opts.receivedSid === 'socket' ? socket.id : req.sid || socket.id,
      room,
      dialogue: req.dialogue || socket.id,
      upload_id: req.upload_id,
      clue: { type: '知识库依据:', data: ['材料:身份证补领办事指南', '0.9247700572013855', '<small><i>(由语言模型自动生成)</i></small>'] },
      alter: ['身份证丢失后如何挂失', '异地如何补办身份证', '临时身份证怎么办理'],
      history: history.map((p) => [...p]),
    };
    const received = opts.received ? opts.received(receivedBase, ctx) : receivedBase;
    const pieces = (opts.chunk ?? chunkers.fixed(8))(text);
    const mk = (delta, finish) => {
      const d = { room, received, delta, finish_reason: finish };
      return { data: opts.data ? opts.data(d, ctx) : d };
    };
    let frames;
    if (opts.stopEmpty) {
      frames = [...pieces.map((p) => mk(p, opts.partialFinish ?? null)), mk('', 'stop')];
    } else {
      frames = pieces.map((p, i) => mk(p, i === pieces.length - 1 ? 'stop' : opts.partialFinish ?? null));
    }
    frames = frames.map((payload) => ({ event: `${kind}_SS`, payload }));
    if (opts.frames) frames = opts.frames(frames, ctx);
    if (opts.target === 'room') socket.join(room);
    await sleep(opts.firstDelay ?? 30);
    for (let i = 0; i < frames.length && !closed; i++) {
      if (i > 0) await sleep(delayOf(i));
      if (closed) break;
      const { event, payload } = frames[i];
      if (opts.emit) opts.emit(ctx, event, payload);
      else if (opts.target === 'room') io.to(room).emit(event, payload);
      else socket.emit(event, payload);
    }
    histories.set(hkey, [...history, [req.text, text]]);
  }

  io.on('connection', (socket) => {
    shared.state.lastConnected = socket.id;
    let chain = Promise.resolve();
    const on = (kind) => (...args) => {
      const ack = typeof args[args.length - 1] === 'function' ? args.pop() : null;
      let req = null;
      try { req = parse(args[0]); } catch { req = null; }
      if (!req) {
        if (opts.onBad) opts.onBad({ ...shared, socket, payload: args[0] });
        return;
      }
      if (ack && opts.ack) { try { ack({ status: 'accepted' }); } catch { /* ignore */ } }
      chain = chain.then(() => answer(kind, socket, req)).catch(() => {});
    };
    socket.on('CHAT_CS', on('CHAT'));
    if (opts.extras) for (const k of EXTRA_KINDS) socket.on(`${k}_CS`, on(k));
    socket.on('error', () => {});
  });

  let closing = null;
  function close({ abrupt = false } = {}) {
    if (closing) return closing;
    closed = true;
    for (const t of timers) { clearTimeout(t); t._resolve?.(); }
    timers.clear();
    if (abrupt) for (const s of rawSockets) s.destroy(); // like a crashed process: no goodbye packets
    else io.disconnectSockets(true);
    closing = new Promise((resolve) => io.close(() => resolve()));
    httpServer.closeAllConnections?.();
    for (const s of rawSockets) s.destroy();
    return closing;
  }
  shared.kill = () => close({ abrupt: true });

  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', resolve);
  });
  const { port } = httpServer.address();
  return { url: `http://127.0.0.1:${port}`, close: () => close() };
}
