/**
 * pocketqa rules on what reaches whom: an answer only the asking socket, a room nothing of another's,
 * a follow-up the earlier turn of its room.
 */
import { show } from '../../../core/engine.js';
import { frameText } from '../../../core/exchange.js';
import { defineRule } from '../../../core/rule.js';
import { assertedRule } from '../../../core/kit.js';
import { answerEvent, at, payloadOf } from './read.js';

// Could a legal server fail this? One that answers into a room the asker joined: the bystander joins no room,
// so it passes.
export const answerPrivate = defineRule({
  id: 'pocketqa.answer.private',
  title: 'An answer reaches only the socket that asked: another connected client receives nothing of it',
  severity: 'error',
  security: true,
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
        report({
          at: 'frame',
          frame,
          pointer: '',
          message: `another connected client received "${frame.event}"`,
          expected: 'nothing of the answer on the other client',
          actual: show(text),
        });
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
  security: true,
  basis: 'doc',
  source: at('监听事件(request) (room: 聊天室id); digest: security'),
  // Checked by the suite's assertions on a case with two rooms.
});

export const historyTurns = assertedRule({
  id: 'pocketqa.history.turns',
  title: 'A follow-up in the same room carries the earlier turn in received.history',
  severity: 'warn',
  basis: 'inferred',
  source: at('发送事件(response) (example: history holds earlier turns)'),
  // Checked by the suite's assertions on a two-turn case.
});
