// Configurable PocketQA server on Node's socket.io (001_6e6f726506b3aba0.txt).
// Usage: OPTIONS=<json> node pocketqa.mjs, or node pocketqa.mjs '<json config>'  -> prints "PORT <n>"
import http from 'node:http';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
const require = createRequire(import.meta.url);
const { Server } = require('socket.io');

const C = Object.assign({
  transports: 'both',      // both | polling (no upgrade)
  pingInterval: 25000, pingTimeout: 20000,
  deflate: false, allowEIO3: false,
  split: 'chunks',         // one | chunks | tiny (one code point per event)
  chunkSize: 6,
  stopDelta: 'last',       // last (stop carries the last chunk) | empty | absent
  partialFinish: 'null',   // null | empty | absent
  receivedOnPartial: false,
  extraFields: false, nullOptional: false, reorder: false,
  useRoom: true,           // join the room and emit to it (asker is in it) vs. socket.emit
  roomDefault: 'sid',      // sid | uuid (warning-level) for a roomless question
  ack: false,              // call the client's ack callback when given
  firstDelay: 0, gap: 0,   // ms
  jitter: false,
  sideEvents: false,       // SUM_CS / QA_CS / GEN_CS implemented
  badPayload: 'ignore',    // ignore | answer (a CHAT_SS stop saying the question is missing)
  welcome: false,          // emits a 'connected' event on connect (undocumented extra event)
  textMode: 'cjk',         // cjk | emoji | long
  clue: 'full',            // full | empty ({})
  history: true,
  fault: null,
}, JSON.parse(process.env.OPTIONS ?? process.argv[2] ?? '{}'));
const F = C.fault || '';

const httpServer = http.createServer();
const io = new Server(httpServer, {
  transports: C.transports === 'polling' ? ['polling'] : ['polling', 'websocket'],
  allowUpgrades: C.transports !== 'polling',
  pingInterval: C.pingInterval, pingTimeout: C.pingTimeout,
  perMessageDeflate: C.deflate ? { threshold: 0 } : false,
  allowEIO3: C.allowEIO3,
  cors: { origin: '*' },
});

const histories = new Map();  // room -> [[q, a]]
const globalHistory = [];
let lastAskSocket = null;
let currentRoom = null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function answerText(q) {
  if (C.textMode === 'emoji') return `关于「${q.slice(0, 4)}」😀：请携带身份证👍到派出所办理。🇨🇳 完成后可领取𝄞收据，费用 ¥20。`;
  if (C.textMode === 'long') return ('根据《中华人民共和国身份证法》第二十五条规定：公民丢失身份证，应当向常住户口所在地的派出所申请补发。').repeat(6);
  return '根据《中华人民共和国身份证法》规定：公民丢失身份证，应当向派出所申请补发。咨询电话：12388。';
}
function splitText(t) {
  const cps = Array.from(t);
  if (C.split === 'one') return [t];
  const size = C.split === 'tiny' ? 1 : C.chunkSize;
  const out = [];
  for (let i = 0; i < cps.length; i += size) out.push(cps.slice(i, i + size).join(''));
  return out;
}
function order(o) {
  if (!C.reorder || !o || typeof o !== 'object' || Array.isArray(o)) return o;
  const r = {}; for (const k of Object.keys(o).reverse()) r[k] = order(o[k]); return r;
}

