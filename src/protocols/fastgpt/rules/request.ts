/**
 * fastgpt rules on the client's request, judged by the mock.
 */
import { requestJsonRule, requestSchemaByPathRule } from '../../../core/kit.js';
import { at, COMPLETIONS } from './read.js';

// ---- the client's request (judged by the mock) ------------------------------------------------

export const requestJson = requestJsonRule({
  id: 'fastgpt.request.json',
  title: 'A POST body is a JSON object',
  severity: 'error',
  basis: 'doc',
  source: at('Request (curl examples: JSON bodies)'),
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
