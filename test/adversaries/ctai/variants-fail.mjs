// Faulty servers: each is the conformant base with exactly one seeded fault.
import { makeServer } from './base.mjs';

const fail = (id, says, breaks, opts) => ({ id, expect: 'fail', says, breaks, start: makeServer(opts) });
const DOC = '002_cba551f1a5d093b7.txt';

const isStop = (p) => p.data && p.data.event === 'stop';
const renumber = (packets) => packets.map((p, i) => { p.data.msg_sn = String(i); return p; });

export const failVariants = [
  fail('msg-sn-starts-at-one',
    'msg_sn counts from "1" instead of "0"',
    `${DOC} 流式应答 field table: msg_sn starts at 0 and is +1 per packet`,
    { transformPackets: (ps) => ps.map((p) => { p.data.msg_sn = String(Number(p.data.msg_sn) + 1); return p; }) }),
  fail('msg-sn-numeric',
    'msg_sn is a JSON number (0, 1, 2...) instead of a string',
    `${DOC} field table: msg_sn is type string`,
    { transformPackets: (ps) => ps.map((p) => { p.data.msg_sn = Number(p.data.msg_sn); return p; }) }),
  fail('ret-numeric',
    'ret is the JSON number 0 in every successful packet instead of the string "0"',
    `${DOC} field table: ret is a string, "0" on success`,
    { transformPackets: (ps) => ps.map((p) => { p.ret = 0; return p; }) }),
  fail('middle-event-missing',
    'Middle packets omit the event field (omit-empty serialiser) instead of sending event ""',
    `${DOC} 中间包 rule: the event field of a middle packet is the empty string`,
    { transformPackets: (ps) => ps.map((p) => { if (!isStop(p)) delete p.data.event; return p; }) }),
  fail('msg-id-repeated',
    'Every packet of an answer carries the same msg_id (and id: line)',
    `${DOC} field table: msg_id is unique for each packet, globally unique`,
    { transformPackets: (ps) => ps.map((p) => { p.data.msg_id = ps[0].data.msg_id; return p; }) }),
  fail('msg-id-per-answer-counter',
    'msg_id is <session_id>_<n> with n restarting at 1 for every answer, so ids repeat across turns',
    `${DOC} field table: msg_id is globally unique (not only within one answer)`,
    { transformPackets: (ps, ctx) => ps.map((p, i) => { p.data.msg_id = `${ctx.sid || 'ctai'}_${i + 1}`; return p; }) }),
  fail('no-stop-packet',
    'The stream closes after the last text packet without the event "stop" packet',
    `${DOC} 流式应答: the last packet is the stop packet (event = stop)`,
    { transformPackets: (ps) => ps.filter((p) => !isStop(p)) }),
  fail('double-stop',
    'Sends the stop packet twice (second copy with its own msg_id and next msg_sn)',
    'PROTOCOLS.md ctai: exactly one stop packet, and it is the last packet',
    {
      transformPackets: (ps, ctx, env) => {
        const stop = ps[ps.length - 1];
        const again = JSON.parse(JSON.stringify(stop));
        again.data.msg_id = env.nextId(ctx.sid);
        again.data.msg_sn = String(ps.length);
        return [...ps, again];
      },
    }),
  fail('stop-carries-text',
    'The last piece of the answer is delivered inside the stop packet instead of a middle packet',
    `${DOC} 结束包 rule: the stop packet carries no answer content, all text comes in middle packets first`,
    {
      transformPackets: (ps) => {
        const stop = ps.pop();
        const last = ps.pop();
        stop.data.answer_text = last.data.answer_text;
        return renumber([...ps, stop]);
      },
    }),
  fail('packet-after-stop',
    'A middle packet with a closing "（完）" text follows the stop packet',
    `${DOC} 流式应答: the stop packet is the last packet; nothing follows it`,
    {
      transformPackets: (ps, ctx, env) => {
        const tail = JSON.parse(JSON.stringify(ps[0]));
        Object.assign(tail.data, { msg_id: env.nextId(ctx.sid), msg_sn: String(ps.length), event: '', answer_text: '（完）' });
        if (Array.isArray(tail.data.ref_doc_list)) tail.data.ref_doc_list = [];
        return [...ps, tail];
      },
    }),
  fail('held-open-after-stop',
    'Sends every packet including stop, then never closes the connection',
    `${DOC} 流式应答: after all packets are sent the server closes the connection`,
    { afterStop: 'hold' }),
  fail('never-ends',
    'Sends the text packets, then neither the stop packet nor a close: the stream hangs',
    `${DOC} 流式应答: a stop packet ends the stream and the server closes the connection`,
    { transformPackets: (ps) => ps.filter((p) => !isStop(p)), afterStop: 'hold' }),
  fail('stream-json-content-type',
    'Streaming answers are labelled Content-Type: application/json (body is still SSE)',
    `${DOC} 应答 Header: Content-Type is text/event-stream`,
    { streamContentType: 'application/json; charset=utf-8' }),
  fail('non-stream-as-sse',
    'Always streams: stream "0" (or absent) still gets an SSE answer instead of one JSON object',
    `${DOC} request table: stream "0" (the default) is the non-streaming answer`,
    { alwaysStream: true }),
  fail('accepts-invalid-enums',
    'Checks only query_text and session_id: bad lang / smart_temp / flags / stream / category values are answered normally',
    `${DOC} request table: lang, smart_temp, enable_*, stream, category, ctprofile_id have fixed value sets`,
    { validateEnums: false }),
  fail('session-id-unchecked',
    'Accepts a session_id longer than 64 bytes or with characters outside [0-9A-Za-z._-]',
    `${DOC} request table: session_id at most 64 bytes, only digits, letters and -_.`,
    { validateSession: false }),
  fail('error-wrong-shape',
    'Refusals (both modes) are a framework error {"code":400,"error":"..."} with HTTP 400, no ret/msg',
    `${DOC} field table: failures answer ret != "0" with msg saying why`,
    {
      errorBody: (ret, msg) => ({
        status: 400,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ code: 400, error: msg }),
      }),
    }),
  fail('stream-error-wrong-shape',
    'A refused streaming request gets "event: error" with {"code":...,"message":...}: no ret, no msg',
    'PROTOCOLS.md ctai: errors in a stream arrive as packets with ret != "0" and a msg',
    { streamErrorFrame: (ret, msg) => `event: error\ndata: ${JSON.stringify({ code: Number(ret), message: msg })}\n\n` }),
  fail('session-leak',
    'Multi-turn history is kept in one global store: an answer quotes the previous question of another session',
    `${DOC} session_id: only questions on the same session_id form one conversation (digest: cross-session data is a security error)`,
    { historyKey: () => 'global' }),
  fail('ignores-ctdoc-id',
    'Cites the whole knowledge base even when ctdoc_id restricts the documents',
    `${DOC} ctdoc_id: when document ids are given, only those documents are used`,
    { honourCtdocId: false }),
  fail('citations-when-disabled',
    'Returns ref_doc_list entries even when enable_citation is "0"',
    `${DOC} enable_citation: "0" means no citations are returned`,
    { honourCitationFlag: false }),
];
