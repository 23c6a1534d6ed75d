// pocketqa, second round: more conformant variations (real-stack freedoms) and more faulty servers.
// Written from document 001 (对话 socketio) and the "pocketqa" section of PROTOCOLS.md only.
// Node variants reuse the first round's startBase (base.mjs) through its option hooks;
// Python variants run pyextra.py / pywsgi.py (python-socketio 5.x) through extra-pylaunch.mjs.
import { startBase, parsePayload, chunkers } from './base.mjs';
import { startPy } from './extra-pylaunch.mjs';

const DOC = '001 对话(socketio) §发送事件(response) CHAT_SS';
const SEC = 'digest pocketqa (security): an answer goes only to the socket that asked (or to its room)';
const last = (a) => a[a.length - 1];
const setData = (f, patch) => ({ ...f, payload: { ...f.payload, data: { ...f.payload.data, ...patch } } });
const pass = (id, says, start) => ({ id, expect: 'pass', says, breaks: undefined, start });
const fail = (id, says, breaks, start) => ({ id, expect: 'fail', says, breaks, start });

const LONG = ('另外,补领期间可以凭派出所出具的受理回执办理部分业务;如需乘坐火车或飞机,' +
  '可在车站、机场的公安制证窗口办理临时乘车证明。🚄✈️ ').repeat(8);            // ~500 code points
const HUGE = '《居民身份证法》第十一条:居民身份证损坏、遗失的,应当申请换领、补领。'.repeat(600); // ~20 000 code points

/** Calls fn every `ms` until the socket disconnects or the server closes (timer never holds the process). */
function every(socket, ms, fn) {
  const t = setInterval(() => { if (socket.connected) fn(); else clearInterval(t); }, ms);
  t.unref();
  socket.once('disconnect', () => clearInterval(t));
}

