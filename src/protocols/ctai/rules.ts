/**
 * The ctai rules: document 002_cba551f1a5d093b7.txt (流式问答对话), digest section "ctai".
 * Ids read `ctai.<subject>.<property>`; each cites the section it comes from.
 */
import { show } from '../../core/engine.js';
import { frameText } from '../../core/exchange.js';
import { closedAfterRule, contentTypeRule, frameSchemaRule, jsonFrameRule, mediaType, refusalRule, remember, requestJsonRule, requestSchemaRule, singleBodyRule, statusRule } from '../../core/kit.js';
import { defineRule, type Rule } from '../../core/rule.js';
import { IdSet } from '../../core/id-set.js';
import { isRecord } from '../../core/schemas.js';
import { at, isStopPacket, isSuccess, packetOf, sequenceNumber } from './packet.js';
import { ctaiScopeRules } from './scope-rules.js';

export { DOC, isStopPacket, packetOf } from './packet.js';

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

// Could a legal server fail this? One that sends null for an optional list (ref_doc_list: null): the field
// table types them as arrays, so it stays an error. Absent optional fields and extra fields pass.
export const packetShape = frameSchemaRule(
  {
    id: 'ctai.packet.shape',
    title: 'Every packet has the documented fields and types (schemas/ctai/packet.schema.json)',
    severity: 'error',
    basis: 'doc',
    source: at('应答示例 (field table)'),
    scopes: ['stream'],
  },
  'urn:chatwire:ctai:packet',
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
      const packet = packetOf(frame);
      if (packet === undefined || typeof packet.ret !== 'string' || isSuccess(packet)) return;
      if (typeof packet.msg === 'string' && packet.msg.trim() !== '') return;
      report({ at: 'frame', frame, pointer: '/msg', message: `ret is "${packet.ret}" but msg does not say why`, expected: 'a non-empty error message', actual: show(packet.msg) });
    },
  }),
});

/** Past this many ids (8 MB of hashes; far beyond any real answer), uniqueness is no longer tracked, so memory stays bounded. */
export const MAX_TRACKED_IDS = 2 ** 19;

// Could a legal server fail this? One whose ids repeat across answers of a conversation: the table says
// globally unique. Ids stop being tracked after MAX_TRACKED_IDS, so memory stays bounded.
export const msgIdUnique = defineRule({
  id: 'ctai.msg_id.unique',
  title: 'Every packet has its own msg_id, across every answer of a conversation too',
  severity: 'error',
  basis: 'doc',
  source: at('应答示例 (field table: msg_id, 每个分包 id 都是全局唯一的)'),
  scopes: ['stream'],
  create: (context, report) => {
    // Globally unique: an id an earlier answer of the same case used is a repeat too.
    const seen = remember(context, 'ctai.msg_id', () => new IdSet(), (value) => value instanceof IdSet);
    return {
      frame(frame) {
        const id = packetOf(frame)?.data?.['msg_id'];
        if (typeof id !== 'string' || seen.size >= MAX_TRACKED_IDS) return;
        if (!seen.add(id)) {
          report({ at: 'frame', frame, pointer: '/data/msg_id', message: `msg_id "${id}" was already used by an earlier packet (of this answer or an earlier one)`, expected: 'an id no earlier packet used', actual: show(id) });
        }
      },
    };
  },
});

