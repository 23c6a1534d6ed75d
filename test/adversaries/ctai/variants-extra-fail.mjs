// Second-round faulty servers: each is the second-round conformant server (extra-base.mjs, defaults)
// with exactly one seeded fault a real team could ship.
import { makeExtraServer } from './extra-base.mjs';
import { defaultFrame } from './extra-wire.mjs';
import { validate } from './validate.mjs';
import { buildPackets } from './answer.mjs';

const fail = (id, says, breaks, opts) => ({ id, expect: 'fail', says, breaks, start: makeExtraServer(opts) });
const DOC = '002_cba551f1a5d093b7.txt';
const isStop = (p) => p.data && p.data.event === 'stop';
const JSON_TYPE = [['Content-Type', 'application/json; charset=utf-8']];
const SSE_TYPE = [['Content-Type', 'text/event-stream'], ['Cache-Control', 'no-cache'], ['Connection', 'close']];

// The stop packet written as the SSE event type only (data.event left "").
const sseStops = new WeakSet();

// A refusal with the default shape but one field changed (both modes).
const refusalWith = (change) => (ret, msg, streaming, env, sid) => {
  const env0 = change({ ret, msg });
  if (!streaming) return { status: 200, headers: JSON_TYPE, body: JSON.stringify(env0) };
  const pkt = { ...env0, data: { msg_id: env.nextId(sid), msg_sn: '0', event: 'stop', answer_text: '' } };
  return { status: 200, headers: SSE_TYPE, body: defaultFrame(pkt, JSON.stringify(pkt)) };
};

