import { defineRule, type Rule } from '../../core/rule.js';

/**
 * The one rule every HTTP exchange is held to, whatever the protocol: the answer arrived and
 * ended, within chatwire's bounds, without the connection breaking.
 */
export const responseComplete: Rule = defineRule({
  id: 'http.response.complete',
  title: 'The answer arrives and ends within the time, frame and byte bounds, on an unbroken connection',
  severity: 'error',
  basis: 'doc',
  source: { doc: 'RFC 9112', section: '6.3 Message Body Length' },
  scopes: ['stream', 'answer', 'refusal'],
  create: (_context, report) => ({
    end(end) {
      switch (end.type) {
        case 'closed':
        case 'held-open':
          return;
        case 'timeout':
          report({ at: 'end', end, message: `no complete answer within ${end.limitMs} ms; chatwire cut the exchange`, expected: 'the server ends the answer', actual: `still running after ${end.limitMs} ms` });
          return;
        case 'frame-limit':
          report({ at: 'end', end, message: `more than ${end.limit} frames; chatwire stopped reading (raise --max-frames if this is legitimate)`, expected: `at most ${end.limit} frames` });
          return;
        case 'byte-limit':
          report({ at: 'end', end, message: `more than ${end.limit} bytes; chatwire stopped reading (raise --max-bytes if this is legitimate)`, expected: `at most ${end.limit} bytes` });
          return;
        case 'broken':
          report({ at: 'end', end, message: `the connection broke before the answer ended: ${end.message}`, expected: 'a complete response' });
          return;
      }
    },
  }),
});

export const httpRules: readonly Rule[] = [responseComplete];
