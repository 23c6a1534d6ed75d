// A faithful PocketQA server (socket.io) for chatwire's pocketqa suite, with ONE optional mutation.
// usage: node pq_server.mjs [MUTATION]   -> prints "PORT <n>"
import http from 'node:http';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { Server } = require('socket.io');

const M = process.env.MUT || process.argv[2] || 'none';
const MS = new Set(M.split('+'));
const has = (x) => MS.has(x);
const httpServer = http.createServer();
const io = new Server(httpServer, { cors: { origin: '*' } });
const history = new Map(); // room -> [[q,a],...]
let globalLast = null;

function parse(payload) {
  if (typeof payload === 'string') { try { payload = JSON.parse(payload); } catch { return null; } }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return null;
  if (typeof payload.text !== 'string' || !payload.text) return null;
  return payload;
}

function split(t) { const a = [...t]; const out = []; for (let i = 0; i < a.length; i += 6) out.push(a.slice(i, i + 6).join('')); return out; }

let conns = 0;
io.on('connection', (socket) => {
  socket.data.c = ++conns;
  const handle = (csName, ssName) => async (payload) => {
    const p = parse(payload);
    if (!p) { if (has('bad-payload-disconnect')) socket.disconnect(true); return; }
    if (has('json-string-ignored') && typeof payload === 'string') return;
    let room = typeof p.room === 'string' && p.room ? p.room : socket.id;
    if (has('json-string-room-ignored') && typeof payload === 'string') room = socket.id;
    if (has('no-sum') && csName !== 'CHAT_CS') return;
    if (has('room-ignored') && p.room) room = socket.id;
    if (has('room-default-random') && !(typeof p.room === 'string' && p.room)) room = 'r-' + Math.random().toString(36).slice(2);
    if (!has('no-join') && !has('emit-room-nojoin')) socket.join(room);
    const hist = history.get(room) || [];
    let histOut = has('no-history') ? [] : hist.map((x) => [...x]);
    if (has('history-leak') && globalLast) histOut = [...histOut, globalLast];
    if (has('history-shared')) { histOut = [...(history.get('__all__') || [])]; }
    const text = p.text.replace(/[??]$/, '');
    let answer = `关于${text}:请携带相关材料到窗口办理。`;
    if (has('long-answer')) answer += '详细说明。'.repeat(300);
    if (has('delta-leak') && globalLast && globalLast[0] !== p.text) answer += `(参考:${globalLast[0]})`;
    const received = {
      text, prompt: '材料:办事指南', sid: typeof p.sid === 'string' ? p.sid : socket.id, room, dialogue: typeof p.dialogue === 'string' ? p.dialogue : socket.id,
      upload_id: typeof p.upload_id === 'string' ? p.upload_id : '',
      clue: { type: '知识库依据:', data: ['材料:办事指南', '0.9247700572013855'] },
      alter: ['相关问题一', '相关问题二'], history: histOut,
    };
    const target = has('broadcast-others') ? socket.broadcast : has('broadcast') ? io : (has('emit-room') || has('emit-room-nojoin')) ? io.to(room) : socket;
    if (has('slow-first')) await new Promise((r) => setTimeout(r, 2000));
    const parts = split(answer);
    const events = [];
    const ev = (d) => ({ data: d });
    for (const part of parts) events.push(ev({ room, delta: part, finish_reason: null, received: null }));
    events.push(ev({ room, delta: '', finish_reason: 'stop', received }));
    socket.data.n = (socket.data.n || 0) + 1;
    mutate(events, { room, received, answer, p, socket, n: socket.data.n });
    let name = ssName;
    if (has('wrong-event-name')) name = ssName.toLowerCase();
    if (has('event-name-cs')) name = csName;
    for (const e of events) {
      if (e.__delay) await new Promise((r) => setTimeout(r, e.__delay));
      if (e.__extraEvent) { socket.emit(e.__extraEvent, e.payload); continue; }
      const payloadOut = has('answer-as-json-string') ? JSON.stringify(e) : e;
      if (has('two-args')) target.emit(name, payloadOut, { seq: 1 }); else target.emit(name, payloadOut);
      if (has('slow')) await new Promise((r) => setTimeout(r, 100)); else await new Promise((r) => setImmediate(r));
    }
    if (has('disconnect-after-stop')) setTimeout(() => socket.disconnect(true), 50);
    hist.push([p.text, answer]); history.set(room, hist);
    const all = history.get('__all__') || []; all.push([p.text, answer]); history.set('__all__', all);
    globalLast = [p.text, answer];
  };
  for (const k of ['CHAT', 'SUM', 'QA', 'GEN']) socket.on(`${k}_CS`, handle(`${k}_CS`, `${k}_SS`));
});

