/**
 * ctai rules on the streaming answer, one packet at a time: served as an event stream, each packet one
 * JSON object of the documented shape, its msg and its SSE id.
 */
import { show } from '../../../core/engine.js';
import { contentTypeRule, frameSchemaRule, jsonFrameRule, statusRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { at, failureOf, isSuccess, packetOf } from './read.js';

// ---- streaming answer -------------------------------------------------------------------------

// Could a legal server fail this? None: any parameter (charset=utf-8) is accepted; only a stream served under
// another media type fails.
export const streamContentType = contentTypeRule(
  {
    id: 'ctai.stream.content-type',
    title: 'A streaming answer is served as text/event-stream',
    severity: 'error',
    basis: 'doc',
    source: at('应答 Header'),
    scopes: ['stream'],
  },
  'text/event-stream',
);

export const streamStatus = statusRule(
  {
    id: 'ctai.stream.status',
    title: 'A streaming answer opens with HTTP 200',
    severity: 'warn',
    basis: 'inferred',
    source: at('前端使用流式应答API (the client opens the stream only on status 200)'),
    scopes: ['stream'],
  },
  [200],
);

// Could a legal server fail this? None: every legal SSE framing (CR, CRLF, comments, split data: lines,
// frames cut anywhere) reaches the rule as whole events; only a payload that is not JSON fails.
export const packetJson = jsonFrameRule({
  id: 'ctai.packet.json',
  title: 'Every data: payload is one JSON packet',
  severity: 'error',
  basis: 'doc',
  source: at('应答示例'),
  scopes: ['stream'],
});

/** Fields the field table does not type: illegal_status and what extend_info holds appear only in the formatted example. */
const isExampleOnlyPointer = (pointer: string): boolean => pointer === '/data/illegal_status' || pointer.startsWith('/data/extend_info/');

// Could a legal server fail this? One that sends null for an optional list (ref_doc_list: null): the field
// table types them as arrays, so it stays an error. Absent optional fields and extra fields pass; fields
// only the example shows are ctai.packet.example-fields'.
export const packetShape = frameSchemaRule(
  {
    id: 'ctai.packet.shape',
    title: 'Every packet has the fields and types of the field table (schemas/ctai/packet.schema.json)',
    severity: 'error',
    basis: 'doc',
    source: at('应答示例 (field table)'),
    scopes: ['stream'],
  },
  'https://chatwire.dev/schemas/ctai/packet.json',
  { pointers: (pointer) => !isExampleOnlyPointer(pointer) },
);

// Could a legal server fail this? It warns only: a score as a number, or illegal_status as 0, contradicts
// only the formatted example, which the table does not back.
export const packetExampleFields = frameSchemaRule(
  {
    id: 'ctai.packet.example-fields',
    title: "illegal_status and extend_info's inner fields have the types of the formatted example (strings)",
    severity: 'warn',
    basis: 'inferred',
    source: at('应答示例 (the formatted packet: illegal_status "0", doc_score[].score "1.233")'),
    scopes: ['stream'],
  },
  'https://chatwire.dev/schemas/ctai/packet.json',
  { pointers: isExampleOnlyPointer },
);

// Could a legal server fail this? One that says msg "success" on success: the table says msg is "" then. A
// packet without msg passes.
export const msgEmptyOnSuccess = defineRule({
  id: 'ctai.msg.empty-on-success',
  title: 'A successful packet or answer (ret "0") carries msg "" when it carries msg',
  severity: 'error',
  basis: 'doc',
  source: at('应答示例 (field table: msg)'),
  scopes: ['stream', 'answer'],
  create: (_context, report) => ({
    frame(frame) {
      const packet = packetOf(frame);
      if (packet === undefined || !isSuccess(packet) || packet.msg === undefined || packet.msg === '') return;
      report({ at: 'frame', frame, pointer: '/msg', message: 'msg must be "" when ret is "0"', expected: '""', actual: show(packet.msg) });
    },
  }),
});

// Could a legal server fail this? None: a failure without a reason is exactly what the table rules out.
export const msgExplainsFailure = defineRule({
  id: 'ctai.msg.explains-failure',
  title: 'A failure (ret other than "0") says why in a non-empty msg',
  severity: 'error',
  basis: 'doc',
  source: at('应答示例 (field table: ret, msg)'),
  scopes: ['stream', 'answer'],
  create: (_context, report) => ({
    frame(frame) {
      const packet = failureOf(frame);
      if (packet === undefined) return;
      if (typeof packet.msg === 'string' && packet.msg.trim() !== '') return;
      report({
        at: 'frame',
        frame,
        pointer: '/msg',
        message: `ret is "${packet.ret}" but msg does not say why`,
        expected: 'a non-empty error message',
        actual: show(packet.msg),
      });
    },
  }),
});

// Could a legal server fail this? One that fails with a word of apology in answer_text sends one such
// packet: it passes, since the document says nothing of a failure's data. A stream of them is an answer
// under a failure code (ret "200", msg "success"): the document's client shows only the error for each
// packet and drops every word. A non-streaming answer is one packet, so it is not judged here.
export const failureCarriesNoAnswer = defineRule({
  id: 'ctai.msg.failure-carries-no-answer',
  title: 'A stream does not carry its answer in failure packets (ret other than "0"): the document\'s client shows only their msg',
  severity: 'error',
  basis: 'doc',
  source: at("前端使用流式应答API (if (ret === '0') { result += data.answer_text } else { getErrorInfo(ret, msg) }); field table: ret 成功是 0,失败是非 0"),
  scopes: ['stream'],
  create: (_context, report) => {
    let withText = 0;
    return {
      frame(frame) {
        const packet = failureOf(frame);
        if (packet === undefined) return;
        const text = packet.data?.['answer_text'];
        if (typeof text !== 'string' || text === '') return;
        // The second such packet: one apology is a failure that explains itself, two are an answer.
        if (++withText !== 2) return;
        report({
          at: 'frame',
          frame,
          pointer: '/ret',
          message: `a second packet with answer text under ret ${show(packet.ret)}: the answer streams under a failure code, and a client drops the text of every packet whose ret is not "0"`,
          expected: '"0" on the packets that answer',
          actual: show(packet.ret),
        });
      },
    };
  },
});

export const sseIdIsMsgId = defineRule({
  id: 'ctai.sse.id',
  title: "Each packet's SSE id: line equals its msg_id",
  severity: 'warn',
  basis: 'inferred',
  source: at('应答示例 (every packet of the example has id: equal to msg_id)'),
  scopes: ['stream'],
  create: (_context, report) => ({
    frame(frame) {
      if (frame.type !== 'sse') return;
      const msgId = packetOf(frame)?.data?.['msg_id'];
      if (typeof msgId !== 'string' || frame.id === msgId) return;
      report({
        at: 'frame',
        frame,
        pointer: '',
        message: frame.id === undefined ? 'the packet has no id: line' : 'the id: line differs from data.msg_id',
        expected: `id: ${msgId}`,
        actual: frame.id === undefined ? '(no id: line)' : `id: ${frame.id}`,
      });
    },
  }),
});
