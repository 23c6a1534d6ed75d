import { awaitedReplies } from './rules/interactive-reply.js';
import { isPluginCall, messageText } from './rules/read.js';
import { isRecord } from '../../core/schemas.js';
import type { MockRoute } from '../../mock/exchange.js';
import { approxBytes } from '../../mock/state.js';
import { authFailure, chatBytes, envelope, id, readBody, scriptOf, stateOfExchange, type Chat, type Failure } from './mock-base.js';
import { recordRoutes } from './records-mock.js';
import { answerBody, streamFrames, nodeResults, type Run } from './render.js';

export { MOCK_APP_ID, refuse } from './mock-base.js';

const MAX_ITEMS_PER_CHAT = 1_000;
/** A chat keeps its latest items within this many bytes too, whatever the size of each message. */
const MAX_CHAT_BYTES = 4 * 1024 * 1024;

/** The user's question: the last message's text. */
function question(body: Record<string, unknown>): string {
  const messages = body['messages'];
  return messageText(Array.isArray(messages) ? messages.at(-1) : undefined) ?? JSON.stringify(body['variables'] ?? {});
}

const textValue = (content: string): unknown[] => [{ type: 'text', text: { content } }];

const completions: MockRoute['handle'] = async (exchange) => {
  const scenario = exchange.scenario();
  const script = scriptOf(scenario);
  const wantsStream = (body: unknown): boolean => isRecord(body) && body['stream'] === true;
  let body: unknown;
  // Before the stream starts, FastGPT answers a failure as one event: error frame (stream) or an envelope.
  const failBeforeStream = async (failure: Failure): Promise<void> => {
    if (wantsStream(body)) {
      await exchange.playStream({
        status: 200,
        headers: {},
        lineEnding: 'lf',
        frames: [{ event: 'error', data: { ...failure, data: null } }],
        end: 'close',
        holdMs: 0,
      });
    } else {
      envelope(exchange, script, failure.code, null, failure.statusText, failure.message);
    }
  };
  body = await readBody(exchange, failBeforeStream);
  if (body === undefined) return;
  if (!isRecord(body))
    return failBeforeStream({ code: 400, statusText: 'badRequest', message: 'Failed to accept the request: the body must be a JSON object' });
  const auth = authFailure(exchange, script);
  if (auth !== undefined) return failBeforeStream(auth);
  if (script.error?.when === 'before') return failBeforeStream({ code: 500, statusText: '', message: script.error.message });

  const detail = body['detail'] === true || isPluginCall(body);
  const chatId = typeof body['chatId'] === 'string' && body['chatId'] !== '' ? body['chatId'] : undefined;
  const variables = isRecord(body['variables']) ? body['variables'] : {};
  const state = stateOfExchange(exchange);
  const chat = chatId === undefined ? undefined : state.chats.get(chatId);

  // The next message on a chat waiting at an interactive node answers it, and the workflow goes on.
  const resumed = chat?.pending;
  const run: Run =
    resumed !== undefined
      ? {
          script: { ...resumed, interactive: undefined, reasoning: [], fastAnswer: [], tools: [] },
          answer: resumed.continuation?.answer ?? ['好的。'],
          pauses: false,
          variables,
        }
      : { script, answer: script.answer, pauses: script.interactive !== undefined, variables };

  if (chatId !== undefined) {
    const asked = question(body);
    const target: Chat = chat ?? {
      chatId,
      // A copy, not a slice: a slice would keep the whole question alive after its items are dropped.
      title: Array.from(asked.slice(0, 20)).join(''),
      customTitle: '',
      top: false,
      updateTime: new Date(),
      variables: { ...variables },
      items: [],
      pending: undefined,
    };
    target.updateTime = new Date();
    target.pending = run.pauses ? script : undefined;
    // What the client's next message on this chat must be (fastgpt.request.interactive-reply judges it).
    awaitedReplies(exchange.state).expect(chatId, run.pauses ? script.interactive : undefined);
    const dataId = typeof body['responseChatItemId'] === 'string' ? body['responseChatItemId'] : id();
    target.items.push({ _id: id(), dataId: id(), obj: 'Human', value: textValue(asked), customFeedbacks: [] });
    target.items.push({
      _id: id(),
      dataId,
      obj: 'AI',
      value: textValue([...run.script.fastAnswer, ...run.answer].join('')),
      customFeedbacks: [],
      responseData: nodeResults(run),
    });
    // A chat keeps its latest items only, so a client that never stops cannot grow the mock without bound.
    let bytes = chatBytes(target);
    while (target.items.length > 2 && (target.items.length > MAX_ITEMS_PER_CHAT || bytes > MAX_CHAT_BYTES)) bytes -= approxBytes(target.items.shift());
    state.chats.set(chatId, target);
  }

  if (wantsStream(body)) await exchange.playStream(streamFrames(run, detail, exchange.url.pathname.includes('/api/v2/')));
  else await exchange.playAnswer(answerBody(run, detail, chatId ?? id()));
};

export const fastgptRoutes: readonly MockRoute[] = [
  { method: 'POST', path: '/api/v1/chat/completions', handle: completions },
  { method: 'POST', path: '/api/v2/chat/completions', handle: completions },
  ...recordRoutes,
];
