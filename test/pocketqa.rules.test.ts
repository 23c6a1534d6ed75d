import { describe, expect, it } from 'vitest';
import pocketqa from '../src/protocols/pocketqa/index.js';
import { ExchangeCheck } from '../src/core/engine.js';
import type { SocketFrame, StreamEnd } from '../src/core/exchange.js';
import type { Deviation, Scope } from '../src/core/rule.js';
import { rulesFor } from '../src/suite/judge.js';
import { socketRules } from '../src/transports/socketio/rules.js';
import { ruleIds } from './helpers.js';
import { keepBreak, trials } from './keep-break.js';

type Event = readonly [event: string, payload: unknown, socket?: 'asker' | 'bystander', more?: readonly unknown[]];
const SID = 'dDV49Eg3sxnyjZz4AAAR';

interface Case {
  readonly events: readonly Event[];
  readonly emit?: string;
  readonly payload?: unknown;
  readonly scope?: Scope;
  /** Why the request must be refused; given for a refusal unless null. */
  readonly because?: string | null;
  readonly end?: StreamEnd;
}

function run({
  events,
  emit = 'CHAT_CS',
  payload = { text: '身份证丢了应该怎么办?', room: 'r1', upload_id: '' },
  scope = 'stream',
  because = 'the payload has no text',
  end = { type: 'closed', atMs: 10 },
}: Case): Deviation[] {
  const check = new ExchangeCheck(rulesFor(pocketqa, scope, socketRules), {
    because: scope === 'refusal' && because !== null ? because : undefined,
    request: { method: `EMIT ${emit}`, url: 'http://t.invalid', headers: {}, body: JSON.stringify(payload) },
    requestJson: payload,
    connectionId: SID,
    event: emit,
  });
  events.forEach(([event, value, socket = 'asker', more = []], index) => {
    const frame: SocketFrame = { type: 'socketio', index, atMs: index, event, socket, args: [value, ...more], json: { ok: true, value } };
    check.frame(frame);
  });
  return [...check.end(end)];
}

const received = {
  text: '身份证丢了应该怎么办',
  prompt: '材料',
  sid: SID,
  room: 'r1',
  dialogue: 'r1',
  upload_id: '',
  clue: { type: '知识库依据:', data: ['材料', '0.92'] },
  alter: ['如何补办'],
  history: [['你好', '您好']],
};
const part = (delta: unknown, room = 'r1', finish: unknown = null): Event => ['CHAT_SS', { data: { room, delta, finish_reason: finish } }];
const stop = (extra: Record<string, unknown> = {}, room = 'r1'): Event => [
  'CHAT_SS',
  { data: { room, delta: '', finish_reason: 'stop', received: { ...received, room, ...extra } } },
];
const good: Event[] = [part('根据规定，'), part('应当申请补发。'), stop()];

/** A payload the client emits, judged by the request rules alone. */
const emitted = (payload: unknown): Case => ({ events: [], scope: 'request', payload });

