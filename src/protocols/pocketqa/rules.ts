/**
 * The pocketqa rules: document 001_6e6f726506b3aba0.txt (对话 socketio), digest section "pocketqa".
 * A question is one emitted CHAT_CS; its answer is the run of CHAT_SS events ending in
 * finish_reason "stop".
 */
import { show } from '../../core/engine.js';
import { frameText, type Frame, type SocketFrame } from '../../core/exchange.js';
import { defineRule, type ExchangeContext, type Finding, type Rule, type RuleMeta, type RuleSource } from '../../core/rule.js';
import { isRecord } from '../../core/schemas.js';
import { assertedRule, reportFrameProblems, reportRequestProblems } from '../../core/kit.js';

export const DOC = '001_6e6f726506b3aba0.txt';
const at = (section: string): RuleSource => ({ doc: DOC, section });

/** The payload of a CS event as sent: an object, or a JSON string of one. */
export function payloadOf(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return isRecord(value) ? value : undefined;
}

/** CHAT_CS is answered on CHAT_SS, SUM_CS on SUM_SS, and so on. */
export function answerEvent(context: ExchangeContext): string {
  const emitted = context.event ?? 'CHAT_CS';
  return emitted.replace(/_CS$/, '_SS');
}

const socketFrame = (frame: Frame): SocketFrame | undefined => (frame.type === 'socketio' ? frame : undefined);

/** The answer's `data` object, for frames of the answer event on the asking socket. */
function dataOf(frame: Frame, expected: string): Record<string, unknown> | undefined {
  const socket = socketFrame(frame);
  if (socket === undefined || socket.socket !== 'asker' || socket.event !== expected || !frame.json.ok || !isRecord(frame.json.value)) return undefined;
  const data = frame.json.value['data'];
  return isRecord(data) ? data : undefined;
}

export function isStop(frame: Frame): boolean {
  const socket = socketFrame(frame);
  if (socket === undefined || socket.socket !== 'asker' || !frame.json.ok || !isRecord(frame.json.value)) return false;
  const data = frame.json.value['data'];
  return isRecord(data) && data['finish_reason'] === 'stop';
}

/** A rule that judges the data of each answer event on the asking socket, one event at a time. */
function answerDataRule(meta: Omit<RuleMeta, 'scopes'>, judge: (data: Record<string, unknown>, frame: Frame, report: (finding: Finding) => void) => void): Rule {
  return defineRule({
    ...meta,
    scopes: ['stream'],
    create: (context, report) => {
      const expected = answerEvent(context);
      return {
        frame(frame) {
          const data = dataOf(frame, expected);
          if (data !== undefined) judge(data, frame, report);
        },
      };
    },
  });
}

const isAnswerFrame = (frame: Frame, expected: string): boolean => frame.type === 'socketio' && frame.socket === 'asker' && frame.event === expected;

// Could a legal server fail this? A server that does not implement an event the document only implies
// (SUM_CS, QA_CS, GEN_CS): those are probes, noted, not judged.
export const answerStarted = defineRule({
  id: 'pocketqa.answer.started',
  title: 'A question gets an answer event within the timeout',
  severity: 'error',
  basis: 'doc',
  source: at('发送事件(response) (CHAT_SS answers CHAT_CS)'),
  scopes: ['stream'],
  create: (context, report) => {
    const expected = answerEvent(context);
    let answered = false;
    let other = false;
    return {
      frame(frame) {
        if (isAnswerFrame(frame, expected)) answered = true;
        else if (frame.type === 'socketio' && frame.socket === 'asker') other = true;
      },
      end(end) {
        // Events under another name are pocketqa.answer.event's finding.
        if (answered || other || end.type === 'broken') return;
        report({ at: 'end', end, message: `no ${expected} event came (${end.type} after ${Math.round(end.atMs)} ms)`, expected: `${expected} events`, actual: 'none' });
      },
    };
  },
});

