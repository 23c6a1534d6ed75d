import { describe, expect, it } from 'vitest';
import ctai from '../src/protocols/ctai/index.js';
import type { Scope } from '../src/core/rule.js';
import { check, ruleIds, sseEvent, type CheckOptions } from './helpers.js';
import { keepBreak, trials } from './keep-break.js';

type Extra = Record<string, unknown>;

function packet(sn: number, text: string, event = '', extra: Extra = {}, id = `m-${sn}`): Extra {
  return { ret: '0', msg: '', data: { msg_id: id, msg_sn: String(sn), event, answer_text: text, ...extra } };
}

/** Packets as the document streams them: an id: line equal to msg_id, one data: line each. */
function stream(...packets: Extra[]): string {
  return packets
    .map((p) => {
      const data = p['data'] as Extra | undefined;
      return sseEvent(p, typeof data?.['msg_id'] === 'string' ? { id: data['msg_id'] } : {});
    })
    .join('');
}

const good = stream(packet(0, '你'), packet(1, '好'), packet(2, '', 'stop', { ref_doc_list: [], follow_up_list: [] }));
const okAnswer = JSON.stringify({ ret: '0', msg: '', data: { answer_text: '你好', ref_doc_list: [], follow_up_list: [], extend_info: {} } });
const streamRequest = (fields: Extra = {}): Extra => ({ query_text: 'q', stream: '1', ...fields });
/** A streamed answer citing these documents in a middle packet and in the stop packet. */
const citing = (...ids: string[]): string => {
  const refs = ids.map((id) => ({ doc_id: id, title: id.toUpperCase() }));
  return stream(packet(0, '你', '', { ref_doc_list: refs }), packet(1, '', 'stop', { ref_doc_list: refs, follow_up_list: [] }));
};
const eventStreamHead: CheckOptions['head'] = { headers: { 'content-type': 'text/event-stream' } };

interface Case {
  readonly scope: Scope;
  readonly body: string;
  readonly options?: CheckOptions;
}

