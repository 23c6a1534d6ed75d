/**
 * fastgpt-py rules on the client's request, judged by the mock.
 */
import { requestJsonRule, requestSchemaRule } from '../../../core/kit.js';
import { at } from './read.js';

export const requestJson = requestJsonRule({
  id: 'fastgpt-py.request.json',
  title: 'The request body is a JSON object',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数'),
  scopes: ['request'],
});

export const requestShape = requestSchemaRule(
  {
    id: 'fastgpt-py.request.shape',
    title: 'The request has sessionId, timeStamp and text as strings, and stream as a boolean (schemas/fastgpt-py/request.schema.json)',
    severity: 'error',
    basis: 'doc',
    source: at('请求参数'),
    scopes: ['request'],
  },
  'https://chatwire.dev/schemas/fastgpt-py/request.json',
);
