import type { JsonObject } from '../../core/bundle.js';
import type { SocketApi, SocketEvent } from '../../transports/socketio/asyncapi.js';
import { DOC } from './rules/index.js';

/** A request payload: the object, or the same object as a JSON string, as the document's client emits it. */
const request: JsonObject = {
  description: "The request as an object, or the same object as a JSON string (the document's client emits json.dumps(param)): a server accepts both.",
  oneOf: [{ $ref: 'request.schema.json' }, { type: 'string', contentMediaType: 'application/json' }],
};
const answer: JsonObject = { $ref: 'answer.schema.json' };

/** SUM, QA and GEN: the sample client listens for their answers; their requests follow CHAT_CS by symmetry. */
const inferred = (kind: string, what: string): SocketEvent[] => [
  {
    name: `${kind}_CS`,
    action: 'send',
    summary: `Ask for a ${what} (inferred)`,
    description: `The request of the ${what} feature, by symmetry with CHAT_CS: the same payload. A server that does not implement it may stay silent.`,
    source: { doc: DOC, section: `测试代码 (@sio.on('${kind}_SS')); digest: ${kind}_CS by symmetry` },
    basis: 'inferred',
    payload: request,
    answeredBy: `${kind}_SS`,
  },
  {
    name: `${kind}_SS`,
    action: 'receive',
    summary: `The ${what} answer, in the CHAT_SS envelope (inferred)`,
    description: `The sample client listens for ${kind}_SS; its payload is taken to be CHAT_SS's.`,
    source: { doc: DOC, section: `测试代码 (@sio.on('${kind}_SS'))` },
    basis: 'inferred',
    payload: answer,
  },
];

/** The pocketqa events as data, for `chatwire spec pocketqa` (AsyncAPI). */
export const pocketqaApi: SocketApi = {
  description:
    'PocketQA over Socket.IO: the client emits CHAT_CS with a question; the server answers that socket (or its room) with a run of CHAT_SS events, each carrying a piece of the answer in delta, the last one with finish_reason "stop". Nothing more for that question follows it.',
  host: '127.0.0.1:6006',
  namespace: '/',
  acknowledged: false,
  events: [
    {
      name: 'CHAT_CS',
      action: 'send',
      summary: 'Ask a question',
      description:
        'The question in text, the chat room in room (may be empty: the server then picks one, the socket id in the example), an upload id in upload_id.',
      source: { doc: DOC, section: '监听事件(request)' },
      basis: 'doc',
      payload: request,
      answeredBy: 'CHAT_SS',
    },
    {
      name: 'CHAT_SS',
      action: 'receive',
      summary: 'A piece of the answer; finish_reason "stop" marks the last',
      description:
        'Sent only to the socket that asked (or its room). Partial events carry delta text and an empty or null finish_reason; exactly one event per answer has finish_reason "stop", and it is the last. room is the room the client sent, else the server\'s choice; received carries clue and alter, and in the example echoes the request with prompt and history.',
      source: { doc: DOC, section: '发送事件(response)' },
      basis: 'doc',
      payload: answer,
    },
    ...inferred('SUM', 'summary'),
    ...inferred('QA', 'question-and-answer'),
    ...inferred('GEN', 'generation'),
  ],
};