/** The first event on the asking socket under another name than the answer's, and whether the answer's came. */
function otherEvents(context: ExchangeContext) {
  const expected = answerEvent(context);
  let first: SocketFrame | undefined;
  let answered = false;
  return {
    expected,
    see(frame: Frame): void {
      const socket = socketFrame(frame);
      if (socket === undefined || socket.socket !== 'asker') return;
      if (socket.event === expected) answered = true;
      else first ??= socket;
    },
    get first() {
      return first;
    },
    get answered() {
      return answered;
    },
  };
}

// Could a legal server fail this? Only one that answers under another name; events beside CHAT_SS
// (a typing notice, an ack) are pocketqa.event.extra's warning.
export const answerEventName = defineRule({
  id: 'pocketqa.answer.event',
  title: 'The answer comes on the event that pairs with the question (CHAT_CS → CHAT_SS)',
  severity: 'error',
  basis: 'doc',
  source: at('发送事件(response) (名称: CHAT_SS)'),
  scopes: ['stream'],
  create: (context, report) => {
    const events = otherEvents(context);
    return {
      frame: (frame) => events.see(frame),
      end() {
        const other = events.first;
        if (events.answered || other === undefined) return;
        report({ at: 'frame', frame: other, pointer: '', message: `the answer came on "${other.event}"`, expected: events.expected, actual: other.event });
      },
    };
  },
});

export const eventExtra = defineRule({
  id: 'pocketqa.event.extra',
  title: 'Beside the answer events, the asking socket gets no events the document does not name',
  severity: 'warn',
  basis: 'inferred',
  source: at('发送事件(response) (名称: CHAT_SS)'),
  scopes: ['stream'],
  create: (context, report) => {
    const events = otherEvents(context);
    return {
      frame: (frame) => events.see(frame),
      end() {
        const other = events.first;
        if (!events.answered || other === undefined) return;
        report({ at: 'frame', frame: other, pointer: '', message: `an event "${other.event}" came beside the answer`, expected: `only ${events.expected}`, actual: other.event });
      },
    };
  },
});

// Fields with rules of their own, so that each fault is named precisely.
const OWN = [/^\/data\/delta$/, /^\/data\/received\/(clue|alter)(\/|$)/, /^\/data\/received\/history(\/|$)/];

// Could a legal server fail this? None: finish_reason may be absent until the stop, and delta is delta.text's
// to judge.
export const answerShape = defineRule({
  id: 'pocketqa.answer.shape',
  title: 'Each answer event is {data: {room, delta, finish_reason, received?}} with the documented types (schemas/pocketqa/answer.schema.json)',
  severity: 'error',
  basis: 'doc',
  source: at('发送事件(response) (字段)'),
  scopes: ['stream'],
  create: (context, report) => {
    const expected = answerEvent(context);
    return {
      frame(frame) {
        if (!isAnswerFrame(frame, expected) || !frame.json.ok) return;
        // The example answer is an object ({"data": …}); a JSON string of one has no fields to read.
        if (frame.type === 'socketio' && typeof frame.args[0] === 'string') {
          report({ at: 'frame', frame, pointer: '', message: 'the answer is a JSON string, not an object', expected: 'an object {"data": …}', actual: 'a string' });
          return;
        }
        reportFrameProblems(report, frame, 'urn:chatwire:pocketqa:answer', frame.json.value, { skip: (pointer) => OWN.some((pattern) => pattern.test(pointer)) });
      },
    };
  },
});

// Could a legal server fail this? A stop event with no delta (nothing left to say) keeps it; a partial
// event carries its text in delta, so one without it delivers nothing under the documented name.
export const deltaText = answerDataRule(
  { id: 'pocketqa.delta.text', title: 'delta is text: a string, on every event before the stop', severity: 'error', basis: 'doc', source: at('发送事件(response) (delta: 输出内容)') },
  (data, frame, report) => {
    if (!('delta' in data)) {
      if (!isStop(frame)) report({ at: 'frame', frame, pointer: '/data/delta', message: 'a partial answer event has no delta', expected: 'the text as a string', actual: show(Object.keys(data)) });
      return;
    }
    if (typeof data['delta'] === 'string') return;
    report({ at: 'frame', frame, pointer: '/data/delta', message: 'delta is not a string', expected: 'a string', actual: show(data['delta']) });
  },
);

