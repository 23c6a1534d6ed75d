import type { HttpApi, HttpParameter, HttpResponse } from '../../transports/http/openapi.js';
import { DOC } from './rules/index.js';

const workspace: HttpParameter = {
  name: 'ws',
  in: 'path',
  required: true,
  description: 'The workspace id (workspace_id of step 1).',
  schema: { type: 'string' },
};

/** What every call may answer besides success (the document shows none; these are inferred). */
const refusals: readonly HttpResponse[] = [
  {
    status: '401',
    description: 'No token, or a wrong one: refused with no data (inferred: a call served without its token is a security fault).',
    content: [{ type: 'application/json', schema: { type: 'object' } }],
  },
  {
    status: '404',
    description: 'An unknown workspace, conversation or task, or one of another workspace (inferred).',
    content: [{ type: 'application/json', schema: { type: 'object' } }],
  },
];

/** The tasks calls as data, for `chatwire spec tasks` (OpenAPI). */
export const tasksApi: HttpApi = {
  description:
    'Workspaces, conversations and messages; the answer to a message is a task, read by polling GET /api/v1/tasks/{task_id}?from=N from next_offset to next_offset until status is no longer "running". The create calls answer at the top level, the poll wraps its payload in data.',
  server: 'http://localhost:8091',
  bearer: { description: 'Every call sends Authorization: Bearer <TOKEN> (通用 Header).' },
  operations: [
    {
      operationId: 'ensureWorkspace',
      method: 'POST',
      path: '/api/v1/workspaces',
      summary: 'Create the workspace, or make sure it exists (idempotent)',
      description: "Step 1 of the document's walk-through. What it answers is not documented; only success matters to the client.",
      source: { doc: DOC, section: '1) curl (step 1: 创建/确保工作区存在)' },
      requestBody: { required: true, description: 'The workspace id.', schema: { $ref: 'workspace.schema.json' } },
      responses: [{ status: '2XX', description: 'The workspace exists (its answer is not documented).' }, ...refusals],
    },
    {
      operationId: 'createConversation',
      method: 'POST',
      path: '/api/v1/workspaces/:ws/conversations',
      summary: 'Create a conversation in a workspace (no body)',
      description: 'Step 2: the answer holds conversation_id at the top level, not wrapped in data.',
      source: { doc: DOC, section: '1) curl (step 2: 创建对话)' },
      parameters: [workspace],
      responses: [
        { status: '200', description: 'The new conversation.', content: [{ type: 'application/json', schema: { $ref: 'conversation.schema.json' } }] },
        ...refusals,
      ],
    },
    {
      operationId: 'sendMessage',
      method: 'POST',
      path: '/api/v1/workspaces/:ws/messages',
      summary: 'Send a message to a conversation; the answer is a task to poll',
      description: 'Step 3: the answer holds task_id at the top level. The conversation must belong to the workspace in the path.',
      source: { doc: DOC, section: '1) curl (step 3: 发送消息 -> task_id) and 2) Python (max_iterations)' },
      parameters: [workspace],
      requestBody: {
        required: true,
        description: 'conversation_id, message, run_mode and, optionally, max_iterations.',
        schema: { $ref: 'message.schema.json' },
      },
      responses: [
        { status: '200', description: 'The task answering the message.', content: [{ type: 'application/json', schema: { $ref: 'task.schema.json' } }] },
        ...refusals,
      ],
    },
    {
      operationId: 'pollTask',
      method: 'GET',
      path: '/api/v1/tasks/:id',
      summary: 'Read the events of a task from an offset',
      description:
        'Step 4: poll from 0, then from each answer\'s next_offset, until status is not "running". Each poll brings only events not seen before (no repeats, no gaps); the final poll carries every remaining event; re-reading from 0 gives the same events in the same order. text_chunk events carry data.content, a piece of the answer; other event types exist and are accepted.',
      source: { doc: DOC, section: '1) curl (step 4: 轮询增量事件)' },
      parameters: [
        { name: 'id', in: 'path', required: true, description: 'The task id (task_id of step 3).', schema: { type: 'string' } },
        {
          name: 'from',
          in: 'query',
          required: false,
          description: 'The offset to read from: 0 first, then the previous next_offset.',
          schema: { type: 'integer', minimum: 0 },
        },
      ],
      responses: [
        {
          status: '200',
          description: "The task's status and its events from the offset.",
          content: [{ type: 'application/json', schema: { $ref: 'poll.schema.json' } }],
        },
        ...refusals,
      ],
    },
  ],
};