/** For every rule: inputs that keep it and inputs that break it. */
const table: Record<string, { keeps: Case[]; breaks: Case[] }> = {
  'ctai.stream.content-type': {
    keeps: [{ scope: 'stream', body: good, options: { head: { headers: { 'content-type': 'text/event-stream; charset=utf-8' } } } }],
    breaks: [
      { scope: 'stream', body: good, options: { head: { headers: { 'content-type': 'application/json' } } } },
      { scope: 'stream', body: good, options: { head: { headers: { 'content-type': 'text/plain' } } } },
    ],
  },
  'ctai.stream.status': {
    keeps: [{ scope: 'stream', body: good }],
    breaks: [{ scope: 'stream', body: good, options: { head: { status: 202 } } }],
  },
  'ctai.packet.json': {
    keeps: [{ scope: 'stream', body: good }],
    breaks: [{ scope: 'stream', body: stream(packet(0, '你')) + sseEvent('{"ret":"0","data":{') + stream(packet(1, '', 'stop')) }],
  },
  'ctai.packet.shape': {
    keeps: [
      { scope: 'stream', body: good },
      // The document's own example leaves out msg, lists and extend_info; extra fields are allowed.
      {
        scope: 'stream',
        body: stream(
          { ret: '0', data: { msg_id: 'a', msg_sn: '0', event: '', answer_text: 'x', vendor: 1 } },
          { ret: '0', data: { msg_id: 'b', msg_sn: '1', event: 'stop', answer_text: '' } },
        ),
      },
    ],
    breaks: [
      { scope: 'stream', body: stream({ ret: '0', data: { msg_id: 'a', msg_sn: 0, event: '', answer_text: 'x' } }, packet(1, '', 'stop')) },
      { scope: 'stream', body: stream({ ret: 0, msg: '', data: { msg_id: 'a', msg_sn: '0', event: '', answer_text: 'x' } }, packet(1, '', 'stop')) },
      { scope: 'stream', body: stream({ ret: '0', data: { msg_id: 'a', msg_sn: '0', event: 'done', answer_text: 'x' } }, packet(1, '', 'stop')) },
      { scope: 'stream', body: stream(packet(0, 'x', '', { ref_doc_list: {} }), packet(1, '', 'stop')) },
      { scope: 'stream', body: stream({ ret: '0', data: { msg_id: 'a', msg_sn: '0', event: '' } }, packet(1, '', 'stop')) },
      // The table types extend_info as a JSON object.
      { scope: 'stream', body: stream(packet(0, 'x', '', { extend_info: [] }), packet(1, '', 'stop')) },
    ],
  },
  'ctai.packet.example-fields': {
    keeps: [
      { scope: 'stream', body: good },
      {
        scope: 'stream',
        body: stream(
          packet(0, 'x'),
          packet(1, '', 'stop', { illegal_status: '0', extend_info: { ialgo_extend_info: { doc_score: [{ doc_id: 'd', score: '1.2' }] } } }),
        ),
      },
    ],
    breaks: [
      { scope: 'stream', body: stream(packet(0, 'x'), packet(1, '', 'stop', { illegal_status: 0 })) },
      {
        scope: 'stream',
        body: stream(packet(0, 'x'), packet(1, '', 'stop', { extend_info: { ialgo_extend_info: { doc_score: [{ doc_id: 'd', score: 1.2 }] } } })),
      },
    ],
  },
  'ctai.msg.empty-on-success': {
    keeps: [
      { scope: 'stream', body: good },
      { scope: 'answer', body: okAnswer },
    ],
    breaks: [
      { scope: 'stream', body: stream({ ...packet(0, 'x'), msg: 'success' }, packet(1, '', 'stop')) },
      { scope: 'answer', body: JSON.stringify({ ret: '0', msg: 'ok', data: { answer_text: 'x' } }) },
    ],
  },
  'ctai.msg.explains-failure': {
    keeps: [{ scope: 'stream', body: sseEvent({ ret: '10021', msg: 'not ready' }) }],
    breaks: [
      { scope: 'stream', body: sseEvent({ ret: '10021', msg: '' }) },
      { scope: 'answer', body: JSON.stringify({ ret: '500' }) },
    ],
  },
  'ctai.msg.failure-carries-no-answer': {
    keeps: [
      { scope: 'stream', body: good },
      { scope: 'stream', body: sseEvent({ ret: '10021', msg: 'not ready' }) },
      // A failure after part of the answer, in a packet of its own.
      {
        scope: 'stream',
        body: stream(packet(0, '你'), { ret: '500', msg: 'model failed', data: { msg_id: 'e', msg_sn: '1', event: 'stop', answer_text: '' } }),
      },
      // One failure packet with a word of apology: the document says nothing of a failure's data.
      { scope: 'stream', body: sseEvent({ ret: '1001', msg: '内容违规', data: { msg_id: 'e', msg_sn: '0', event: 'stop', answer_text: '抱歉，无法回答' } }) },
    ],
    breaks: [
      // Success labelled as an HTTP code: the document's client shows "success" as an error and drops the words.
      {
        scope: 'stream',
        body: stream(
          { ret: '200', msg: 'success', data: { msg_id: 'a', msg_sn: '0', event: '', answer_text: '你' } },
          { ret: '200', msg: 'success', data: { msg_id: 'b', msg_sn: '1', event: '', answer_text: '好' } },
          { ret: '200', msg: 'success', data: { msg_id: 'c', msg_sn: '2', event: 'stop', answer_text: '' } },
        ),
      },
    ],
  },
  'ctai.msg_id.unique': {
    keeps: [{ scope: 'stream', body: good }],
    breaks: [{ scope: 'stream', body: stream(packet(0, '你', '', {}, 'same'), packet(1, '好', '', {}, 'same'), packet(2, '', 'stop')) }],
  },
  'ctai.msg_sn.sequence': {
    // ret as the number 0 in one packet is ctai.packet.shape's finding; its msg_sn still counts, so no gap.
    keeps: [
      { scope: 'stream', body: good },
      { scope: 'stream', body: stream(packet(0, '你'), { ...packet(1, '好'), ret: 0 }, packet(2, '', 'stop')) },
    ],
    breaks: [
      { scope: 'stream', body: stream(packet(1, '你'), packet(2, '', 'stop')) },
      { scope: 'stream', body: stream(packet(0, '你'), packet(2, '好'), packet(3, '', 'stop')) },
      { scope: 'stream', body: stream(packet(0, '你'), packet(1, '好'), packet(1, '!', '', {}, 'm-1b'), packet(2, '', 'stop')) },
    ],
  },
  'ctai.sse.id': {
    keeps: [{ scope: 'stream', body: good }],
    breaks: [
      { scope: 'stream', body: sseEvent(packet(0, '你')) + sseEvent(packet(1, '', 'stop')) },
      { scope: 'stream', body: sseEvent(packet(0, '你'), { id: 'other' }) + stream(packet(1, '', 'stop')) },
    ],
  },
  'ctai.stop.present': {
    keeps: [
      { scope: 'stream', body: good },
      // An error packet may end the stream on its own.
      { scope: 'stream', body: sseEvent({ ret: '10021', msg: 'not ready' }) },
    ],
    breaks: [
      { scope: 'stream', body: stream(packet(0, '你'), packet(1, '好')) },
      { scope: 'stream', body: '' },
    ],
  },
  'ctai.stop.last': {
    keeps: [{ scope: 'stream', body: good }],
    breaks: [
      { scope: 'stream', body: stream(packet(0, '你'), packet(1, '', 'stop'), packet(2, '好')) },
      { scope: 'stream', body: stream(packet(0, '你'), packet(1, '', 'stop'), packet(2, '', 'stop')) },
    ],
  },
  'ctai.stop.no-text': {
    keeps: [{ scope: 'stream', body: good }],
    breaks: [{ scope: 'stream', body: stream(packet(0, '你'), packet(1, '好', 'stop')) }],
  },
  'ctai.stop.cites-all': {
    keeps: [
      {
        scope: 'stream',
        body: stream(
          packet(0, '你', '', { ref_doc_list: [{ doc_id: 'a', title: 'A' }] }),
          packet(1, '', 'stop', { ref_doc_list: [{ doc_id: 'a', title: 'A', page: 3 }] }),
        ),
      },
    ],
    breaks: [
      { scope: 'stream', body: stream(packet(0, '你', '', { ref_doc_list: [{ doc_id: 'a' }] }), packet(1, '', 'stop', { ref_doc_list: [{ doc_id: 'b' }] })) },
    ],
  },
  'ctai.close.after-stop': {
    keeps: [{ scope: 'stream', body: good }],
    breaks: [
      { scope: 'stream', body: good, options: { end: { type: 'held-open', atMs: 1000, graceMs: 1000 } } },
      { scope: 'stream', body: good, options: { end: { type: 'timeout', atMs: 5000, limitMs: 5000, limit: 'exchange' } } },
    ],
  },
  'ctai.answer.succeeded': {
    keeps: [
      { scope: 'stream', body: good },
      { scope: 'answer', body: okAnswer },
    ],
    breaks: [
      { scope: 'stream', body: sseEvent({ ret: '10021', msg: 'not ready' }) },
      { scope: 'answer', body: JSON.stringify({ ret: '10021', msg: 'not ready' }) },
    ],
  },
  'ctai.answer.content-type': {
    keeps: [{ scope: 'answer', body: okAnswer, options: { head: { headers: { 'content-type': 'application/json;charset=UTF-8' } } } }],
    breaks: [{ scope: 'answer', body: okAnswer, options: { head: { headers: { 'content-type': 'text/html' } } } }],
  },
  'ctai.answer.json': {
    keeps: [{ scope: 'answer', body: okAnswer }],
    breaks: [{ scope: 'answer', body: '<html>502 Bad Gateway</html>' }],
  },
  'ctai.answer.envelope': {
    keeps: [{ scope: 'answer', body: okAnswer }],
    breaks: [
      { scope: 'answer', body: JSON.stringify({ ret: 0, msg: '', data: { answer_text: 'x' } }) },
      { scope: 'answer', body: JSON.stringify({ ret: '0', msg: '' }) },
      { scope: 'answer', body: JSON.stringify([okAnswer]) },
    ],
  },
  'ctai.answer.shape': {
    keeps: [{ scope: 'answer', body: okAnswer }],
    breaks: [
      { scope: 'answer', body: JSON.stringify({ ret: '0', msg: '', data: { answer: 'x' } }) },
      { scope: 'answer', body: JSON.stringify({ ret: '0', msg: '', data: { answer_text: 'x', follow_up_list: 'none' } }) },
    ],
  },
  'ctai.answer.single': {
    keeps: [{ scope: 'answer', body: okAnswer }],
    // The server streamed although the request asked for stream "0" (or left it out).
    breaks: [{ scope: 'answer', body: good, options: { head: eventStreamHead } }],
  },
  'ctai.citation.scope': {
    keeps: [
      { scope: 'stream', body: citing('a'), options: { request: streamRequest({ ctdoc_id: 'a,b' }) } },
      // Ids are trimmed: "a, b" allows b.
      { scope: 'stream', body: citing('b'), options: { request: streamRequest({ ctdoc_id: 'a, b' }) } },
      // Without ctdoc_id any document may be cited.
      { scope: 'stream', body: citing('c'), options: { request: streamRequest() } },
    ],
    breaks: [
      { scope: 'stream', body: citing('a', 'c'), options: { request: streamRequest({ ctdoc_id: 'a,b' }) } },
      {
        scope: 'answer',
        body: JSON.stringify({ ret: '0', msg: '', data: { answer_text: '你好', ref_doc_list: [{ doc_id: 'c' }] } }),
        options: { request: { query_text: 'q', ctdoc_id: 'a,b' } },
      },
    ],
  },
  'ctai.citation.disabled': {
    keeps: [
      // Empty lists, or none at all, say "nothing" the same way.
      { scope: 'stream', body: good, options: { request: streamRequest({ enable_citation: '0', enable_followup: '0' }) } },
      {
        scope: 'stream',
        body: stream(packet(0, '你'), packet(1, '', 'stop')),
        options: { request: streamRequest({ enable_citation: '0', enable_followup: '0' }) },
      },
      { scope: 'stream', body: citing('a'), options: { request: streamRequest({ enable_citation: '1' }) } },
    ],
    breaks: [
      { scope: 'stream', body: citing('a'), options: { request: streamRequest({ enable_citation: '0' }) } },
      {
        scope: 'stream',
        body: stream(packet(0, '你'), packet(1, '', 'stop', { ref_doc_list: [], follow_up_list: ['还有什么?'] })),
        options: { request: streamRequest({ enable_followup: '0' }) },
      },
      {
        scope: 'answer',
        body: JSON.stringify({ ret: '0', msg: '', data: { answer_text: '你好', follow_up_list: ['还有什么?'] } }),
        options: { request: { query_text: 'q', enable_followup: '0' } },
      },
    ],
  },
  'ctai.error.shape': {
    keeps: [
      { scope: 'refusal', body: JSON.stringify({ ret: '400', msg: 'bad lang' }), options: { head: { status: 400 } } },
      { scope: 'refusal', body: sseEvent({ ret: '10001', msg: 'bad session_id' }), options: { head: eventStreamHead } },
      // Not JSON at all: ctai.input.refused judges it.
      { scope: 'refusal', body: 'Bad Request', options: { head: { status: 400, headers: { 'content-type': 'text/plain' } } } },
    ],
    breaks: [
      { scope: 'refusal', body: JSON.stringify({ code: 400, error: 'x' }), options: { head: { status: 400 } } },
      { scope: 'refusal', body: JSON.stringify({ ret: '400' }), options: { head: { status: 400 } } },
      { scope: 'refusal', body: sseEvent({ ret: 10001, msg: 'bad session_id' }), options: { head: eventStreamHead } },
      // The envelope, but a msg that does not say why.
      { scope: 'refusal', body: JSON.stringify({ ret: '40001', msg: '' }), options: { head: { status: 400 } } },
      // Refused by its status, yet ret "0": the envelope says success.
      {
        scope: 'refusal',
        body: JSON.stringify({ ret: '0', msg: 'lang must be one of zh_CN, en_US, ko_KR, ja_JP, th_TH' }),
        options: { head: { status: 400 } },
      },
    ],
  },
  'ctai.input.refused': {
    keeps: [
      { scope: 'refusal', body: JSON.stringify({ ret: '400', msg: 'session_id too long' }), options: { head: { status: 400 } } },
      { scope: 'refusal', body: JSON.stringify({ ret: '10001', msg: 'bad session_id' }) },
      { scope: 'refusal', body: 'Bad Request', options: { head: { status: 422, headers: { 'content-type': 'text/plain' } } } },
      { scope: 'refusal', body: sseEvent({ ret: '10001', msg: 'bad session_id' }), options: { head: { headers: { 'content-type': 'text/event-stream' } } } },
      // Refused, but without saying why: ctai.error.shape's finding, not this rule's.
      { scope: 'refusal', body: JSON.stringify({ ret: '10001', msg: '' }) },
    ],
    breaks: [
      { scope: 'refusal', body: okAnswer },
      { scope: 'refusal', body: 'Internal Server Error', options: { head: { status: 500, headers: { 'content-type': 'text/plain' } } } },
      { scope: 'refusal', body: good, options: { head: { headers: { 'content-type': 'text/event-stream' } } } },
    ],
  },
  'ctai.request.json': {
    keeps: [{ scope: 'request', body: '', options: { request: { query_text: 'q' } } }],
    breaks: [
      { scope: 'request', body: '', options: { requestBody: '{"query_text": "q",}' } },
      { scope: 'request', body: '', options: { requestBody: '' } },
    ],
  },
  'ctai.request.shape': {
    keeps: [
      { scope: 'request', body: '', options: { request: { query_text: 'q' } } },
      {
        scope: 'request',
        body: '',
        options: {
          request: {
            query_text: 'q',
            ctdoc_id: 'a,b',
            session_id: 'a'.repeat(64),
            enable_citation: '0',
            enable_followup: '1',
            enable_elaborate: '1',
            smart_temp: '10',
            lang: 'th_TH',
            context: 'c',
            stream: '1',
            category: 'tpl_chat',
            ctprofile_id: 'writer',
          },
        },
      },
    ],
    breaks: [
      { scope: 'request', body: '', options: { request: { query_text: 'q', session_id: 'a'.repeat(65) } } },
      { scope: 'request', body: '', options: { request: { query_text: 'q', session_id: 'a/b' } } },
      // 会话 is 6 bytes but 2 characters: the limit and the alphabet are about bytes.
      { scope: 'request', body: '', options: { request: { query_text: 'q', session_id: '会话' } } },
      { scope: 'request', body: '', options: { request: { query_text: 'q', smart_temp: '11' } } },
      { scope: 'request', body: '', options: { request: { query_text: 'q', smart_temp: 5 } } },
      { scope: 'request', body: '', options: { request: { query_text: 'q', lang: 'en' } } },
      { scope: 'request', body: '', options: { request: { query_text: 'q', enable_citation: '2' } } },
      { scope: 'request', body: '', options: { request: { query_text: 'q', stream: true } } },
      { scope: 'request', body: '', options: { request: { query_text: 'q', category: 'chat' } } },
      { scope: 'request', body: '', options: { request: { session_id: 's' } } },
    ],
  },
  'ctai.request.accept': {
    keeps: [
      { scope: 'request', body: '', options: { request: { query_text: 'q', stream: '1' }, requestHeaders: { accept: 'text/event-stream' } } },
      { scope: 'request', body: '', options: { request: { query_text: 'q', stream: '0' }, requestHeaders: { accept: 'application/json' } } },
      // JSON listed with q=0 is declined, not asked for.
      {
        scope: 'request',
        body: '',
        options: { request: { query_text: 'q', stream: '1' }, requestHeaders: { accept: 'text/event-stream, application/json;q=0' } },
      },
      {
        scope: 'request',
        body: '',
        options: { request: { query_text: 'q', stream: '1' }, requestHeaders: { accept: 'text/event-stream, application/json; q=0.0' } },
      },
    ],
    breaks: [
      { scope: 'request', body: '', options: { request: { query_text: 'q', stream: '1' }, requestHeaders: { Accept: 'application/json, text/plain' } } },
      {
        scope: 'request',
        body: '',
        options: { request: { query_text: 'q', stream: '1' }, requestHeaders: { accept: 'text/event-stream, Application/JSON;q=0.5' } },
      },
    ],
  },
  'http.response.complete': {
    keeps: [{ scope: 'stream', body: good }],
    breaks: [
      { scope: 'stream', body: good, options: { end: { type: 'timeout', atMs: 100, limitMs: 100, limit: 'exchange' } } },
      { scope: 'stream', body: good, options: { end: { type: 'broken', atMs: 5, message: 'socket hang up' } } },
      { scope: 'answer', body: okAnswer, options: { end: { type: 'byte-limit', atMs: 5, limit: 10 } } },
    ],
  },
};