// Could a legal server fail this? None: error packets (ret other than "0") are not counted, and a number
// where a string belongs is ctai.packet.shape's finding.
export const msgSnSequence = defineRule({
  id: 'ctai.msg_sn.sequence',
  title: 'msg_sn counts "0", "1", "2", … with no gap and no repeat',
  severity: 'error',
  basis: 'doc',
  source: at('应答示例 (field table: msg_sn, 从 0 开始,每个包 +1)'),
  scopes: ['stream'],
  create: (_context, report) => {
    let expected = 0;
    return {
      frame(frame) {
        const packet = packetOf(frame);
        if (packet?.data === undefined || !isSuccess(packet)) return;
        const value = packet.data['msg_sn'];
        const sn = sequenceNumber(value);
        if (sn === undefined) return; // not a number at all: packet.shape reports it
        if (sn !== expected) {
          const what = expected === 0 ? 'the first packet must be "0"' : sn < expected ? 'a repeated or backward msg_sn' : `a gap: msg_sn ${expected}${sn - expected > 1 ? `–${sn - 1}` : ''} never came`;
          report({ at: 'frame', frame, pointer: '/data/msg_sn', message: what, expected: `"${expected}"`, actual: show(value) });
        }
        expected = sn + 1;
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

// Could a legal server fail this? None: a stream ended by an error packet, or a body that is no event stream
// at all, is not asked for a stop packet.
export const stopPresent = defineRule({
  id: 'ctai.stop.present',
  title: 'A successful stream ends with a stop packet (event "stop")',
  severity: 'error',
  basis: 'doc',
  source: at('流式应答 (分包的最后一个包为结束包)'),
  scopes: ['stream'],
  create: (_context, report) => {
    let stopSeen = false;
    let failed = false;
    let packets = 0;
    let eventStream = true;
    return {
      response(head) {
        eventStream = mediaType(head.headers['content-type']) === 'text/event-stream';
      },
      frame(frame) {
        const packet = packetOf(frame);
        if (packet === undefined) return;
        packets++;
        if (packet.ret !== undefined && !isSuccess(packet)) failed = true;
        if (packet.data?.['event'] === 'stop') stopSeen = true;
      },
      end(end) {
        // An error packet may end a stream: the document's client treats it as the answer. A body
        // that is no event stream at all is ctai.stream.content-type's finding.
        if (stopSeen || failed || (packets === 0 && !eventStream)) return;
        const how = end.type === 'closed' ? 'the server closed the stream' : `the stream ended (${end.type})`;
        report({ at: 'end', end, message: `${how} after ${packets} packet(s) without a stop packet`, expected: 'a last packet with data.event "stop"', actual: 'none' });
      },
    };
  },
});

// Could a legal server fail this? None: one stop packet, last, is the document's rule; a second one or a
// packet after it is what it forbids.
export const stopLast = defineRule({
  id: 'ctai.stop.last',
  title: 'Nothing follows the stop packet: it is the one and last packet with event "stop"',
  severity: 'error',
  basis: 'doc',
  source: at('流式应答 (分包的最后一个包为结束包)'),
  scopes: ['stream'],
  create: (_context, report) => {
    let stopAt: number | undefined;
    return {
      frame(frame) {
        if (stopAt !== undefined) {
          const again = isStopPacket(frame) ? 'a second stop packet' : 'a packet';
          report({ at: 'frame', frame, pointer: '', message: `${again} after the stop packet (frame ${stopAt})`, expected: 'no frame after the stop packet', actual: show(frameText(frame)) });
          return;
        }
        if (isStopPacket(frame)) stopAt = frame.index;
      },
    };
  },
});

// Could a legal server fail this? The document's formatted example shows text in a stop packet; it only
// illustrates the fields, and the rule text (结束包不包含任何实际 answer 内容) is normative (digest).
export const stopHasNoText = defineRule({
  id: 'ctai.stop.no-text',
  title: 'The stop packet carries no answer text (answer_text "")',
  severity: 'error',
  basis: 'doc',
  source: at('流式应答 (结束包不包含任何实际 answer 内容)'),
  scopes: ['stream'],
  create: (_context, report) => ({
    frame(frame) {
      const data = packetOf(frame)?.data;
      if (data?.['event'] !== 'stop') return;
      const text = data['answer_text'];
      if (text === undefined || text === '') return;
      report({ at: 'frame', frame, pointer: '/data/answer_text', message: 'the stop packet carries answer text', expected: '""', actual: show(text) });
    },
  }),
});

/** The identity of a cited document: its id field when it has one, else the whole item. */
function citationKey(item: unknown): string {
  if (isRecord(item)) {
    for (const key of ['doc_id', 'ctdoc_id', 'id']) {
      const value = item[key];
      if (typeof value === 'string' || typeof value === 'number') return `${key}:${value}`;
    }
  }
  return JSON.stringify(item) ?? String(item);
}

const MAX_TRACKED_CITATIONS = 10_000;

export const stopCitesAll = defineRule({
  id: 'ctai.stop.cites-all',
  title: "The stop packet's ref_doc_list holds every document a middle packet cited",
  severity: 'warn',
  basis: 'inferred',
  source: at('流式应答 (结束包中包含了本次 query 的整体 answer 的全部引文的文档列表)'),
  scopes: ['stream'],
  create: (_context, report) => {
    const cited = new Map<string, unknown>();
    return {
      frame(frame) {
        const data = packetOf(frame)?.data;
        const list = data?.['ref_doc_list'];
        if (!Array.isArray(list)) return;
        if (data?.['event'] !== 'stop') {
          for (const item of list) if (cited.size < MAX_TRACKED_CITATIONS) cited.set(citationKey(item), item);
          return;
        }
        const final = new Set(list.map(citationKey));
        const missing = [...cited].filter(([key]) => !final.has(key)).map(([, item]) => item);
        if (missing.length > 0) {
          report({ at: 'frame', frame, pointer: '/data/ref_doc_list', message: `${missing.length} document(s) cited by middle packets are missing from the stop packet`, expected: `also ${show(missing)}`, actual: show(list) });
        }
      },
    };
  },
});

// Could a legal server fail this? One that closes a moment late: it has --close-grace (2 s by default) after
// the stop packet.
export const closeAfterStop = closedAfterRule(
  {
    id: 'ctai.close.after-stop',
    title: 'The server closes the connection once the stop packet is sent',
    severity: 'error',
    basis: 'doc',
    source: at('流式应答 (所有分包送出完毕之后会主动关闭连接)'),
    scopes: ['stream'],
  },
  isStopPacket,
  'the stop packet',
);

export const answerSucceeded = defineRule({
  id: 'ctai.answer.succeeded',
  title: 'A valid question gets an answer, not an error (ret "0")',
  severity: 'warn',
  basis: 'inferred',
  source: at('应答示例 (field table: ret)'),
  scopes: ['stream', 'answer'],
  create: (_context, report) => {
    let reported = false;
    return {
      frame(frame) {
        const packet = packetOf(frame);
        if (reported || packet === undefined || typeof packet.ret !== 'string' || isSuccess(packet)) return;
        reported = true;
        report({ at: 'frame', frame, pointer: '/ret', message: `a valid question was answered with an error: ${show(packet.msg)}`, expected: '"0"', actual: show(packet.ret) });
      },
    };
  },
});

// ---- non-streaming answer ---------------------------------------------------------------------

export const answerContentType = contentTypeRule(
  {
    id: 'ctai.answer.content-type',
    title: 'A non-streaming answer is served as application/json',
    severity: 'warn',
    basis: 'inferred',
    source: at('应答 Header (the non-streaming answer is JSON)'),
    scopes: ['answer'],
  },
  'application/json',
);

// Could a legal server fail this? None: a JSON body of any formatting passes; only a body that is not JSON
// fails.
export const answerJson = jsonFrameRule({
  id: 'ctai.answer.json',
  title: 'A non-streaming answer is one JSON object',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数 (stream: 默认是非流式) and 注意 (only the streaming answer is not JSON)'),
  scopes: ['answer'],
});

// Could a legal server fail this? None: the document's stream "0" (the default) is the non-streaming answer.
export const answerSingle = singleBodyRule({
  id: 'ctai.answer.single',
  title: 'A non-streaming request (stream "0" or absent) is answered with one JSON body, not an event stream',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数 (stream: 默认是非流式, 0: 否)'),
  scopes: ['answer'],
});

const isEnvelopePointer = (pointer: string): boolean => pointer === '' || pointer === '/ret' || pointer === '/msg' || pointer === '/data';

// Could a legal server fail this? One whose non-streaming answer has no ret: the table documents ret for
// every answer. msg may be absent.
export const answerEnvelope = frameSchemaRule(
  {
    id: 'ctai.answer.envelope',
    title: 'A non-streaming answer has the ret / msg / data envelope with string ret and msg',
    severity: 'error',
    basis: 'doc',
    source: at('应答示例 (field table: ret, msg, data)'),
    scopes: ['answer'],
  },
  'urn:chatwire:ctai:answer',
  { pointers: isEnvelopePointer },
);

export const answerShape = frameSchemaRule(
  {
    id: 'ctai.answer.shape',
    title: "A non-streaming answer's data has the fields the streaming packets share with it",
    severity: 'warn',
    basis: 'inferred',
    source: at('应答示例 (field table: "与非流式应答的同名参数一致")'),
    scopes: ['answer'],
  },
  'urn:chatwire:ctai:answer',
  { pointers: (pointer) => !isEnvelopePointer(pointer) },
);

// ---- a request the document forbids -----------------------------------------------------------

// Could a legal server fail this? None with the suite's refusal cases: each uses a value no reading allows
// (see legalServers in suites/ctai.json); a 4xx or an error envelope both count, a 404 or 405 does not.
export const inputRefused = refusalRule(
  {
    id: 'ctai.input.refused',
    title: 'A request the document forbids is refused: HTTP 4xx, or ret other than "0" with a msg',
    severity: 'error',
    basis: 'doc',
    source: at('请求参数 (field table)'),
  },
  {
    status: (status) => status >= 400 && status < 500,
    refuses: (frame) => {
      const packet = packetOf(frame);
      return packet !== undefined && typeof packet.ret === 'string' && !isSuccess(packet) && typeof packet.msg === 'string' && packet.msg !== '';
    },
    delivers: (frame) => {
      const packet = packetOf(frame);
      return packet !== undefined && isSuccess(packet) && packet.data !== undefined ? `an answer: ${show(frameText(frame))}` : undefined;
    },
    expected: 'HTTP 4xx, or ret other than "0" with a msg',
  },
);

// ---- the client's request (judged by the mock) ------------------------------------------------

export const requestJson = requestJsonRule({
  id: 'ctai.request.json',
  title: 'The request body is a JSON object',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数'),
  scopes: ['request'],
});

export const requestShape = requestSchemaRule(
  {
    id: 'ctai.request.shape',
    title: 'The request has the documented fields, all strings, within their allowed values (schemas/ctai/request.schema.json)',
    severity: 'error',
    basis: 'doc',
    source: at('请求参数 (field table)'),
    scopes: ['request'],
  },
  'urn:chatwire:ctai:request',
);

export const requestAccept = defineRule({
  id: 'ctai.request.accept',
  title: 'A streaming request does not send Accept: application/json',
  severity: 'error',
  basis: 'doc',
  source: at('注意 (发起请求时不能添加accept为json的header)'),
  scopes: ['request'],
  create: (context, report) => ({
    end() {
      const body = context.requestJson;
      if (!isRecord(body) || body['stream'] !== '1') return;
      const accept = Object.entries(context.request.headers).find(([name]) => name.toLowerCase() === 'accept')?.[1];
      if (accept === undefined || !/application\/json/i.test(accept)) return;
      report({ at: 'request', pointer: '', message: 'a streaming request asks for JSON with its Accept header; the answer is text/event-stream', expected: 'no Accept: application/json', actual: `Accept: ${accept}` });
    },
  }),
});

export const ctaiRules: readonly Rule[] = [
  streamContentType,
  streamStatus,
  packetJson,
  packetShape,
  msgEmptyOnSuccess,
  msgExplainsFailure,
  msgIdUnique,
  msgSnSequence,
  sseIdIsMsgId,
  stopPresent,
  stopLast,
  stopHasNoText,
  stopCitesAll,
  closeAfterStop,
  answerSucceeded,
  answerContentType,
  answerJson,
  answerSingle,
  answerEnvelope,
  answerShape,
  inputRefused,
  ...ctaiScopeRules,
  requestJson,
  requestShape,
  requestAccept,
];

