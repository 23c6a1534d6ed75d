/**
 * fastgpt-py rules on the client's request, judged by the mock.
 */
import { show } from '../../../core/engine.js';
import { requestJsonRule, requestSchemaRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { queryFlag } from '../stream-flag.js';
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

// Could a legal client fail this? None: requests' params={'stream': True} sends True, which FastAPI reads;
// only a value no bool parser takes (stream=maybe) fails, and the service answers it 422.
export const requestStreamQuery = defineRule({
  id: 'fastgpt-py.request.stream-query',
  title: 'A stream query parameter is a boolean the service reads (true, false, 1, 0, yes, no, on, off)',
  severity: 'error',
  basis: 'doc',
  source: at('接口地址 (POST /chat?stream=true)'),
  scopes: ['request'],
  create: (context, report) => ({
    end() {
      const flag = new URL(context.request.url, 'http://request.invalid').searchParams.get('stream');
      if (queryFlag(flag) !== 'invalid') return;
      report({ at: 'request', pointer: '', message: `stream=${flag} in the query is no boolean`, expected: 'stream=true or stream=false', actual: show(flag) });
    },
  }),
});
