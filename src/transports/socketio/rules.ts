import type { StreamEnd } from '../../core/exchange.js';
import { defineRule, type ExchangeContext, type Rule } from '../../core/rule.js';

/** The disconnect that ended an exchange before its answer did. */
const disconnected = (end: StreamEnd & { type: 'broken' }) =>
  ({ at: 'end', end, message: end.message, expected: 'the socket stays connected', actual: 'disconnected' }) as const;

/** A request the server may refuse (it says why it breaks the document): losing its socket is another rule's. */
const isRefused = (context: ExchangeContext): boolean => context.because !== undefined;

/** What every Socket.IO exchange is held to: the socket stays connected and the answer stays bounded. */
// Could a legal server fail this? None: it may close the socket after an answer's last event, not before,
// and one that drops the client that sent a bad payload is socketio.connection.kept-after-refusal's.
export const socketConnected: Rule = defineRule({
  id: 'socketio.connection.kept',
  title: 'The server keeps the socket connected while it answers, and answers within the event bound',
  severity: 'error',
  basis: 'doc',
  source: { doc: 'Socket.IO protocol v5', section: 'connection lifecycle' },
  scopes: ['stream', 'refusal'],
  create: (context, report) => ({
    end(end) {
      if (end.type === 'broken' && !isRefused(context)) report(disconnected(end));
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

// Could a legal server fail this? One that disconnects a client after a payload it cannot use: the documents
// are silent on bad payloads, so it warns. A server that stops answering others fails socketio.connection.kept.
export const socketKeptAfterRefusal: Rule = defineRule({
  id: 'socketio.connection.kept-after-refusal',
  title: 'After a payload it may refuse, the server keeps the asking socket connected',
  severity: 'warn',
  basis: 'inferred',
  source: { doc: 'Socket.IO protocol v5', section: 'connection lifecycle' },
  scopes: ['refusal'],
  create: (context, report) => ({
    end(end) {
      if (end.type === 'broken' && isRefused(context)) report(disconnected(end));
    },
  }),
});

export const socketRules: readonly Rule[] = [socketConnected, socketKeptAfterRefusal];