const table: Record<string, { keeps: Case[]; breaks: Case[] }> = {
  'pocketqa.request.shape': {
    keeps: [
      emitted({ text: 'q', upload_id: '' }),
      emitted(JSON.stringify({ text: 'q', sid: '1234567', upload_id: '' })),
      // "聊天室id,可为空": a Python client's None says "no room" as well as "" does.
      emitted({ text: 'q', room: null, upload_id: '' }),
      emitted({ text: 'q', room: 'r'.repeat(20), dialogue: 'd', upload_id: '' }),
      // dialogue and sid are untyped by the table: a Python client's None for either is no fault.
      emitted({ text: 'q', room: '12345', dialogue: null, sid: null, upload_id: '' }),
    ],
    breaks: [emitted({ room: 'r' }), emitted('not json {'), emitted({ text: 5 }), emitted({ text: 'q', dialogue: 67890 })],
  },
  'pocketqa.request.event': {
    keeps: [emitted({ text: 'q', upload_id: '' }), { ...emitted({ text: 'q', upload_id: '' }), emit: 'SUM_CS' }],
    breaks: [
      { ...emitted({ text: 'q', upload_id: '' }), emit: 'chat_cs' },
      { ...emitted({ text: 'q', upload_id: '' }), emit: 'FOO_CS' },
    ],
  },
  'pocketqa.answer.started': {
    keeps: [{ events: good }, { events: [], scope: 'refusal', end: { type: 'timeout', atMs: 1500, limitMs: 1500, limit: 'exchange' } }],
    breaks: [{ events: [], end: { type: 'timeout', atMs: 30_000, limitMs: 30_000, limit: 'exchange' } }],
  },
  'pocketqa.answer.event': {
    keeps: [
      { events: good },
      { events: [['SUM_SS', { data: { room: 'r1', delta: '', finish_reason: 'stop', received } }]], emit: 'SUM_CS' },
      // An event beside the answer is only pocketqa.event.extra's warning.
      { events: [['typing', { room: 'r1' }], ...good] },
    ],
    breaks: [
      { events: [['CHAT_RESPONSE', { data: { room: 'r1', delta: 'x', finish_reason: 'stop' } }]] },
      { events: [['chat_ss', { data: { room: 'r1', delta: 'x', finish_reason: 'stop' } }]] },
    ],
  },
  'pocketqa.event.extra': {
    keeps: [{ events: good }, { events: [['chat_ss', { data: { room: 'r1', delta: 'x', finish_reason: 'stop' } }]] }],
    breaks: [{ events: [['typing', { room: 'r1' }], ...good] }],
  },
  'pocketqa.answer.shape': {
    keeps: [
      { events: good },
      { events: [part('a'), ['CHAT_SS', { data: { room: 'r1', delta: '', finish_reason: 'stop', received: { clue: { data: [] }, alter: [] } } }]] },
      // A Python server keeping one dict: received None until the stop, echo fields None when not sent.
      {
        events: [
          ['CHAT_SS', { data: { room: 'r1', delta: 'a', finish_reason: null, received: null } }],
          ['CHAT_SS', { data: { room: 'r1', delta: '', finish_reason: 'stop', received: { ...received, sid: null, dialogue: null, prompt: null } } }],
        ],
      },
      // history and clue have rules of their own: their shapes are not this rule's to report.
      { events: [part('a'), stop({ history: [{ q: '你好', a: '您好' }] })] },
      // An acknowledgement the server asks for reaches a listener as a function after the data.
      { events: [['CHAT_SS', { data: { room: 'r1', delta: 'a', finish_reason: null } }, 'asker', [() => undefined]], stop()] },
    ],
    breaks: [
      { events: [['CHAT_SS', { delta: 'x' }]] },
      { events: [['CHAT_SS', { data: { room: 7, delta: 'x', finish_reason: 'stop' } }]] },
      { events: [['CHAT_SS', { data: { delta: 'x', finish_reason: 'stop' } }]] },
      // The answer as a JSON string of the object, not the object.
      { events: [['CHAT_SS', JSON.stringify({ data: { room: 'r1', delta: 'x', finish_reason: 'stop', received } })]] },
      // Two arguments: the document's client handler, receive_message(response), takes one.
      { events: [['CHAT_SS', { data: { room: 'r1', delta: 'a', finish_reason: null } }, 'asker', [{ seq: 1 }]], stop()] },
    ],
  },
  'pocketqa.delta.text': {
    keeps: [
      { events: good },
      // finish_reason absent until the stop, and a stop event with nothing left to say: both legal.
      {
        events: [
          ['CHAT_SS', { data: { room: 'r1', delta: '根据规定' } }],
          ['CHAT_SS', { data: { room: 'r1', finish_reason: 'stop', received } }],
        ],
      },
    ],
    breaks: [
      { events: [part(['根据']), stop()] },
      { events: [part(42), stop()] },
      { events: [part(null), stop()] },
      { events: [part('a'), ['CHAT_SS', { data: { room: 'r1', delta: null, finish_reason: 'stop', received } }]] },
      { events: [['CHAT_SS', { data: { room: 'r1', content: '根据规定', finish_reason: null } }], stop()] },
    ],
  },
  'pocketqa.stop.present': {
    keeps: [{ events: good }],
    breaks: [
      { events: [part('a'), part('b')], end: { type: 'timeout', atMs: 30_000, limitMs: 30_000, limit: 'exchange' } },
      { events: [part('a'), part('b', 'r1', 'length')] },
    ],
  },
  'pocketqa.stop.last': { keeps: [{ events: good }], breaks: [{ events: [part('a'), stop(), part('b')] }, { events: [stop(), stop()] }] },
  'pocketqa.finish.partial': {
    keeps: [{ events: good }, { events: [part('a', 'r1', ''), stop()] }],
    breaks: [{ events: [part('a', 'r1', 'running'), stop()] }],
  },
  'pocketqa.room.echo': { keeps: [{ events: good }], breaks: [{ events: [part('a', 'r2'), stop({}, 'r2')] }] },
  'pocketqa.room.default': {
    keeps: [{ events: [part('a', SID), stop({}, SID)], payload: { text: 'q', upload_id: '' } }, { events: [part('a', 'other'), stop({}, 'other')] }],
    breaks: [{ events: [part('a', 'lobby'), stop({}, 'lobby')], payload: { text: 'q', upload_id: '' } }],
  },
  'pocketqa.received.clue-alter': {
    // No evidence found: an empty clue (its type and data are the example's, not the field table's).
    keeps: [{ events: good }, { events: [part('a'), stop({ clue: {}, alter: [] })] }],
    breaks: [
      { events: [part('a'), stop({ clue: undefined, alter: undefined })] },
      { events: [part('a'), stop({ clue: { type: 't', data: ['a', 0.92] } })] },
      { events: [part('a'), stop({ alter: '如何补办' })] },
      { events: [part('a'), ['CHAT_SS', { data: { room: 'r1', delta: '', finish_reason: 'stop' } }]] },
    ],
  },
  'pocketqa.received.history': {
    keeps: [{ events: good }],
    breaks: [{ events: [part('a'), stop({ history: ['你好', '您好'] })] }, { events: [part('a'), stop({ history: [['你好']] })] }],
  },
  'pocketqa.received.echo': {
    keeps: [{ events: good }],
    breaks: [{ events: [part('a'), ['CHAT_SS', { data: { room: 'r1', delta: '', finish_reason: 'stop', received: { clue: received.clue, alter: [] } } }]] }],
  },
  'pocketqa.answer.private': {
    // The bystander's own greeting on connect is not the asker's answer.
    keeps: [{ events: good }, { events: [['connected', { data: { sid: 'other', msg: 'welcome' } }, 'bystander'], ...good] }],
    breaks: [
      { events: [part('a'), ['CHAT_SS', { data: { room: 'r1', delta: 'a', finish_reason: null } }, 'bystander'], stop()] },
      // Under another name, but carrying the asker's room.
      {
        events: [part('a', 'room-7'), ['update', { room: 'room-7', delta: 'a' }, 'bystander'], stop({}, 'room-7')],
        payload: { text: 'q', room: 'room-7', upload_id: '' },
      },
    ],
  },
  'socketio.connection.kept': {
    // A refused payload's socket is socketio.connection.kept-after-refusal's.
    keeps: [{ events: good }, { events: [], scope: 'refusal', end: { type: 'broken', atMs: 5, message: 'x' } }],
    breaks: [
      { events: [part('a')], end: { type: 'broken', atMs: 5, message: 'the server disconnected the socket (transport close)' } },
      { events: [], end: { type: 'frame-limit', atMs: 5, limit: 1 } },
      // A flood in answer to a bad payload is still unbounded.
      { events: [], scope: 'refusal', end: { type: 'frame-limit', atMs: 5, limit: 1 } },
      // A refusal that says no reason is judged as any exchange.
      { events: [], scope: 'refusal', because: null, end: { type: 'broken', atMs: 5, message: 'x' } },
    ],
  },
  'socketio.connection.kept-after-refusal': {
    keeps: [
      { events: [], scope: 'refusal', end: { type: 'timeout', atMs: 1, limitMs: 1, limit: 'exchange' } },
      { events: [], scope: 'refusal', end: { type: 'frame-limit', atMs: 5, limit: 1 } },
    ],
    breaks: [{ events: [], scope: 'refusal', end: { type: 'broken', atMs: 5, message: 'the server disconnected the socket (transport close)' } }],
  },
};

