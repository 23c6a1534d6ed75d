/**
 * pocketqa rules on the run of answer events: it starts, on the event that pairs with the question,
 * with nothing unnamed beside it, and ends with one finish_reason "stop" that nothing follows.
 */
import { show } from '../../../core/engine.js';
import { frameText, type Frame, type SocketFrame } from '../../../core/exchange.js';
import { defineRule, type ExchangeContext } from '../../../core/rule.js';
import { answerEvent, at, isAnswerFrame, isStop, socketFrame } from './read.js';

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
        report({
          at: 'end',
          end,
          message: `no ${expected} event came (${end.type} after ${Math.round(end.atMs)} ms)`,
          expected: `${expected} events`,
          actual: 'none',
        });
      },
    };
  },
});

/** The first event on the asking socket under another name than the answer's, and whether the answer's came. */
class OtherEvents {
  readonly expected: string;
  #first: SocketFrame | undefined;
  #answered = false;

  constructor(context: ExchangeContext) {
    this.expected = answerEvent(context);
  }

  see(frame: Frame): void {
    const socket = socketFrame(frame);
    if (socket === undefined || socket.socket !== 'asker') return;
    if (socket.event === this.expected) this.#answered = true;
    else this.#first ??= socket;
  }

  get first(): SocketFrame | undefined {
    return this.#first;
  }

  get answered(): boolean {
    return this.#answered;
  }
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
    const events = new OtherEvents(context);
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
    const events = new OtherEvents(context);
    return {
      frame: (frame) => events.see(frame),
      end() {
        const other = events.first;
        if (!events.answered || other === undefined) return;
        report({
          at: 'frame',
          frame: other,
          pointer: '',
          message: `an event "${other.event}" came beside the answer`,
          expected: `only ${events.expected}`,
          actual: other.event,
        });
      },
    };
  },
});

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
        report({
          at: 'end',
          end,
          message: `${events} answer event(s) and no finish_reason "stop" (${end.type} after ${Math.round(end.atMs)} ms)`,
          expected: 'a last event with finish_reason "stop"',
          actual: 'none',
        });
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
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: `an answer event after the stop event (frame ${stopAt})`,
            expected: 'nothing after finish_reason "stop"',
            actual: show(frameText(frame)),
          });
          return;
        }
        if (isStop(frame)) stopAt = frame.index;
      },
    };
  },
});
