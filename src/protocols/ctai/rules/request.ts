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

/** Whether an Accept header lists the media type with a weight above 0 (`q=0` says "not this", RFC 9110 §12.4.2). */
function asksFor(accept: string, type: string): boolean {
  return accept.split(',').some((range) => {
    const [name, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (name !== type) return false;
    const weight = params.find((param) => param.startsWith('q='));
    return weight === undefined || Number(weight.slice(2)) > 0;
  });
}

// Could a legal client fail this? None: Accept: application/json on a stream is what the note forbids;
// listing JSON with q=0 declines it and passes.
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
      if (accept === undefined || !asksFor(accept, 'application/json')) return;
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