function handler(socket, evName, ansName) {
  socket.on(evName, async (payload, ack) => {
    let p = payload;
    if (typeof p === 'string') {
      if (F === 'no-json-string') return;
      try { p = JSON.parse(p); } catch { p = null; }
    }
    if (typeof ack === 'function' && C.ack) ack({ status: 'ok' });
    if (!p || typeof p !== 'object' || typeof p.text !== 'string' || !p.text) {
      if (C.badPayload === 'answer') socket.emit(ansName, { data: { room: socket.id, delta: '请输入问题', finish_reason: 'stop', received: { clue: {}, alter: [] } } });
      return;
    }
    socket.data.asked = (socket.data.asked || 0) + 1;
    let room = (typeof p.room === 'string' && p.room) ? p.room : (C.roomDefault === 'uuid' ? (socket.data.defRoom ||= crypto.randomUUID()) : socket.id);
    if (F === 'json-string-room-lost' && typeof payload === 'string') room = socket.id;
    if (F === 'sticky-room') { if (socket.data.room) room = socket.data.room; socket.data.room = room; }
    const histKey = F === 'roomless-shared' && !(typeof p.room === 'string' && p.room) ? '__default__' : room;
    if (C.useRoom) socket.join(room);
    if (F === 'global-current-room') currentRoom = room;
    const hist = F === 'global-history' ? globalHistory : (histories.get(histKey) || []);
    const text = answerText(p.text) + (F === 'global-history' || F === 'roomless-shared' ? (hist.length ? `（上次：${hist[hist.length - 1][0]}）` : '') : '');
    const parts = splitText(text);
    const received = {
      text: p.text.replace(/[?？]$/, ''), prompt: '材料:身份证', sid: typeof p.sid === 'string' ? p.sid : socket.id, room,
      dialogue: typeof p.dialogue === 'string' ? p.dialogue : socket.id, upload_id: typeof p.upload_id === 'string' ? p.upload_id : '',
      clue: C.clue === 'full' ? { type: '知识库依据:', data: ['材料:身份证补办', '0.9247700572013855', '<small><i>(由语言模型自动生成)</i></small>'] } : {},
      alter: C.clue === 'full' ? ['身份证补办需要多久', '临时身份证怎么办'] : [],
      history: C.history ? hist.map((x) => [...x]) : [],
    };
    if (C.extraFields) Object.assign(received, { usage: { prompt_tokens: 12, completion_tokens: parts.length }, model: 'qa-7b', ts: Date.now() / 1000 });
    if (C.nullOptional) Object.assign(received, { error: null, extra: null });
    if (F === 'clue-missing-followup' && hist.length) delete received.clue;
    if (F === 'clue-score-number') received.clue.data = ['材料:身份证补办', 0.9247700572013855];
    const target = () => {
      if (F === 'global-current-room') return io.to(currentRoom);
      if (F === 'broadcast-second' && socket.data.asked === 2) return io;
      if (F === 'latest-socket' && lastAskSocket && lastAskSocket !== socket) return lastAskSocket;
      return C.useRoom ? io.to(room) : socket;
    };
    await sleep(C.firstDelay);
    const n = parts.length;
    let name = ansName;
    for (let i = 0; i < n; i++) {
      const last = i === n - 1;
      const d = { room };
      if (!last) {
        d.delta = parts[i];
        if (F === 'null-delta-10' && i === 9) d.delta = null;
        if (C.partialFinish === 'null') d.finish_reason = null; else if (C.partialFinish === 'empty') d.finish_reason = '';
        if (F === 'stop-at-10' && i === 9) d.finish_reason = 'stop';
        if (C.receivedOnPartial) d.received = { ...received, clue: {}, alter: [] };
      } else {
        if (C.stopDelta === 'last') d.delta = parts[i];
        else if (C.stopDelta === 'empty') d.delta = '';
        d.finish_reason = (F === 'finish-done' ? 'done' : 'stop');
        if (F === 'polling-no-stop' && socket.conn.transport.name === 'polling') d.finish_reason = null;
        d.received = received;
      }
      if (C.stopDelta !== 'last' && last) {
        // send the last text chunk as its own partial first
        const pd = { room, delta: parts[i] };
        if (C.partialFinish === 'null') pd.finish_reason = null; else if (C.partialFinish === 'empty') pd.finish_reason = '';
        target().emit(name, order({ data: order(pd) }));
        await sleep(C.gap);
      }
      if (C.extraFields) { d.index = i; d.id = `m${i}`; }
      if (C.nullOptional && !last) d.received ??= null;
      const msg = { data: order(d) };
      if (C.extraFields) msg.code = 0;
      target().emit(name, order(msg));
      if (!last) await sleep(C.gap + (C.jitter ? Math.random() * 30 : 0));
    }
    if (F === 'trailing-after-stop') { await sleep(20); target().emit(name, { data: { room, delta: '', finish_reason: null } }); }
    (F === 'global-history' ? globalHistory : (histories.get(histKey) || (histories.set(histKey, []), histories.get(histKey)))).push([p.text, text]);
    lastAskSocket = socket;
  });
}

io.on('connection', (socket) => {
  if (F === 'latest-socket') lastAskSocket = socket;
  if (C.welcome) socket.emit('connected', { sid: socket.id });
  handler(socket, 'CHAT_CS', F === 'lowercase-event' ? 'chat_ss' : 'CHAT_SS');
  if (C.sideEvents) { handler(socket, 'SUM_CS', 'SUM_SS'); handler(socket, 'QA_CS', 'QA_SS'); handler(socket, 'GEN_CS', 'GEN_SS'); }
});
httpServer.listen(0, '127.0.0.1', () => console.log(`PORT ${httpServer.address().port}`));
process.on('SIGTERM', () => process.exit(0));