describe('pocketqa rules', () => {
  keepBreak(pocketqa, trials(table, run));

  it("passes the document's own example answer", () => {
    const example = {
      data: {
        room: SID,
        received: {
          text: '身份证丢了应该怎么办',
          prompt: '材料:特种设备',
          sid: SID,
          room: SID,
          dialogue: SID,
          upload_id: '',
          clue: { type: '知识库依据:', data: ['材料:特种设备作', '0.9247700572013855', '<small><i>(由语言模型自动生成)</i></small>'] },
          alter: ['特种设备作业人员证丢失了怎么办'],
          history: [['你好', '您好,欢迎您直接问我业务问题。']],
        },
        delta: '根据《中华人民共和国身份证法》…',
        finish_reason: 'stop',
      },
    };
    expect(run({ events: [['CHAT_SS', example]], payload: { text: '身份证丢了应该怎么办?', upload_id: '' } })).toEqual([]);
  });

  it('checks a client payload as an object and as a JSON string (pocketqa.request.shape)', () => {
    const requestCheck = (payload: unknown) =>
      ruleIds([
        ...new ExchangeCheck(rulesFor(pocketqa, 'request', []), {
          request: { method: 'EMIT CHAT_CS', url: 'http://t.invalid', headers: {}, body: undefined },
          requestJson: payload,
          event: 'CHAT_CS',
        }).end({ type: 'closed', atMs: 0 }),
      ]);
    expect(requestCheck({ text: 'q', upload_id: '' })).toEqual([]);
    expect(requestCheck(JSON.stringify({ text: 'q', sid: '1234567', upload_id: '' }))).toEqual([]);
    expect(requestCheck({ room: 'r' })).toEqual(['pocketqa.request.shape']);
    expect(requestCheck('not json {')).toEqual(['pocketqa.request.shape']);
    expect(requestCheck({ text: 5 })).toEqual(['pocketqa.request.shape']);
  });
});
