/**
 * tasks rules on the client's request, judged by the mock.
 */
import { requestJsonRule, requestSchemaByPathRule } from '../../../core/kit.js';
import type { Rule } from '../../../core/rule.js';
import { at } from './read.js';

// ---- the client's request (judged by the mock) ------------------------------------------------

const bodyIsJson = requestJsonRule({
  id: 'tasks.request.json',
  title: 'A POST body, when there is one, is a JSON object',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (Content-Type: application/json)'),
  scopes: ['request'],
});

// The conversation call has no body at all; only a body that is there must be JSON.
export const requestJson: Rule = {
  ...bodyIsJson,
  create: (context, report) => (context.request.body === undefined || context.request.body === '' ? {} : bodyIsJson.create(context, report)),
};

const REQUEST_SCHEMAS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/api\/v1\/workspaces$/, 'https://chatwire.dev/schemas/tasks/workspace.json'],
  [/\/api\/v1\/workspaces\/[^/]+\/messages$/, 'https://chatwire.dev/schemas/tasks/message.json'],
];

export const requestShape = requestSchemaByPathRule(
  {
    id: 'tasks.request.shape',
    title: 'A create request has its documented fields (schemas/tasks/workspace.schema.json, message.schema.json)',
    severity: 'error',
    basis: 'doc',
    source: at('1) curl (steps 1 and 3)'),
    scopes: ['request'],
  },
  REQUEST_SCHEMAS,
);
