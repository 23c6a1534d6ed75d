/**
 * pocketqa rules on what an answer says of its question: its room, and the received object of the
 * stop event (clue, alter, history, the request echoed).
 */
import { show } from '../../../core/engine.js';
import { defineRule, type ExchangeContext } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { reportFrameProblems } from '../../../core/kit.js';
import { answerDataRule, answerEvent, at, dataOf, isStop, payloadOf } from './read.js';

function roomSent(context: ExchangeContext): string | undefined {
  const room = payloadOf(context.requestJson)?.['room'];
  return typeof room === 'string' && room !== '' ? room : undefined;
}

// Could a legal server fail this? One that rewrites the room id (a prefix): the field means the same room in
// both directions.
export const roomEcho = defineRule({
  id: 'pocketqa.room.echo',
  title: "The answer's room is the room the client sent",
  severity: 'error',
  basis: 'doc',
  source: at('监听事件 and 发送事件 (room: 聊天室id, in both directions)'),
  scopes: ['stream'],
  create: (context, report) => {
    const expected = answerEvent(context);
    const sent = roomSent(context);
    let reported = false;
    return {
      frame(frame) {
        const data = dataOf(frame, expected);
        if (sent === undefined || data === undefined || reported || data['room'] === sent) return;
        reported = true;
        report({
          at: 'frame',
          frame,
          pointer: '/data/room',
          message: 'the answer names another room than the one asked in',
          expected: show(sent),
          actual: show(data['room']),
        });
      },
    };
  },
});

export const roomDefault = defineRule({
  id: 'pocketqa.room.default',
  title: "Without a room, the answer's room is the socket's id",
  severity: 'warn',
  basis: 'inferred',
  source: at('发送事件(response) (the example answers with the socket id as room)'),
  scopes: ['stream'],
  create: (context, report) => {
    const expected = answerEvent(context);
    let reported = false;
    return {
      frame(frame) {
        const data = dataOf(frame, expected);
        if (roomSent(context) !== undefined || context.connectionId === undefined || data === undefined || reported || data['room'] === context.connectionId)
          return;
        reported = true;
        report({
          at: 'frame',
          frame,
          pointer: '/data/room',
          message: "without a room, the answer's room is not the socket id",
          expected: show(context.connectionId),
          actual: show(data['room']),
        });
      },
    };
  },
});

// Could a legal server fail this? One with no knowledge-base hit that sends clue: null: the table names clue
// and alter in received; an empty list passes.
export const receivedClueAlter = answerDataRule(
  {
    id: 'pocketqa.received.clue-alter',
    title: "The stop event's received carries clue (data: a list of strings) and alter (a list of strings)",
    severity: 'error',
    basis: 'doc',
    source: at('发送事件(response) (received: 其他包装字段,包括clue、alter)'),
  },
  (data, frame, report) => {
    if (!isStop(frame)) return;
    const received = data['received'];
    if (!isRecord(received)) {
      report({
        at: 'frame',
        frame,
        pointer: '/data/received',
        message: 'the stop event has no received object',
        expected: 'received with clue and alter',
        actual: show(received),
      });
      return;
    }
    reportFrameProblems(report, frame, 'https://chatwire.dev/schemas/pocketqa/answer.json#/$defs/received', received, {
      pointerPrefix: '/data/received',
      skip: (pointer) => !/^\/(clue|alter)(\/|$)/.test(pointer),
    });
    const missing = ['clue', 'alter'].filter((field) => received[field] === undefined);
    if (missing.length > 0)
      report({
        at: 'frame',
        frame,
        pointer: `/data/received/${missing[0] ?? ''}`,
        message: `received has no ${missing.join(' and ')}`,
        expected: 'clue and alter',
        actual: show(Object.keys(received)),
      });
  },
);

export const receivedHistory = answerDataRule(
  {
    id: 'pocketqa.received.history',
    title: 'received.history, when present, is a list of [question, answer] string pairs',
    severity: 'warn',
    basis: 'inferred',
    source: at('发送事件(response) (example: history)'),
  },
  (data, frame, report) => {
    const received = data['received'];
    if (!isRecord(received) || !('history' in received)) return;
    reportFrameProblems(
      report,
      frame,
      'https://chatwire.dev/schemas/pocketqa/answer.json#/$defs/received',
      { history: received['history'] },
      { pointerPrefix: '/data/received' },
    );
  },
);

export const receivedEcho = answerDataRule(
  {
    id: 'pocketqa.received.echo',
    title: 'received echoes the request (text, sid, room, dialogue, upload_id) with prompt and history; text may be normalised',
    severity: 'warn',
    basis: 'inferred',
    source: at('发送事件(response) (example: received)'),
  },
  (data, frame, report) => {
    const received = data['received'];
    if (!isRecord(received) || !isStop(frame)) return;
    const missing = ['text', 'sid', 'room', 'dialogue', 'upload_id', 'prompt', 'history'].filter((field) => received[field] === undefined);
    if (missing.length === 0) return;
    report({
      at: 'frame',
      frame,
      pointer: '/data/received',
      message: `received has no ${missing.join(', ')}`,
      expected: 'text, sid, room, dialogue, upload_id, prompt, history',
      actual: show(Object.keys(received)),
    });
  },
);
