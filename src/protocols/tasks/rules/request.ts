/**
 * tasks rules on the client's request, judged by the mock.
 */
import { requestJsonRule, requestKeyRule, requestSchemaByPathRule } from '../../../core/kit.js';
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

// Could a legal client fail this? None: the document's common header is on every call, and each of its
// clients (curl, Python, JS, Flutter) sends it.
export const requestKey = requestKeyRule({
  id: 'tasks.request.key',
  title: 'Every call carries the token as Authorization: Bearer <TOKEN>',
  severity: 'error',
  basis: 'doc',
  source: at('通用 Header (Authorization: Bearer <TOKEN>)'),
  scopes: ['request'],
});

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