describe('ctai rules', () => {
  keepBreak(
    ctai,
    trials(table, (c) => check(ctai, c.scope, c.body, c.options)),
  );

  it('ctai.msg_id.unique: an id an earlier answer of the same case used is a repeat', async () => {
    const first = stream(packet(0, '你'), packet(1, '', 'stop'));
    const again = stream(packet(0, '好', '', {}, 'm-0'), packet(1, '', 'stop', {}, 'n-1'));
    const fresh = stream(packet(0, '好', '', {}, 'n-0'), packet(1, '', 'stop', {}, 'n-1'));
    const twice = async (second: string, options: CheckOptions) => {
      await check(ctai, 'stream', first, options);
      return ruleIds(await check(ctai, 'stream', second, options));
    };
    expect(await twice(again, { memory: new Map() })).toContain('ctai.msg_id.unique');
    expect(await twice(fresh, { memory: new Map() })).not.toContain('ctai.msg_id.unique');
    // Without a shared memory each answer stands alone.
    expect(await twice(again, {})).not.toContain('ctai.msg_id.unique');
  });

  it('passes the document example stream with no deviation at all', async () => {
    const example = [
      'id: test_id_1\ndata: {"ret":"0","data":{"msg_id":"test_id_1","msg_sn":"0","event":"","answer_text":"你"}}\n\n',
      'id: test_id_2\ndata: {"ret":"0","data":{"msg_id":"test_id_2","msg_sn":"1","event":"","answer_text":"好"}}\n\n',
      'id: test_id_3\ndata: {"ret":"0","data":{"msg_id":"test_id_3","msg_sn":"2","event":"stop","answer_text":""}}\n\n',
    ].join('');
    expect(await check(ctai, 'stream', example)).toEqual([]);
  });

  it('passes legal wire variations: CRLF, CR, comments, retry, split data lines, one-byte chunks', async () => {
    const crlf = good.replaceAll('\n', '\r\n');
    const cr = good.replaceAll('\n', '\r');
    const commented = `: ping\n\nretry: 1000\n\n${good.replace('data: ', ': note\ndata: ')}`;
    const split = good.replace('data: {"ret":"0",', 'data: {"ret":"0",\ndata: ');
    for (const body of [crlf, cr, commented, split]) expect(await check(ctai, 'stream', body)).toEqual([]);
    // Chunks of one byte cut every UTF-8 character of 你 and 好 in the middle.
    expect(await check(ctai, 'stream', good, { chunkBytes: 1 })).toEqual([]);
  });

  it('reports where: frame index, JSON pointer, expected, actual and a quote of the frame', async () => {
    const [deviation] = await check(ctai, 'stream', stream(packet(0, '你'), packet(2, '', 'stop')));
    expect(deviation).toMatchObject({
      type: 'frame',
      rule: 'ctai.msg_sn.sequence',
      severity: 'error',
      basis: 'doc',
      frame: 1,
      pointer: '/data/msg_sn',
      expected: '"1"',
      actual: '"2"',
      source: { doc: '002_cba551f1a5d093b7.txt' },
    });
    expect(deviation?.type === 'frame' && deviation.quote).toContain('"msg_sn":"2"');
  });

  it('keeps the report bounded when every packet deviates', async () => {
    const packets = Array.from({ length: 500 }, (_, i) => ({ ret: '0', msg: '', data: { msg_id: `m${i}`, msg_sn: i, event: '', answer_text: 'x' } }));
    const found = await check(ctai, 'stream', stream(...packets, packet(500, '', 'stop')));
    const shape = found.filter((d) => d.rule === 'ctai.packet.shape');
    expect(shape).toHaveLength(21);
    expect(shape.at(-1)).toMatchObject({ type: 'omitted', count: 480 });
  });

  it('marks inferred rules as warnings, never errors', () => {
    for (const rule of ctai.rules) if (rule.basis === 'inferred') expect(rule.severity, rule.id).toBe('warn');
  });
});