// Could a legal server fail this? None: "stop" is the document's only end signal.
export const stopPresent = defineRule({
  id: 'pocketqa.stop.present',
  title: 'An answer ends with an event whose finish_reason is "stop"',
  severity: 'error',
  basis: 'doc',
  source: at('发送事件(response) (finish_reason: 发送状态; the example ends with "stop")'),
  scopes: ['stream'],
  create: (context, report) => {
    const expected = answerEvent(context);
    let events = 0;
    let stopped = false;
    return {
      frame(frame) {
        if (!isAnswerFrame(frame, expected)) return;
        events++;
        if (isStop(frame)) stopped = true;
      },
      end(end) {
        // No answer at all is pocketqa.answer.started's (or answer.event's) finding.
        if (stopped || events === 0) return;
        report({ at: 'end', end, message: `${events} answer event(s) and no finish_reason "stop" (${end.type} after ${Math.round(end.atMs)} ms)`, expected: 'a last event with finish_reason "stop"', actual: 'none' });
      },
    };
  },
});

// Could a legal server fail this? None: late strays are awaited only briefly after the stop (see
// STRAY_WAIT_MS).
export const stopLast = defineRule({
  id: 'pocketqa.stop.last',
  title: 'Nothing more for the question follows its stop event',
  severity: 'error',
  basis: 'doc',
  source: at('发送事件(response) (finish_reason "stop" ends the answer)'),
  scopes: ['stream'],
  create: (context, report) => {
    const expected = answerEvent(context);
    let stopAt: number | undefined;
    return {
      frame(frame) {
        if (!isAnswerFrame(frame, expected)) return;
        if (stopAt !== undefined) {
          report({ at: 'frame', frame, pointer: '', message: `an answer event after the stop event (frame ${stopAt})`, expected: 'nothing after finish_reason "stop"', actual: show(frameText(frame)) });
          return;
        }
        if (isStop(frame)) stopAt = frame.index;
      },
    };
  },
});

export const finishPartial = answerDataRule(
  { id: 'pocketqa.finish.partial', title: 'Events before the stop carry an empty or null finish_reason', severity: 'warn', basis: 'inferred', source: at('发送事件(response) (finish_reason: 发送状态)') },
  (data, frame, report) => {
    const reason = data['finish_reason'];
    if (reason === null || reason === '' || reason === 'stop' || reason === undefined) return;
    report({ at: 'frame', frame, pointer: '/data/finish_reason', message: `finish_reason ${show(reason)} on a partial event`, expected: 'null or "" until "stop"', actual: show(reason) });
  },
);

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
        report({ at: 'frame', frame, pointer: '/data/room', message: 'the answer names another room than the one asked in', expected: show(sent), actual: show(data['room']) });
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
        if (roomSent(context) !== undefined || context.connectionId === undefined || data === undefined || reported || data['room'] === context.connectionId) return;
        reported = true;
        report({ at: 'frame', frame, pointer: '/data/room', message: "without a room, the answer's room is not the socket id", expected: show(context.connectionId), actual: show(data['room']) });
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
      report({ at: 'frame', frame, pointer: '/data/received', message: 'the stop event has no received object', expected: 'received with clue and alter', actual: show(received) });
      return;
    }
    reportFrameProblems(report, frame, 'urn:chatwire:pocketqa:answer#/$defs/received', received, { pointerPrefix: '/data/received', skip: (pointer) => !/^\/(clue|alter)(\/|$)/.test(pointer) });
    const missing = ['clue', 'alter'].filter((field) => received[field] === undefined);
    if (missing.length > 0) report({ at: 'frame', frame, pointer: `/data/received/${missing[0] ?? ''}`, message: `received has no ${missing.join(' and ')}`, expected: 'clue and alter', actual: show(Object.keys(received)) });
  },
);

