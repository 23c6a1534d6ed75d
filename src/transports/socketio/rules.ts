import { defineRule, type Rule } from '../../core/rule.js';

/** What every Socket.IO exchange is held to: the socket stays connected and the answer stays bounded. */
// Could a legal server fail this? One that disconnects a client after a bad payload: the suite expects the
// socket kept, as the document's client keeps it for the next question.
export const socketConnected: Rule = defineRule({
  id: 'socketio.connection.kept',
  title: 'The server keeps the socket connected while it answers, and answers within the event bound',
  severity: 'error',
  basis: 'doc',
  source: { doc: 'Socket.IO protocol v5', section: 'connection lifecycle' },
  scopes: ['stream', 'refusal'],
  create: (_context, report) => ({
    end(end) {
      if (end.type === 'broken') report({ at: 'end', end, message: end.message, expected: 'the socket stays connected', actual: 'disconnected' });
      if (end.type === 'frame-limit')
        report({
          at: 'end',
          end,
          message: `more than ${end.limit} events for one question (raise --max-frames if this is legitimate)`,
          expected: `at most ${end.limit} events`,
        });
    },
  }),
});

export const socketRules: readonly Rule[] = [socketConnected];
