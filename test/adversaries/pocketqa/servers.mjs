// pocketqa adversaries: conformant variations and faulty servers (one seeded fault each).
// Written from document 001 (对话 socketio) and the "pocketqa" section of PROTOCOLS.md only.
import { randomUUID } from 'node:crypto';
import { startBase, chunkers } from './base.mjs';
import { startPython } from './pylaunch.mjs';
import { extraVariants } from './variants-extra.mjs';
// Third round (audit/): independent servers kept from an audit of chatwire's verdicts.
import { auditVariants } from '../audit/variants.mjs';
import { audit7Variants } from '../audit7/variants.mjs';
import { audit8Variants } from '../audit8/variants.mjs';

const DOC = '001 对话(socketio) §发送事件(response) CHAT_SS';
const last = (a) => a[a.length - 1];
const withData = (f, patch) => ({ ...f, payload: { ...f.payload, data: { ...f.payload.data, ...patch } } });

const pass = (id, says, start) => ({ id, expect: 'pass', says, breaks: undefined, start });
const fail = (id, says, breaks, start) => ({ id, expect: 'fail', says, breaks, start });

export const variants = [
  // ----------------------------------------------------------------------------- conformant
  pass('node-stream-basic',
    'Node socket.io; 8-code-point deltas 15 ms apart, partial finish_reason null, last text frame carries "stop"',
    () => startBase()),

  pass('py-rooms',
    'python-socketio/aiohttp; socket enters the chat room and answers are emitted to that room; received.sid is the socket sid',
    () => startPython('rooms')),

  pass('py-sid-sentences-extras',
    'python-socketio/aiohttp; emits to=sid, sentence chunks 50 ms apart, partial finish_reason "", empty-delta stop frame; answers SUM_CS/QA_CS/GEN_CS',
    () => startPython('sid')),

  pass('single-frame-answer',
    'Whole answer in one CHAT_SS with finish_reason "stop" after 400 ms (like the document example); received.text drops the trailing "?"',
    () => startBase({ chunk: chunkers.whole, firstDelay: 400, normaliseText: true })),

  pass('char-stream-empty-finish',
    'One code point per frame 5 ms apart (emoji included), a leading empty-delta frame, partial finish_reason "", separate empty stop frame',
    () => startBase({
      chunk: chunkers.fixed(1), delay: 5, partialFinish: '', stopEmpty: true, textSuffix: ' 👍🏻𠮷',
      frames: (frames) => [withData(frames[0], { delta: '' }), ...frames],
    })),

  pass('extra-fields-sparse-received',
    'Extra fields in data (id, index, model, created, usage) and received (references); received omits prompt/dialogue/upload_id/history; empty clue.data',
    () => startBase({
      data: (d, ctx) => ({ id: `chatcmpl-${ctx.socket.id}`, index: 0, model: 'pocketqa-7b', created: 1718000000, ...d,
        usage: d.finish_reason === 'stop' ? { prompt_tokens: 12, completion_tokens: 80 } : null }),
      received: (r) => ({ text: r.text, sid: r.sid, room: r.room, clue: { type: '知识库依据:', data: [] },
        alter: r.alter, references: [{ title: '身份证法', score: 0.92 }] }),
    })),

  pass('slow-pauses-tuned-engine',
    'Long pauses (500 ms before the first frame, 450 ms between 50-code-point frames); pingInterval 1 s, compression on every transport',
    () => startBase({
      chunk: chunkers.fixed(50), firstDelay: 500, delay: 450,
      ioOptions: { pingInterval: 1000, pingTimeout: 3000, perMessageDeflate: { threshold: 0 }, httpCompression: { threshold: 0 } },
    })),

  pass('generated-room-ack-extras',
    'No client room -> a server-generated uuid room per connection; acks CHAT_CS when asked; received.sid is the socket id; answers SUM/QA/GEN',
    () => startBase({
      defaultRoom: (socket) => (socket.data.room ??= `room-${randomUUID()}`),
      ack: true, extras: true, receivedSid: 'socket', chunk: chunkers.sentences, delay: 25,
    })),

  pass('burst-same-tick',
    'All frames of an answer emitted back to back in the same tick (several packets per polling response)',
    () => startBase({ delay: 0, firstDelay: 0, chunk: chunkers.fixed(12) })),

  // ----------------------------------------------------------------------------- faulty
  fail('no-stop-frame',
    'The last frame is forwarded with the model\'s finish_reason null: no CHAT_SS ever says "stop"',
    `${DOC}: finish_reason "stop" marks the end; every answer ends with exactly one stop frame (digest pocketqa)`,
    () => startBase({ frames: (fr) => [...fr.slice(0, -1), withData(last(fr), { finish_reason: null })] })),

  fail('duplicate-stop-frame',
    'The stop frame is emitted twice (once by the generator, once by the "finally" cleanup)',
    `${DOC}: exactly one CHAT_SS with finish_reason "stop" per answer (digest pocketqa)`,
    () => startBase({ frames: (fr) => [...fr, last(fr)] })),

  fail('trailing-frame-after-stop',
    'After the stop frame a flush frame {delta:"", finish_reason:null} is emitted',
    `${DOC}: nothing more for that question follows the "stop" frame (digest pocketqa)`,
    () => startBase({ frames: (fr) => [...fr, withData(last(fr), { delta: '', finish_reason: null })] })),

  fail('stop-before-remaining-chunks',
    'The stop frame (empty delta) is emitted after the 2nd chunk while the rest of the answer is still queued and sent after it',
    `${DOC}: the "stop" frame ends the answer; text delivered after it is data after the end (digest pocketqa)`,
    () => startBase({ stopEmpty: true, frames: (fr) => [...fr.slice(0, 2), last(fr), ...fr.slice(2, -1)] })),

  fail('delta-as-object',
    'delta is sent OpenAI-style as an object {content: "..."} instead of a string',
    `${DOC}: data.delta (输出内容) is a string`,
    () => startBase({ data: (d) => ({ ...d, delta: { content: d.delta } }) })),

  fail('payload-without-data-envelope',
    'CHAT_SS payload is {room, delta, finish_reason, received} at the top level, without the "data" wrapper',
    `${DOC}: the fields live inside "data" ({"data": {...}})`,
    () => startBase({ frames: (fr) => fr.map((f) => ({ ...f, payload: f.payload.data })) })),

  fail('room-not-echoed',
    'data.room is always the socket id, even when the client sent its own room id',
    `001 §监听事件 CHAT_CS / §发送事件 CHAT_SS: room is the chat room id in both directions; the answer carries the client's room (digest pocketqa)`,
    () => startBase({ data: (d, ctx) => ({ ...d, room: ctx.socket.id }) })),

  fail('py-emit-without-to',
    'python-socketio server calls sio.emit("CHAT_SS", ...) without to=/room=: every connected client receives every answer',
    'digest pocketqa (security): an answer goes only to the socket that asked (or its room); a bystander must receive nothing',
    () => startPython('emit-without-to')),

  fail('answer-to-latest-socket',
    'Answers are emitted to the most recently connected socket id (a module-level "current sid"), not to the asker',
    'digest pocketqa (security): an answer goes only to the socket that asked (or its room)',
    () => startBase({ emit: (ctx, ev, p) => ctx.io.to(ctx.state.lastConnected).emit(ev, p) })),

  fail('json-string-payload-ignored',
    'Only object payloads are handled; a CHAT_CS sent as a JSON string (like the document\'s client) gets no answer',
    '001 §测试代码 (the client emits json.dumps(param)); digest pocketqa: a server must accept both object and JSON-string payloads',
    () => startBase({ parse: (p) => (typeof p === 'string' ? null : parseObject(p)) })),

  fail('py-object-ignored',
    'python-socketio server does json.loads(data) on every payload: an object payload raises TypeError and gets no answer',
    'digest pocketqa: a server must accept CHAT_CS both as an object and as a JSON string',
    () => startPython('object-ignored')),

  fail('crash-on-bad-payload',
    'An unusable CHAT_CS payload (not JSON, not an object, no text) takes the whole server down: all connections drop, no new ones',
    'digest pocketqa: bad payloads must be survived (the server keeps answering other and later requests)',
    () => startBase({ onBad: (ctx) => { ctx.kill(); } })),

  fail('numeric-room-as-number',
    'A room id of digits only is answered as a number ("room": 12345), as a server that parses ids would',
    `${DOC}: room is a str (聊天室id) in both directions; the example room is "12345"`,
    () => startBase({ data: (d) => (typeof d.room === 'string' && /^\d+$/.test(d.room) ? { ...d, room: Number(d.room) } : d) })),

  fail('disconnect-on-bad-payload',
    'Disconnects the client that sent an unusable CHAT_CS payload (not JSON, no text); every other client is served as before',
    `${DOC}: silent on bad payloads, so only a warning: the asking socket is expected to stay (the sample client waits on it)`,
    () => startBase({ onBad: (ctx) => ctx.socket.disconnect(true) })),

  fail('received-without-clue-alter',
    'received echoes the request but has no clue and no alter fields',
    `${DOC}: received (其他包装字段) includes clue and alter`,
    () => startBase({ received: ({ clue, alter, ...rest }) => rest })),

  fail('lowercase-event-name',
    'Answers are emitted as "chat_ss" instead of "CHAT_SS"',
    `${DOC}: the response event is named CHAT_SS`,
    () => startBase({ frames: (fr) => fr.map((f) => ({ ...f, event: f.event.toLowerCase() })) })),

  fail('followup-ignored',
    'A per-room "busy" flag is set on the first question and never released: follow-ups in the same room get no answer',
    '001 §监听事件 CHAT_CS (room: multi-turn chat room) / digest pocketqa: every CHAT_CS question gets an answer ending in "stop"',
    () => startBase({ admit: (ctx) => {
      const busy = (ctx.state.busy ??= new Set());
      if (busy.has(ctx.room)) return false;
      busy.add(ctx.room);
      return true;
    } })),

  fail('shared-history-across-rooms',
    'Conversation history is kept in one global list: received.history of a new room holds other clients\' questions and answers',
    'digest pocketqa + security rule: data of one session/room must not be reachable from another (history is per room)',
    () => startBase({ historyKey: () => 'global' })),

  fail('stop-on-every-frame',
    'finish_reason is hard-coded to "stop" on every partial frame, so one answer carries many end signals',
    `${DOC}: exactly one "stop" per answer, partial frames carry a non-final finish_reason (digest pocketqa)`,
    () => startBase({ partialFinish: 'stop' })),
  ...auditVariants.pocketqa,
  ...audit7Variants.pocketqa,
  ...audit8Variants.pocketqa,
];

function parseObject(p) {
  if (!p || typeof p !== 'object' || Array.isArray(p) || typeof p.text !== 'string' || !p.text.trim()) return null;
  const s = (v) => (typeof v === 'string' ? v : '');
  return { text: p.text, room: s(p.room), dialogue: s(p.dialogue), upload_id: s(p.upload_id), sid: s(p.sid) };
}

// Second round (variants-extra.mjs): appended after the first round's variants.
variants.push(...extraVariants);
