// Independent `pocketqa` server (001_6e6f726506b3aba0.txt): Socket.IO CHAT_CS -> CHAT_SS.
// Usage: MODE=<flag>[+<flag>...] node pocketqa-server.cjs  -> prints "PORT <n>"
'use strict';
const http = require('http');
const { Server } = require('socket.io');

const MODE = process.env.MODE || 'base';
const FLAGS = new Set(MODE.split('+'));
const has = (f) => FLAGS.has(f);
const log = (...a) => { if (process.env.VERBOSE) console.error(new Date().toISOString(), ...a); };

const opts = { cors: { origin: '*' } };
if (has('ws-only')) opts.transports = ['websocket'];
if (has('polling-only')) opts.transports = ['polling'];
if (has('fast-ping')) { opts.pingInterval = 300; opts.pingTimeout = 250; }
if (has('v3')) opts.allowEIO3 = true;
if (has('maxbuf')) opts.maxHttpBufferSize = 1e5;

const httpServer = http.createServer((req, res) => { res.writeHead(404); res.end(); });
const io = new Server(httpServer, opts);

const histories = new Map(); // room -> [[q,a],...]
const globalHistory = []; // for 'global-history' fault
let current = null;
const lastQuestions = []; // for 'leak-delta' // for 'shared-state' fault
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const PAIR = { CHAT_CS: 'CHAT_SS', SUM_CS: 'SUM_SS', QA_CS: 'QA_SS', GEN_CS: 'GEN_SS' };

function makeAnswer(text) {
  if (has('long-answer')) return `关于“${text}”:` + '补办身份证需要携带户口簿。'.repeat(200);
  return `关于“${text}”:根据相关规定，请携带材料到派出所办理。咨询电话:12388。`;
}

