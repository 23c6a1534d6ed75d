/**
 * The records calls whose input is the query string (document 004, Chat CRUD: a GET or DELETE with
 * its parameters in the URL), and the parameters each one's Parameters tab lists.
 */
import { show } from '../../../core/engine.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at, pathOf } from './read.js';

export const QUERY_CALLS: ReadonlyMap<string, readonly string[]> = new Map([
  ['/api/core/chat/history/delHistory', ['chatId', 'appId']],
  ['/api/core/chat/history/clearHistories', ['appId']],
  ['/api/core/chat/init', ['appId', 'chatId']],
  ['/api/core/chat/getResData', ['appId', 'chatId', 'dataId']],
  ['/api/core/chat/item/delete', ['contentId', 'chatId', 'appId']],
]);

// Could a legal client fail this? None: FastGPT answers such a call missingParams (or unAuthApp without
// appId). A parameter sent in a JSON body instead passes: newer FastGPT reads item/delete's from there.
export const requestQuery = defineRule({
  id: 'fastgpt.request.query',
  title: 'A records call whose input is the query string carries every parameter the document lists for it',
  severity: 'error',
  basis: 'doc',
  source: at('Chat CRUD (Parameters of Delete, Clear, Get Chat Initialization Info, Get Response Data, Delete a record)'),
  scopes: ['request'],
  create: (context, report) => ({
    end() {
      const url = new URL(context.request.url, 'http://request.invalid');
      const params = QUERY_CALLS.get(pathOf(context));
      if (params === undefined) return;
      const body = isRecord(context.requestJson) ? context.requestJson : {};
      const given = (name: string): boolean => (url.searchParams.get(name) ?? '') !== '' || (typeof body[name] === 'string' && body[name] !== '');
      const missing = params.filter((name) => !given(name));
      if (missing.length === 0) return;
      report({
        at: 'request',
        pointer: '',
        message: `${missing.join(', ')} missing from the query string`,
        expected: params.map((name) => `${name}=…`).join('&'),
        actual: show(url.search),
      });
    },
  }),
});
