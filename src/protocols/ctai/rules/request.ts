/**
 * ctai rules on the client's request, judged by the mock.
 */
import { requestJsonRule, requestSchemaRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at } from './read.js';

// ---- the client's request (judged by the mock) ------------------------------------------------

export const requestJson = requestJsonRule({
  id: 'ctai.request.json',
  title: 'The request body is a JSON object',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数'),
  scopes: ['request'],
});

export const requestShape = requestSchemaRule(
  {
    id: 'ctai.request.shape',
    title: 'The request has the documented fields, all strings, within their allowed values (schemas/ctai/request.schema.json)',
    severity: 'error',
    basis: 'doc',
    source: at('请求参数 (field table)'),
    scopes: ['request'],
  },
  'https://chatwire.dev/schemas/ctai/request.json',
);

export const requestAccept = defineRule({
  id: 'ctai.request.accept',
  title: 'A streaming request does not send Accept: application/json',
  severity: 'error',
  basis: 'doc',
  source: at('注意 (发起请求时不能添加accept为json的header)'),
  scopes: ['request'],
  create: (context, report) => ({
    end() {
      const body = context.requestJson;
      if (!isRecord(body) || body['stream'] !== '1') return;
      const accept = Object.entries(context.request.headers).find(([name]) => name.toLowerCase() === 'accept')?.[1];
      if (accept === undefined || !/application\/json/i.test(accept)) return;
      report({
        at: 'request',
        pointer: '',
        message: 'a streaming request asks for JSON with its Accept header; the answer is text/event-stream',
        expected: 'no Accept: application/json',
        actual: `Accept: ${accept}`,
      });
    },
  }),
});