async function handle(socket, evIn, raw, ack) {
  log('recv', socket.id, evIn, typeof raw, JSON.stringify(raw));
  let p = raw;
  if (typeof raw === 'string') {
    try { p = JSON.parse(raw); } catch {
      if (typeof ack === 'function') ack({ error: 'payload is not JSON' });
      if (has('disconnect-bad')) socket.disconnect(true); // faulty for the "keeps the socket" cases
      return;
    }
  }
  if (has('object-only') && typeof raw === 'string') return; // faulty: ignores the documented client's JSON string
  if (!p || typeof p !== 'object' || typeof p.text !== 'string' || !p.text) {
    if (typeof ack === 'function') ack({ error: 'text required' });
    else if (has('error-event')) socket.emit('ERROR_SS', { error: 'text required' });
    return;
  }
  if (typeof ack === 'function') ack(has('ack-string') ? 'ok' : { status: 'accepted' });
  let room = p.room ? String(p.room) : socket.id;
  if (has('room-sid-always')) room = socket.id; // faulty: ignores the client's room
  if (has('room-uuid') && !p.room) room = 'r-' + Math.random().toString(36).slice(2); // legal: server's choice
  const evOut = has('wrong-event') ? 'CHAT_SC' : has('all-on-chat') ? 'CHAT_SS' : PAIR[evIn];
  if (has('join-room')) socket.join(room);
  const target = has('broadcast') ? io : has('join-room') ? io.to(room) : socket;

  if (has('shared-state')) { current = p.text; }
  const hkey = has('history-by-socket') ? socket.id : has('shared-default-room') && !p.room ? '__default__' : room; // faulty: all roomless sockets share one history
  const hist = histories.get(hkey) || [];
  let answer = makeAnswer(has('shared-state') ? (await sleep(150), current) : p.text);
  if (has('leak-delta')) {
    // faulty: the answer text quotes the last question asked in ANOTHER room (history field stays clean)
    const other = lastQuestions.filter((q) => q.room !== room).slice(-1)[0];
    if (other) answer += `(另一位用户刚问过:${other.text})`;
  }
  lastQuestions.push({ room, text: p.text });
  log('answer', room, 'asked:', p.text, 'answering:', answer.slice(0, 60));
  const history = has('global-history') ? globalHistory.slice() : hist.slice();
  const received = {
    text: p.text.replace(/[?？]$/, ''),
    prompt: '材料:特种设备',
    sid: p.sid ?? socket.id,
    room,
    dialogue: p.dialogue ?? room,
    upload_id: p.upload_id ?? '',
    clue: { type: '知识库依据:', data: ['材料:特种设备作', has('score-number') ? 0.9247700572013855 : '0.9247700572013855', '<small><i>(由语言模型自动生成)</i></small>'] },
    alter: ['特种设备作业人员证丢失了怎么办', '如何办理村民遗失身份证', '我的永居证遗失了,该怎么办'],
    history,
  };
  if (has('minimal-received')) { for (const k of ['text', 'prompt', 'sid', 'room', 'dialogue', 'upload_id', 'history']) delete received[k]; }
  if (has('no-alter')) delete received.alter;
  if (has('extra-fields')) { received.trace_id = 'abc'; received.scores = { a: 1 }; }

  const cps = Array.from(answer);
  const parts = [];
  const size = has('one-shot') || has('onechunk') ? cps.length : 5;
  for (let i = 0; i < cps.length; i += size) parts.push(cps.slice(i, i + size).join(''));
  const gap = has('burst') ? 0 : has('slow') ? 200 : has('fast-ping') ? 150 : 10;
  if (has('slow-first')) await sleep(3000);

  const frames = [];
  if (has('one-shot')) {
    frames.push({ data: { room, received, delta: answer, finish_reason: 'stop' } }); // the document's example, literally
  } else {
    parts.forEach((d, i) => {
      const fr = has('finish-continue') ? 'continue' : has('finish-empty') ? '' : has('finish-missing') ? undefined : null;
      const data = { room, delta: d, finish_reason: fr };
      if (fr === undefined) delete data.finish_reason;
      if (has('partial-noroom')) delete data.room;
      if (has('received-every')) data.received = received;
      frames.push({ data });
    });
    // stop event: with the whole answer or empty delta
    const stopDelta = has('stop-empty-delta') ? '' : has('stop-null-delta') ? null : has('stop-full') ? answer : '';
    frames.push({ data: { room, delta: stopDelta, finish_reason: 'stop', received } });
  }
  if (has('extra-fields')) frames.forEach((f) => { f.code = 0; f.data.id = 'x'; f.data.created = 1; });
  if (has('no-stop')) frames[frames.length - 1].data.finish_reason = null;
  if (has('after-stop')) frames.push({ data: { room, delta: '', finish_reason: null } });
  if (has('double-stop')) frames.push(JSON.parse(JSON.stringify(frames[frames.length - 1])));
  if (has('stop-every')) frames.forEach((f) => { f.data.finish_reason = 'stop'; });
  if (has('stop-first')) { const s = frames.pop(); frames.unshift(s); }
  if (has('delta-number-last')) frames[frames.length - 2].data.delta = 42;
  if (has('flat')) frames.forEach((f, i) => { frames[i] = f.data; });
  if (has('room-wrong-stop')) frames[frames.length - 1].data.room = room + '-x';
  if (has('room-number')) frames.forEach((f) => { f.data.room = 12345; });

  if (has('welcome')) socket.emit('notice', { msg: 'hello' });
  if (has('activity-leak')) socket.broadcast.emit('activity', { room, question: p.text, answer }); // faulty: every other client sees the Q&A
  for (const f of frames) {
    const payload = has('json-string-answer') ? JSON.stringify(f) : f;
    (has('broadcast-stop') && f === frames[frames.length - 1] ? io : target).emit(evOut, payload);
    if (has('pause-mid') && f === frames[Math.floor(frames.length / 2)]) await sleep(4000);
    if (gap) await sleep(gap);
    else if (has('long-answer')) await null;
  }
  hist.push([p.text, answer]);
  histories.set(hkey, hist);
  globalHistory.push([p.text, answer]);
  if (has('disconnect-after')) { await sleep(50); socket.disconnect(true); }
  if (has('disconnect-late')) { await sleep(3000); socket.disconnect(true); }
}

io.on('connection', (socket) => {
  log('connect', socket.id, socket.conn.transport.name);
  if (has('welcome-connect')) socket.emit('server_info', { version: '1.0' });
  for (const ev of Object.keys(PAIR)) {
    socket.on(ev, (payload, ack) => { handle(socket, ev, payload, ack).catch((e) => console.error(e)); });
  }
  socket.on('disconnect', (r) => log('disconnect', socket.id, r));
});

httpServer.listen(0, '127.0.0.1', () => console.log(`PORT ${httpServer.address().port}`));