export const extraVariants = [
  // ------------------------------------------------------------------------------------ conformant
  pass('py-wsgi-threading-polling',
    'python-socketio sync Server (threading) on a threaded wsgiref server: HTTP/1.0, no keep-alive, no websocket upgrade offered (long-polling only), a thread per event',
    () => startPy('pywsgi.py')),

  pass('py-concurrent-handlers',
    'python-socketio default async_handlers and no per-connection lock: concurrent questions on one socket are answered at the same time (interleaved frames, each with its room); 3-char deltas; SUM/QA/GEN answered',
    () => startPy('pyextra.py', 'concurrent')),

  pass('py-greeting-event',
    "python-socketio; every new socket first gets its own 'connected' event {data:{sid,msg}} (never another client's answer)",
    () => startPy('pyextra.py', 'greeting')),

  pass('py-slow-first-frame',
    'python-socketio; 1.8 s of retrieval before the first frame, 300 ms pause before a separate empty-delta stop frame',
    () => startPy('pyextra.py', 'slow-first')),

  pass('py-pretty-json-sorted',
    'python-socketio with a custom json module: raw UTF-8 (ensure_ascii=False), indent=1 (newlines inside packets and handshake), sorted keys',
    () => startPy('pyextra.py', 'pretty-json')),

  pass('long-answer-bursts',
    '~620 one-code-point frames (emoji included) sent in bursts of 25 in one tick, 35 ms between bursts',
    () => startBase({ chunk: chunkers.fixed(1), textSuffix: LONG, firstDelay: 10, delay: (i) => (i % 25 === 0 ? 35 : 0) })),

  pass('large-answer',
    '~60 KB answer (20 000 CJK code points) in 2 000-code-point deltas; follow-ups carry the whole previous answer in received.history',
    () => startBase({ chunk: chunkers.fixed(2000), textSuffix: HUGE, delay: 20 })),

  pass('error-event-on-bad-payload',
    "An unusable CHAT_CS (not JSON, not an object, no text) gets an 'error' event {data:{code:400,msg}} on the asking socket only; valid ones are answered normally",
    () => startBase({
      onBad: ({ socket, payload }) => socket.emit('error', { data: {
        code: 400, msg: typeof payload === 'string' ? '请求格式错误:不是合法的JSON' : 'text 字段不能为空' } }),
    })),

  pass('empty-keepalive-frames',
    'Empty-delta partial frames (finish_reason null) after every third text frame; alter is an empty list',
    () => startBase({
      received: (r) => ({ ...r, alter: [] }),
      frames: (fr) => fr.flatMap((f, i) => (i % 3 === 2 && i < fr.length - 1 ? [f, setData(f, { delta: '' })] : [f])),
    })),

  pass('dialogue-as-default-room',
    'A question without a room is answered in the room named by its dialogue id (socket id when neither is sent)',
    () => startBase({ parse: (p) => { const r = parsePayload(p); if (r && !r.room && r.dialogue) r.room = r.dialogue; return r; } })),

  pass('received-ids-are-socket-id',
    'received.sid, received.room and received.dialogue are all the socket id, as in the document example; data.room still echoes the client room',
    () => startBase({ received: (r, { socket }) => ({ ...r, sid: socket.id, room: socket.id, dialogue: socket.id, prompt: '材料:特种设备' }) })),

  // ------------------------------------------------------------------------------------ faulty
  fail('disconnect-discards-stop',
    'After the stop frame is queued the transport is closed with discard (conn.close(true)): the stop never reaches the client, the connection drops',
    `${DOC}: every answer ends with one CHAT_SS whose finish_reason is "stop" (digest pocketqa)`,
    () => startBase({
      emit: (ctx, ev, p) => {
        // the last text frame is held back one step, so it is written just before the stop frame
        if (p.data.finish_reason !== 'stop') { if (ctx.held) ctx.socket.emit(...ctx.held); ctx.held = [ev, p]; return; }
        if (ctx.held) ctx.socket.emit(...ctx.held);
        ctx.socket.emit(ev, p);
        ctx.socket.conn.close(true); // BUG: discard=true drops whatever is still in the write buffer
      },
    })),

  fail('global-current-request-race',
    'The stream loop reads room and received from a module-level "current request": while another client asks, frames carry that client\'s room and question',
    `${SEC}; data of one room must not reach another; data.room is the asker's room (001 §CHAT_SS room)`,
    () => startBase({
      delay: 40,
      admit: (ctx) => { ctx.state.current = { room: ctx.room, req: ctx.req }; return true; },
      emit: (ctx, ev, p) => {
        const cur = ctx.state.current ?? { room: ctx.room, req: ctx.req };
        ctx.socket.emit(ev, { data: { ...p.data, room: cur.room,
          received: { ...p.data.received, text: cur.req.text, room: cur.room, upload_id: cur.req.upload_id } } });
      },
    })),

  fail('string-payload-loses-room',
    'The JSON-string branch of the CHAT_CS handler copies only text/sid/upload_id: a JSON-string question\'s room is dropped and the answer comes in the socket-id room',
    '001 §监听事件 CHAT_CS room + §CHAT_SS room; digest pocketqa: the payload may be an object or a JSON string, and data.room is the room the client sent',
    () => startBase({ parse: (p) => { const r = parsePayload(p); if (r && typeof p === 'string') r.room = ''; return r; } })),

  fail('final-frame-broadcast',
    'Partial frames go to the asker, but the final stop frame (the complete record) is emitted with io.emit "for the monitor page": every connected client gets it',
    `${SEC}; a bystander must receive nothing of another client's answer`,
    () => startBase({ emit: (ctx, ev, p) => (p.data.finish_reason === 'stop' ? ctx.io.emit(ev, p) : ctx.socket.emit(ev, p)) })),

  fail('finish-reason-done',
    'The last frame says finish_reason "done" instead of "stop"',
    `${DOC}: finish_reason (发送状态) "stop" marks the end of the answer (digest pocketqa)`,
    () => startBase({ frames: (fr) => [...fr.slice(0, -1), setData(last(fr), { finish_reason: 'done' })] })),

  fail('stop-frame-without-received',
    'The separate empty-delta stop frame is built by a different helper and has only {room, delta, finish_reason}: no received (no clue, no alter)',
    `${DOC}: data holds finish_reason, delta, room and received (with clue and alter) in every CHAT_SS`,
    () => startBase({ stopEmpty: true, data: (d) => (d.finish_reason === 'stop' ? { room: d.room, delta: d.delta, finish_reason: d.finish_reason } : d) })),

  fail('endless-heartbeat-frames',
    'The stop frame is never sent; instead empty-delta frames (finish_reason null) keep coming every 400 ms until the client disconnects',
    `${DOC}: every answer ends with exactly one "stop" frame; an answer that never ends is non-conformant (digest pocketqa)`,
    () => {
      const tail = new WeakSet();
      return startBase({
        frames: (fr) => { const f = setData(last(fr), { finish_reason: null }); tail.add(f.payload); return [...fr.slice(0, -1), f]; },
        emit: (ctx, ev, p) => {
          ctx.socket.emit(ev, p);
          if (tail.has(p)) every(ctx.socket, 400, () => ctx.socket.emit(ev, { data: { ...p.data, delta: '' } }));
        },
      });
    }),

  fail('late-frame-after-stop',
    '250 ms after the stop frame a re-ranked-references update frame (delta "", finish_reason null, new clue) is pushed for the same room',
    `${DOC}: nothing more for a question follows its "stop" frame (digest pocketqa)`,
    () => startBase({
      emit: (ctx, ev, p) => {
        ctx.socket.emit(ev, p);
        if (p.data.finish_reason !== 'stop') return;
        const t = setTimeout(() => {
          if (!ctx.socket.connected) return;
          const clue = { type: '知识库依据:', data: ['材料:户籍业务办理指南', '0.8811', '<small><i>(重新排序)</i></small>'] };
          ctx.socket.emit(ev, { data: { ...p.data, delta: '', finish_reason: null, received: { ...p.data.received, clue } } });
        }, 250);
        t.unref();
      },
    })),

  fail('py-stop-delta-null',
    'python-socketio; the separate stop frame carries delta None (null), OpenAI-style, instead of a string',
    `${DOC}: delta (输出内容) is a string in every CHAT_SS (digest pocketqa)`,
    () => startPy('pyextra.py', 'stop-delta-null')),

  fail('py-string-reply-to-string-request',
    'python-socketio; a CHAT_CS sent as a JSON string is answered with CHAT_SS payloads that are JSON strings (json.dumps) instead of objects; object requests are fine',
    `${DOC}: the payload is the object {"data": {...}} (the document's client prints a dict); digest pocketqa: both request forms must be served`,
    () => startPy('pyextra.py', 'string-reply')),

  fail('py-double-emit-room-and-sid',
    'python-socketio; the socket enters the room and every frame is emitted to the room and again to the sid: the asker gets each frame, and the stop, twice',
    `${DOC}: one answer ends with exactly one "stop" frame and nothing follows it (digest pocketqa)`,
    () => startPy('pyextra.py', 'double-emit')),

  fail('py-lobby-broadcast',
    "python-socketio; every socket joins a 'lobby' room on connect, and a question without a room is answered to room 'lobby', i.e. to every client",
    `${SEC}; a bystander must receive nothing of another client's answer`,
    () => startPy('pyextra.py', 'lobby-broadcast')),

  fail('py-room-absent-without-client-room',
    'python-socketio; data["room"] is only set when the client sent a room: answers to a room-less question (like the document\'s client) have no data.room',
    `${DOC}: data carries room (聊天室id); when the client sent none it is the server's choice, not absent (digest pocketqa)`,
    () => startPy('pyextra.py', 'room-absent')),

  fail('py-clue-score-float',
    'python-socketio; received.clue.data carries the retrieval score as a JSON number (0.9247…) instead of a string',
    `${DOC} (received.clue example) / digest pocketqa: clue.data is a list of strings (a score appears as a string)`,
    () => startPy('pyextra.py', 'clue-score-float')),
];
