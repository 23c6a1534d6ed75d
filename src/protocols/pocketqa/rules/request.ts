/**
 * pocketqa rules on the client's request (a CHAT_CS payload), judged by the mock.
 */
import { show } from '../../../core/engine.js';
import { defineRule } from '../../../core/rule.js';
import { reportRequestProblems } from '../../../core/kit.js';
import { at, payloadOf } from './read.js';

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
        report({
          at: 'request',
          pointer: '',
          message: 'the payload is neither an object nor a JSON string of one',
          expected: '{"text": …}',
          actual: show(context.requestJson),
        });
        return;
      }
      reportRequestProblems(report, 'https://chatwire.dev/schemas/pocketqa/request.json', payload);
    },
  }),
});

/** The events the document's server listens to: CHAT_CS, and by the digest's symmetry SUM_CS, QA_CS and GEN_CS. */
export const LISTENED = ['CHAT_CS', 'SUM_CS', 'QA_CS', 'GEN_CS'] as const;

// Could a legal client fail this? One emitting an event the server does not listen to gets no answer at all;
// the document's server listens to CHAT_CS (the digest adds SUM_CS, QA_CS, GEN_CS).
export const requestEvent = defineRule({
  id: 'pocketqa.request.event',
  title: 'The client emits an event the server listens to: CHAT_CS (or SUM_CS, QA_CS, GEN_CS)',
  severity: 'error',
  basis: 'doc',
  source: at('监听事件(request) (名称: CHAT_CS)'),
  scopes: ['request'],
  create: (context, report) => ({
    end() {
      const event = context.event ?? context.request.method.replace(/^EMIT /, '');
      if ((LISTENED as readonly string[]).includes(event)) return;
      report({
        at: 'request',
        pointer: '',
        message: `the client emitted ${show(event)}, which no handler listens to: it gets no answer`,
        expected: LISTENED.join(', '),
        actual: event,
      });
    },
  }),
});
