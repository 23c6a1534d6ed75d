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
  [COMPLETIONS, 'urn:chatwire:fastgpt:request'],
  [/\/history\/getHistories$/, 'urn:chatwire:fastgpt:records#/$defs/getHistoriesRequest'],
  [/\/history\/updateHistory$/, 'urn:chatwire:fastgpt:records#/$defs/updateHistoryRequest'],
  [/\/getPaginationRecords$/, 'urn:chatwire:fastgpt:records#/$defs/paginationRecordsRequest'],
  [/\/updateUserFeedback$/, 'urn:chatwire:fastgpt:records#/$defs/updateUserFeedbackRequest'],
  [/\/createQuestionGuide$/, 'urn:chatwire:fastgpt:records#/$defs/questionGuideRequest'],
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
