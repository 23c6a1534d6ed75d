/**
 * fastgpt rules on the client's request, judged by the mock.
 */
import { requestJsonRule, requestKeyRule, requestSchemaByPathRule } from '../../../core/kit.js';
import type { Rule } from '../../../core/rule.js';
import { at, COMPLETIONS } from './read.js';

// ---- the client's request (judged by the mock) ------------------------------------------------

const bodyIsJson = requestJsonRule({
  id: 'fastgpt.request.json',
  title: 'A POST body is a JSON object',
  severity: 'error',
  basis: 'doc',
  source: at('Request (curl examples: JSON bodies)'),
  scopes: ['request'],
});

// A GET, or a DELETE without a body, carries its arguments in the query string.
export const requestJson: Rule = {
  ...bodyIsJson,
  create: (context, report) => {
    const { method, body } = context.request;
    return method === 'GET' || (method === 'DELETE' && (body === undefined || body === '')) ? {} : bodyIsJson.create(context, report);
  },
};

// Could a legal client fail this? None: every call of the document needs the app's key, sent as a bearer
// token ("This API requires an application-specific API key"; the Chat CRUD calls take any API key).
export const requestKey = requestKeyRule({
  id: 'fastgpt.request.key',
  title: 'Every call carries the API key as Authorization: Bearer <key>',
  severity: 'error',
  basis: 'doc',
  source: at('Start a Conversation (This API requires an application-specific API key; headers.Authorization: Bearer [apikey])'),
  scopes: ['request'],
});

/** Which request schema a POST path's body must match. */
export const REQUEST_SCHEMAS: ReadonlyArray<readonly [RegExp, string]> = [
  [COMPLETIONS, 'https://chatwire.dev/schemas/fastgpt/request.json'],
  [/\/history\/getHistories$/, 'https://chatwire.dev/schemas/fastgpt/records.json#/$defs/getHistoriesRequest'],
  [/\/history\/updateHistory$/, 'https://chatwire.dev/schemas/fastgpt/records.json#/$defs/updateHistoryRequest'],
  [/\/getPaginationRecords$/, 'https://chatwire.dev/schemas/fastgpt/records.json#/$defs/paginationRecordsRequest'],
  [/\/updateUserFeedback$/, 'https://chatwire.dev/schemas/fastgpt/records.json#/$defs/updateUserFeedbackRequest'],
  [/\/createQuestionGuide$/, 'https://chatwire.dev/schemas/fastgpt/records.json#/$defs/questionGuideRequest'],
];

export const requestShape = requestSchemaByPathRule(
  {
    id: 'fastgpt.request.shape',
    title: "A request body has that call's documented fields; a chat sends a non-empty messages array unless it calls a plugin",
    severity: 'error',
    basis: 'doc',
    source: at('Request (Parameters); Chat CRUD (Parameters)'),
    scopes: ['request'],
  },
  REQUEST_SCHEMAS,
);
