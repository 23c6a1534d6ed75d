import type { JsonObject } from '../../core/bundle.js';
import type { HttpApi, HttpOperation, HttpParameter, HttpResponse, SseEvent } from '../../transports/http/openapi.js';
import { DOC } from './rules/index.js';

const chunk: JsonObject = { $ref: 'chunk.schema.json' };
const detail = (name: string, def: string, description: string): SseEvent => ({
  event: name,
  description,
  data: { json: { $ref: `events.schema.json#/$defs/${def}` } },
});

/** Every event of a chat answer's stream, with the variant (detail false or true) that sends it. */
const streamEvents: readonly SseEvent[] = [
  { description: 'detail=false: an answer chunk (the OpenAI chat-chunk shape), the stop chunk (finish_reason "stop") last.', data: { json: chunk } },
  { description: 'detail=false: the end of the stream.', data: { text: '[DONE]' } },
  { event: 'answer', description: 'detail=true: an answer chunk; the stop chunk; then [DONE] as the data of one more answer event.', data: { json: chunk } },
  { event: 'answer', description: 'detail=true: the end of the stream (only flowResponses may follow it, in v4.11–v4.14).', data: { text: '[DONE]' } },
  { event: 'fastAnswer', description: 'detail=true: a chunk of a fixed answer (a node that answers without a model).', data: { json: chunk } },
  detail('flowNodeStatus', 'flowNodeStatus', 'detail=true: a node starts running.'),
  detail('toolCall', 'toolEvent', 'detail=true: a tool is called.'),
  detail('toolParams', 'toolEvent', "detail=true: a tool call's parameters."),
  detail('toolResponse', 'toolEvent', "detail=true: a tool's answer."),
  detail('updateVariables', 'updateVariables', 'detail=true: the variables a node changed.'),
  detail('interactive', 'interactiveEvent', 'detail=true: the workflow waits for the user (userSelect or userInput); continue with the same chatId.'),
  detail('workflowDuration', 'workflowDuration', 'detail=true: how long the workflow ran (FastGPT code).'),
  detail('flowResponses', 'flowResponses', "detail=true: every node's result, exactly once: after [DONE] in v4.11–v4.14, before it on newer servers."),
  detail('flowNodeResponse', 'flowNodeResponse', "detail=true, v2: one node's result."),
  detail('error', 'errorEvent', 'A failure while streaming; the stream then closes without [DONE].'),
];

/** A records call's answer: the envelope, with `data` as its own $def says. */
const envelope = (data: string): JsonObject => ({
  allOf: [{ $ref: 'records.schema.json' }, { properties: { data: { $ref: `records.schema.json#/$defs/${data}` } } }],
});
const failure: HttpResponse = {
  status: 'default',
  description:
    'A failure in the envelope, code other than 200 (a missing key: 403 unAuthorization; an unknown key: 514 unAuthApiKey; HTTP status 500 in v4.11–v4.14).',
  content: [{ type: 'application/json', schema: { $ref: 'records.schema.json' } }],
};
const query = (name: string, description: string, required = true): HttpParameter => ({ name, in: 'query', required, description, schema: { type: 'string' } });

function records(
  operationId: string,
  method: HttpOperation['method'],
  path: string,
  summary: string,
  section: string,
  input: { readonly body: string } | { readonly query: readonly HttpParameter[] },
  data: string,
): HttpOperation {
  return {
    operationId,
    method,
    path,
    summary,
    description: `A chat-records call: it answers the envelope {code, statusText, message, data}, code 200 on success. ${'body' in input ? 'Its input is the JSON body.' : 'Its input is the query string.'}`,
    source: { doc: DOC, section },
    ...('body' in input
      ? { requestBody: { required: true, description: "The call's input.", schema: { $ref: `records.schema.json#/$defs/${input.body}` } } }
      : { parameters: input.query }),
    responses: [{ status: '200', description: "The envelope with the call's data.", content: [{ type: 'application/json', schema: envelope(data) }] }, failure],
  };
}

const appId = query('appId', "The app's id.");
const chatId = query('chatId', "The chat's id.");

