import type { StreamEnd } from '../../core/exchange.js';
import { defineRule, type Finding, type Rule } from '../../core/rule.js';

/** Why a Socket.IO exchange ended early, as its rules report it. */
function reportCut(end: StreamEnd, report: (finding: Finding) => void): void {
  if (end.type === 'broken') report({ at: 'end', end, message: end.message, expected: 'the socket stays connected', actual: 'disconnected' });
  if (end.type === 'frame-limit')
    report({
      at: 'end',
      end,
      message: `more than ${end.limit} events for one question (raise --max-frames if this is legitimate)`,
      expected: `at most ${end.limit} events`,
    });
}

/** What every Socket.IO answer is held to: the socket stays connected and the answer stays bounded. */
// Could a legal server fail this? None: it may close the socket after an answer's last event, not before.
export const socketConnected: Rule = defineRule({
  id: 'socketio.connection.kept',
  title: 'The server keeps the socket connected while it answers, and answers within the event bound',
  severity: 'error',
  basis: 'doc',
  source: { doc: 'Socket.IO protocol v5', section: 'connection lifecycle' },
  scopes: ['stream'],
  create: (_context, report) => ({ end: (end) => reportCut(end, report) }),
});

// Could a legal server fail this? One that disconnects a client after a payload it cannot use: the documents
// are silent on bad payloads, so it warns. A server that stops answering others fails socketio.connection.kept.
export const socketKeptAfterRefusal: Rule = defineRule({
  id: 'socketio.connection.kept-after-refusal',
  title: 'After a payload it does not answer, the server keeps the asking socket connected',
  severity: 'warn',
  basis: 'inferred',
  source: { doc: 'Socket.IO protocol v5', section: 'connection lifecycle' },
  scopes: ['refusal'],
  create: (_context, report) => ({ end: (end) => reportCut(end, report) }),
});

export const socketRules: readonly Rule[] = [socketConnected, socketKeptAfterRefusal];
