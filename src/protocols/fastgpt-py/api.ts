import type { HttpApi } from '../../transports/http/openapi.js';
import { chatRoute } from './mock.js';
import { DOC } from './rules/index.js';

const event = (name: string, def: string, description: string) => ({ event: name, description, data: { json: { $ref: `events.schema.json#/$defs/${def}` } } });

/** The fastgpt-py call as data, for `chatwire spec fastgpt-py` (OpenAPI). */
export const fastgptPyApi: HttpApi = {
  description:
    'A Python service in front of a FastGPT workflow (an accident-reporting voice bot): POST /chat with a session id, a time stamp and the text; the answer is one JSON object, or with stream=true a text/event-stream of named events (stage_code, text_delta, done, error). Stage codes are four digits in a string; the document\'s table of them is open (it ends with "...").',
  server: 'http://localhost:8000',
  operations: [
    {
      operationId: 'chat',
      method: 'POST',
      path: chatRoute.path,
      summary: "Send one turn of the conversation; stream=true (in the query, as the document's URL shows) answers with SSE events",
      description:
        'The document puts stream in the query string (/chat?stream=true) while its table lists it with the body fields: a server accepts it in either place. A successful stream ends with done, and nothing follows it; an error event may end the stream instead (the document does not say whether done follows error).',
      source: { doc: DOC, section: '接口地址, 请求参数, SSE 事件类型 and 状态码映射' },
      parameters: [
        {
          name: 'stream',
          in: 'query',
          required: false,
          description: 'true: answer with a text/event-stream (接口地址: /chat?stream=true).',
          schema: { type: 'string', enum: ['true', 'false'] },
        },
      ],
      requestBody: { required: true, description: 'The turn: sessionId, timeStamp and text (all required).', schema: { $ref: 'request.schema.json' } },
      responses: [
        {
          status: '200',
          description: 'The answer: one JSON object (its fields are not documented), or the event stream.',
          content: [
            { type: 'application/json', schema: { $ref: 'answer.schema.json' } },
            {
              type: 'text/event-stream',
              description: 'Named events, each with one data: line of JSON; done (or error) is the last.',
              events: [
                event('stage_code', 'stageCode', 'The stage the call moves to: nextStageCode (four digits) and its documented name nextStage.'),
                event('text_delta', 'textDelta', 'A fragment of the answer text.'),
                event('done', 'done', 'The stream has ended (流式结束): status "completed". Nothing follows it.'),
                event('error', 'error', 'What went wrong: msg and a string code.'),
              ],
            },
          ],
        },
        {
          status: '422',
          description:
            "A request without a required field is refused, not processed. The document does not give the refusal's form; FastAPI's validation error ({detail: [{loc, msg, type}]}) is what such a service answers.",
          content: [
            {
              type: 'application/json',
              schema: {
                type: 'object',
                required: ['detail'],
                properties: {
                  detail: {
                    type: 'array',
                    items: { type: 'object', properties: { loc: { type: 'array' }, msg: { type: 'string' }, type: { type: 'string' } } },
                  },
                },
              },
            },
          ],
        },
      ],
    },
  ],
};