export const receivedHistory = answerDataRule(
  { id: 'pocketqa.received.history', title: 'received.history, when present, is a list of [question, answer] string pairs', severity: 'warn', basis: 'inferred', source: at('发送事件(response) (example: history)') },
  (data, frame, report) => {
    const received = data['received'];
    if (!isRecord(received) || !('history' in received)) return;
    reportFrameProblems(report, frame, 'urn:chatwire:pocketqa:answer#/$defs/received', { history: received['history'] }, { pointerPrefix: '/data/received' });
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
    report({ at: 'frame', frame, pointer: '/data/received', message: `received has no ${missing.join(', ')}`, expected: 'text, sid, room, dialogue, upload_id, prompt, history', actual: show(Object.keys(received)) });
  },
);

// Could a legal server fail this? One that answers into a room the asker joined: the bystander joins no room,
// so it passes.
export const answerPrivate = defineRule({
  id: 'pocketqa.answer.private',
  title: 'An answer reaches only the socket that asked: another connected client receives nothing of it',
  severity: 'error',
  basis: 'doc',
  source: at('发送事件(response); digest: delivering an answer to another client is a security fault'),
  scopes: ['stream'],
  create: (context, report) => {
    const expected = answerEvent(context);
    const payload = payloadOf(context.requestJson);
    // What would betray the asker's answer on another socket: its room or its question.
    const traces = [payload?.['room'], payload?.['text']].filter((value): value is string => typeof value === 'string' && value.length >= 4);
    return {
      frame(frame) {
        if (frame.type !== 'socketio' || frame.socket !== 'bystander') return;
        // The bystander's own events (a greeting on connect) are not the asker's answer.
        const text = frameText(frame);
        if (frame.event !== expected && !/_SS$/.test(frame.event) && !traces.some((trace) => text.includes(trace))) return;
        report({ at: 'frame', frame, pointer: '', message: `another connected client received "${frame.event}"`, expected: 'nothing of the answer on the other client', actual: show(text) });
      },
    };
  },
});

// Could a legal server fail this? None: a marker sent in another room reaches this answer only through a
// leak.
export const roomIsolated = assertedRule({
  id: 'pocketqa.room.isolated',
  title: "An answer carries nothing of another room's conversation (its delta, its received.history)",
  severity: 'error',
  basis: 'doc',
  source: at('监听事件(request) (room: 聊天室id); digest: security'),
  // Checked by the suite's assertions on a case with two rooms.
});

export const historyTurns = assertedRule({
  id: 'pocketqa.history.turns',
  title: "A follow-up in the same room carries the earlier turn in received.history",
  severity: 'warn',
  basis: 'inferred',
  source: at('发送事件(response) (example: history holds earlier turns)'),
  // Checked by the suite's assertions on a two-turn case.
});

export const requestShape = defineRule({
  id: 'pocketqa.request.shape',
  title: 'A CHAT_CS payload (an object or its JSON string) has a non-empty text and string room, dialogue, upload_id, sid',
  severity: 'error',
  basis: 'doc',
  source: at('监听事件(request) (字段)'),
  scopes: ['request'],
  create: (context, report) => ({
    end() {
      const payload = payloadOf(context.requestJson);
      if (payload === undefined) {
        report({ at: 'request', pointer: '', message: 'the payload is neither an object nor a JSON string of one', expected: '{"text": …}', actual: show(context.requestJson) });
        return;
      }
      reportRequestProblems(report, 'urn:chatwire:pocketqa:request', payload);
    },
  }),
});

export const pocketqaRules: readonly Rule[] = [
  answerStarted,
  answerEventName,
  eventExtra,
  answerShape,
  deltaText,
  stopPresent,
  stopLast,
  finishPartial,
  roomEcho,
  roomDefault,
  receivedClueAlter,
  receivedHistory,
  receivedEcho,
  answerPrivate,
  roomIsolated,
  historyTurns,
  requestShape,
];
