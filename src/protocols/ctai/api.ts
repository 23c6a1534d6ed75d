import type { HttpApi } from '../../transports/http/openapi.js';
import { CHAT_PATH } from './mock.js';
import { DOC } from './rules/index.js';

/** The ctai call as data, for `chatwire spec ctai` (OpenAPI). */
export const ctaiApi: HttpApi = {
  description:
    'One call, POST /v1/ctai/query_text_chat: a question over a knowledge base, answered as one JSON object (stream "0") or as a text/event-stream of packets numbered by msg_sn and ended by a stop packet (stream "1"). Every request field is a string, flags included. Failures keep the envelope: ret is not "0" and msg says why.',
  server: 'http://127.0.0.1:8080',
  operations: [
    {
      operationId: 'queryTextChat',
      method: 'POST',
      path: CHAT_PATH,
      summary: 'Ask a question; the answer comes whole (stream "0") or as SSE packets (stream "1")',
      description:
        'With stream "1" the answer is a text/event-stream: each packet has an id: line (its msg_id in the example) and one data: line of JSON; msg_sn counts from "0" by one; the last packet is the stop packet (event "stop", no answer_text, the whole citation and follow-up lists) and the server then closes the connection. A streaming client must not send Accept: application/json. Resuming with Last-Event-ID is not supported.',
      source: { doc: DOC, section: '请求参数, 应答 Header, 流式应答 and 应答示例' },
      requestBody: { required: true, description: 'The question and its options, every value a string.', schema: { $ref: 'request.schema.json' } },
      responses: [
        {
          status: '200',
          description: 'The answer, or a failure in the same envelope (ret other than "0", msg saying why).',
          content: [
            { type: 'application/json', schema: { $ref: 'answer.schema.json' } },
            {
              type: 'text/event-stream',
              description: 'Packets, each one SSE event, the last one the stop packet; the server closes the connection after it.',
              events: [
                {
                  description:
                    'A packet: a part of the answer (event ""), or the stop packet (event "stop", answer_text "", the whole answer\'s ref_doc_list and follow_up_list). A failure is a packet with ret other than "0".',
                  data: { json: { $ref: 'packet.schema.json' } },
                  id: "The packet's msg_id, as in the document's example.",
                },
              ],
            },
          ],
        },
        {
          status: 'default',
          description: 'A request the field table rules out is refused in the same envelope, ret other than "0".',
          content: [{ type: 'application/json', schema: { $ref: 'answer.schema.json' } }],
        },
      ],
    },
  ],
};
