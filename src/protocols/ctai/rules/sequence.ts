/**
 * ctai rules on the order of a streaming answer's packets: msg_id never repeats, msg_sn counts up from
 * "0", one stop packet ends the stream, carrying no text and every citation, and the server closes then.
 */
import { show } from '../../../core/engine.js';
import { frameText } from '../../../core/exchange.js';
import { closedAfterRule, mediaType, remember } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { IdSet } from '../../../core/id-set.js';
import { isRecord } from '../../../core/schemas.js';
import { at, isStopPacket, isSuccess, packetOf, sequenceNumber } from './read.js';

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
    const seen = remember(
      context,
      'ctai.msg_id',
      () => new IdSet(),
      (value) => value instanceof IdSet,
    );
    return {
      frame(frame) {
        const id = packetOf(frame)?.data?.['msg_id'];
        if (typeof id !== 'string' || seen.size >= MAX_TRACKED_IDS) return;
        if (!seen.add(id)) {
          report({
            at: 'frame',
            frame,
            pointer: '/data/msg_id',
            message: `msg_id "${id}" was already used by an earlier packet (of this answer or an earlier one)`,
            expected: 'an id no earlier packet used',
            actual: show(id),
          });
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
        // ret 0 as a number is still an answer packet (ctai.packet.shape reports the type): it counts.
        if (packet?.data === undefined || (!isSuccess(packet) && packet.ret !== 0)) return;
        const value = packet.data['msg_sn'];
        const sn = sequenceNumber(value);
        if (sn === undefined) return; // not a number at all: packet.shape reports it
        if (sn !== expected) {
          const what =
            expected === 0
              ? 'the first packet must be "0"'
              : sn < expected
                ? 'a repeated or backward msg_sn'
                : `a gap: msg_sn ${expected}${sn - expected > 1 ? `–${sn - 1}` : ''} never came`;
          report({ at: 'frame', frame, pointer: '/data/msg_sn', message: what, expected: `"${expected}"`, actual: show(value) });
        }
        expected = sn + 1;
      },
    };
  },
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
        report({
          at: 'end',
          end,
          message: `${how} after ${packets} packet(s) without a stop packet`,
          expected: 'a last packet with data.event "stop"',
          actual: 'none',
        });
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
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: `${again} after the stop packet (frame ${stopAt})`,
            expected: 'no frame after the stop packet',
            actual: show(frameText(frame)),
          });
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
          report({
            at: 'frame',
            frame,
            pointer: '/data/ref_doc_list',
            message: `${missing.length} document(s) cited by middle packets are missing from the stop packet`,
            expected: `also ${show(missing)}`,
            actual: show(list),
          });
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
