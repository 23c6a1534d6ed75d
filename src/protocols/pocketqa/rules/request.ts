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