function mutate(E, ctx) {
  const stop = E[E.length - 1]; const first = E[0];
  let MM = M;
  if (M.startsWith('q2:')) MM = ctx.n >= 2 ? M.slice(3) : 'none';
  if (M.startsWith('sock2:')) MM = ctx.socket.data.c >= 2 ? M.slice(6) : 'none';
  for (const MM1 of MM.split('+')) switch (MM1) {
    case 'no-stop': stop.data.finish_reason = null; break;
    case 'stop-trailing-space': stop.data.finish_reason = 'stop '; break;
    case 'history-includes-current': stop.data.received.history = [...stop.data.received.history, [ctx.p.text, ctx.answer]]; break;
    case 'alter-on-partial-only': E[0].data.received = { clue: stop.data.received.clue, alter: stop.data.received.alter }; delete stop.data.received.alter; break;
    case 'delta-cumulative': { let acc = ''; for (const e of E) { if (typeof e.data.delta === 'string') { acc += e.data.delta; e.data.delta = acc; } } break; }
    case 'stop-missing-key': delete stop.data.finish_reason; break;
    case 'stop-uppercase': stop.data.finish_reason = 'STOP'; break;
    case 'stop-twice': E.push({ data: { ...stop.data } }); break;
    case 'delta-after-stop': E.push({ data: { room: ctx.room, delta: '补充', finish_reason: null, received: null } }); break;
    case 'late-after-stop': E.push({ __delay: 200, data: { room: ctx.room, delta: '补充', finish_reason: null, received: null } }); break;
    case 'finish-length-partial': first.data.finish_reason = 'length'; break;
    case 'finish-stop-first': first.data.finish_reason = 'stop'; break; // a stop in the middle
    case 'delta-null': first.data.delta = null; break;
    case 'delta-number': first.data.delta = 12; break;
    case 'delta-missing-partial': delete first.data.delta; break;
    case 'delta-array': first.data.delta = [first.data.delta]; break;
    case 'room-missing': for (const e of E) delete e.data.room; break;
    case 'room-number': for (const e of E) e.data.room = 12345; break;
    case 'room-null': for (const e of E) e.data.room = null; break;
    case 'room-wrong-stop-only': stop.data.room = 'other-room'; break;
    case 'no-data-wrapper': for (const e of E) { const d = e.data; delete e.data; Object.assign(e, d); } break;
    case 'data-as-string': for (const e of E) e.data = JSON.stringify(e.data); break;
    case 'finish-number': stop.data.finish_reason = 1; break;
    case 'received-missing': delete stop.data.received; break;
    case 'received-string': stop.data.received = JSON.stringify(stop.data.received); break;
    case 'clue-missing': delete stop.data.received.clue; break;
    case 'alter-missing': delete stop.data.received.alter; break;
    case 'alter-string': stop.data.received.alter = stop.data.received.alter.join(';'); break;
    case 'alter-numbers': stop.data.received.alter = [1, 2]; break;
    case 'clue-data-number-score': stop.data.received.clue.data = ['材料', 0.92]; break;
    case 'clue-data-string': stop.data.received.clue.data = '材料'; break;
    case 'clue-string': stop.data.received.clue = '知识库依据:材料'; break;
    case 'clue-type-number': stop.data.received.clue.type = 1; break;
    case 'history-tuple-objects': stop.data.received.history = stop.data.received.history.map(([q, a]) => ({ q, a })); break;
    case 'received-text-number': stop.data.received.text = 5; break;
    case 'extra-event': E.push({ __extraEvent: 'TYPING', payload: { room: ctx.room } }); break;
    case 'ack-event-before': E.unshift({ __extraEvent: 'ACK', payload: { ok: true } }); break;
    // legal
    case 'legal-single-event': E.splice(0, E.length, { data: { ...stop.data, delta: ctx.answer } }); break;
    case 'legal-empty-finish': for (const e of E.slice(0, -1)) e.data.finish_reason = ''; break;
    case 'legal-no-finish-partial': for (const e of E.slice(0, -1)) delete e.data.finish_reason; break;
    case 'legal-received-every': for (const e of E.slice(0, -1)) e.data.received = { ...ctx.received }; break;
    case 'legal-stop-no-delta': delete stop.data.delta; break;
    case 'legal-stop-with-text': { const lastp = E[E.length - 2]; if (E.length > 1) { stop.data.delta = lastp.data.delta; E.splice(E.length - 2, 1); } break; }
    case 'legal-empty-clue-alter': stop.data.received.clue = {}; stop.data.received.alter = []; break;
    case 'legal-nulls-echo': stop.data.received.prompt = null; stop.data.received.dialogue = null; break;
    case 'legal-received-no-history': delete stop.data.received.history; break;
    case 'legal-extra-fields': for (const e of E) { e.data.id = 'x'; e.data.index = 0; } stop.data.received.score = 0.9; break;
    case 'legal-combo': for (const e of E.slice(0, -1)) { e.data.finish_reason = ''; e.data.received = { ...ctx.received }; } stop.data.received.clue = {}; delete stop.data.delta; break;
    case 'legal-empty-partials': E.unshift({ data: { room: ctx.room, delta: '', finish_reason: null, received: null } }); break;
    default: break;
  }
}

httpServer.listen(0, '127.0.0.1', () => console.log(`PORT ${httpServer.address().port}`));