export const extraFailVariants = [
  fail('stop-frame-unterminated',
    'The stop packet\'s frame lacks its final blank line before the close, so the last event is never dispatched',
    `${DOC} 流式应答 (SSE): the stop packet is the last packet; an event is only complete at its blank line (WHATWG event-stream)`,
    { cutLast: 'eol' }),
  fail('stop-frame-truncated',
    'The socket is torn down half-way through writing the stop packet (end signal "sent" but never fully flushed)',
    `${DOC} 流式应答: the stop packet (event = stop) must arrive before the server closes the connection`,
    { cutLast: 'half' }),
  fail('msg-sn-gap-lost-packet',
    'The last middle packet is lost in an internal queue: its text never arrives and msg_sn jumps by 2 before the stop packet',
    `${DOC} field table: msg_sn starts at 0 and is +1 for each packet (no gaps)`,
    { transformPackets: (ps) => (ps.length > 2 ? [...ps.slice(0, -2), ps[ps.length - 1]] : ps) }),
  fail('msg-sn-continues-across-turns',
    'msg_sn is a per-session counter: the second answer on a session_id starts where the first stopped instead of at "0"',
    `${DOC} field table: msg_sn of each answer starts at 0 and is +1 per packet`,
    {
      transformPackets: (ps, ctx, env) => {
        if (!ctx.sid) return ps;
        const off = env.state.scratch.get(ctx.sid) || 0;
        ps.forEach((p) => { p.data.msg_sn = String(Number(p.data.msg_sn) + off); });
        env.state.scratch.set(ctx.sid, off + ps.length);
        return ps;
      },
    }),
  fail('stop-as-sse-event-line',
    'The end is signalled by an SSE "event: stop" line while the stop packet\'s JSON keeps event ""',
    `${DOC} 结束包: the event field of the stop packet (data.event) is "stop"`,
    {
      transformPackets: (ps) => ps.map((p) => { if (isStop(p)) { p.data.event = ''; sseStops.add(p); } return p; }),
      frame: (pkt, json) => (sseStops.has(pkt) ? `event: stop\n${defaultFrame(pkt, json)}` : defaultFrame(pkt, json)),
    }),
  fail('done-sentinel-after-stop',
    'OpenAI habit: a "data: [DONE]" event follows the stop packet',
    `${DOC} 流式应答: the stop packet is the last packet, then the server closes the connection`,
    { tail: 'data: [DONE]\n\n' }),
  fail('keepalive-as-data-event',
    'Keep-alives in the pauses are "data: ping" events (not comment lines), i.e. events that are not packets',
    `${DOC} 流式应答: every event of the stream is a packet (JSON with ret and data), middle or stop`,
    { between: 'data: ping\n\n' }),
  fail('content-length-char-count',
    'Content-Length is the JavaScript string length (UTF-16 units), not the byte count: bodies with Chinese text are cut short (both modes)',
    `${DOC} 流式应答 / answer envelope: the client must receive every packet up to stop (and one whole JSON answer)`,
    {
      transport: 'length', lengthOf: (s) => s.length, streamHeaders: SSE_TYPE,
      plainHeaders: [...JSON_TYPE, ['Connection', 'close']],
    }),
  fail('plain-returns-packet-array',
    'stream "0" answers a JSON array of the stream packets (the streaming generator collected) instead of one object',
    `${DOC} stream "0": one JSON answer whose envelope is {ret, msg, data} (PROTOCOLS.md: one JSON object)`,
    { plainTransform: (obj, ctx, env) => ({ raw: JSON.stringify(buildPackets(ctx, env)), contentType: 'application/json; charset=utf-8' }) }),
  fail('plain-data-double-encoded',
    'Non-streaming answers carry data as a JSON-encoded string ("data":"{\\"msg_id\\":...}") instead of an object',
    `${DOC} field table: data is an object`,
    { plainTransform: (obj) => ({ ...obj, data: JSON.stringify(obj.data) }) }),
  fail('plain-text-html-content-type',
    'Flask-style: JSON answers (stream "0", refusals) are sent as Content-Type: text/html; charset=utf-8',
    `${DOC} 注意: only the streaming answer is not JSON; stream "0" answers JSON (PROTOCOLS.md non-streaming answer)`,
    { plainHeaders: [['Content-Type', 'text/html; charset=utf-8']] }),
  fail('refusal-ret-numeric',
    'Refusals carry ret as a JSON number (100002) in both modes, while successes use the string "0"',
    `${DOC} field table: ret is a string; non-zero on failure`,
    { refusal: refusalWith((e) => ({ ...e, ret: Number(e.ret) })) }),
  fail('refusal-empty-msg',
    'Refusals carry a non-zero ret but an empty msg in both modes',
    `${DOC} field table: msg is the error message (empty only on success)`,
    { refusal: refusalWith((e) => ({ ...e, msg: '' })) }),
  fail('stream-validation-skipped',
    'Field values are checked only for stream "0": with stream "1" a bad lang / smart_temp / flag / session_id is answered normally',
    `${DOC} request table: lang, smart_temp, enable_*, category, ctprofile_id, session_id have fixed value sets in both modes`,
    { validateHook: (body, o, streaming) => validate(body, streaming ? { ...o, validateEnums: false, validateSession: false } : o) }),
  fail('concurrent-session-race',
    'The session is kept in a per-process "current session" slot across an await: concurrent requests read and write each other\'s history',
    `${DOC} session_id: only requests with the same session_id form one conversation (digest: cross-session data is a security error)`,
    { historyMode: 'racy' }),
  fail('refused-turn-recorded',
    'A refused request (bad field value) is still written into its session\'s history: the next valid turn quotes it as the previous question',
    `${DOC} request table + digest: a request the document forbids is refused (ret != "0"), not performed`,
    { historyMode: 'record-refused' }),
  fail('session-id-64-bytes-refused',
    'Off-by-one: a session_id of exactly 64 bytes is refused ("must be shorter than 64 bytes")',
    `${DOC} session_id: at most 64 bytes (不能超过 64 字节), so 64 bytes is allowed`,
    {
      validateHook: (body, o) => validate(body, o)
        || (typeof body.session_id === 'string' && Buffer.byteLength(body.session_id, 'utf8') >= 64
          ? { ret: '100002', msg: 'session_id must be shorter than 64 bytes' } : null),
    }),
];