const completions = (version: 'v1' | 'v2'): HttpOperation => ({
  operationId: version === 'v1' ? 'chatCompletions' : 'chatCompletionsV2',
  method: 'POST',
  path: `/api/${version}/chat/completions`,
  summary:
    version === 'v1'
      ? 'Chat with an app (OpenAI-compatible), streamed or whole, with or without node details'
      : 'Chat with an app, v2 (newer FastGPT: flowNodeResponse per node)',
  description:
    'stream × detail: stream=false answers one JSON object (with detail=true also responseData and newVariables); stream=true answers a text/event-stream: unnamed chunk frames then data: [DONE] (detail=false), or named events (detail=true). Frames are an optional event: line and one data: line, never id: or retry:. A failure before the stream starts comes as HTTP 200 whose body is one event: error frame. Plugin apps take variables and need no messages.',
  source: {
    doc: DOC,
    section: version === 'v1' ? 'Request Chat Agent and Workflow (Request, Response)' : 'Request Chat Agent and Workflow; digest: /api/v2/chat/completions',
  },
  requestBody: {
    required: true,
    description: 'OpenAI-style messages plus chatId, stream, detail, variables and responseChatItemId.',
    schema: { $ref: 'request.schema.json' },
  },
  responses: [
    {
      status: '200',
      description: 'The answer: whole (stream=false) or streamed (stream=true).',
      content: [
        { type: 'application/json', schema: { $ref: 'answer.schema.json' } },
        { type: 'text/event-stream', description: 'Chunks (detail=false) or named events (detail=true), then [DONE].', events: streamEvents },
      ],
    },
    failure,
  ],
});

/** The fastgpt calls as data, for `chatwire spec fastgpt` (OpenAPI). */
export const fastgptApi: HttpApi = {
  description:
    'FastGPT\'s OpenAI-compatible chat API and its chat-records calls. FastGPT is open source: where its code and the document differ, a real server follows the code, and this description says so (object "", delta.role in every chunk, a stop chunk with content null, flowResponses after or before [DONE]).',
  server: 'http://localhost:3000',
  bearer: { description: "The app's API key: Authorization: Bearer fastgpt-…" },
  operations: [
    completions('v1'),
    completions('v2'),
    records(
      'getHistories',
      'POST',
      '/api/core/chat/history/getHistories',
      'List the chats of an app',
      'Chat CRUD, History (Get Histories)',
      { body: 'getHistoriesRequest' },
      'getHistoriesData',
    ),
    records(
      'updateHistory',
      'POST',
      '/api/core/chat/history/updateHistory',
      'Rename a chat, or pin or unpin it',
      'Chat CRUD, History (Update Chat Title, Pin / Unpin)',
      { body: 'updateHistoryRequest' },
      'emptyData',
    ),
    records(
      'delHistory',
      'DELETE',
      '/api/core/chat/history/delHistory',
      'Delete a chat',
      'Chat CRUD, History (Delete)',
      { query: [chatId, appId] },
      'emptyData',
    ),
    records(
      'clearHistories',
      'DELETE',
      '/api/core/chat/history/clearHistories',
      'Delete every chat the API created',
      'Chat CRUD, History (Clear)',
      { query: [appId] },
      'emptyData',
    ),
    records(
      'initChat',
      'GET',
      '/api/core/chat/init',
      "A chat's initialisation info",
      'Chat CRUD, Chat Records (Get Chat Initialization Info)',
      { query: [appId, chatId] },
      'initData',
    ),
    records(
      'getPaginationRecords',
      'POST',
      '/api/core/chat/getPaginationRecords',
      "A page of a chat's records",
      'Chat CRUD, Chat Records (Get Records)',
      { body: 'paginationRecordsRequest' },
      'paginationRecordsData',
    ),
    records(
      'getResData',
      'GET',
      '/api/core/chat/getResData',
      "A record's node results",
      'Chat CRUD, Chat Records (Get Response Data)',
      { query: [appId, chatId, query('dataId', "The record's dataId.")] },
      'resData',
    ),
    records(
      'deleteChatItem',
      'DELETE',
      '/api/core/chat/item/delete',
      'Delete one record',
      'Chat CRUD, Chat Records (Delete)',
      { query: [query('contentId', "The record's dataId."), chatId, appId] },
      'emptyData',
    ),
    records(
      'updateUserFeedback',
      'POST',
      '/api/core/chat/feedback/updateUserFeedback',
      'Like or dislike a record (omit a field to undo)',
      'Chat CRUD, Chat Records (Like / Unlike, Dislike / Remove Dislike)',
      { body: 'updateUserFeedbackRequest' },
      'emptyData',
    ),
    records(
      'createQuestionGuide',
      'POST',
      '/api/core/ai/agent/v2/createQuestionGuide',
      'Suggested next questions',
      'Chat CRUD, Question Suggestions',
      { body: 'questionGuideRequest' },
      'questionGuideData',
    ),
  ],
};
