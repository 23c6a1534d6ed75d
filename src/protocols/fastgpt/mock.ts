import { randomBytes } from 'node:crypto';
import { isRecord } from '../../core/schemas.js';
import type { MockExchange, MockRoute, Refusal } from '../../mock/exchange.js';
import { remember, scriptReader, stateOf } from '../../mock/state.js';
import { answerBody, streamFrames, nodeResults, type Run } from './render.js';
import { FastgptScript } from './script.js';

const MAX_ITEMS_PER_CHAT = 1_000;

/** The one app the mock serves; every key the mock accepts belongs to it. */
export const MOCK_APP_ID = '6711c0ffee000000000c4a7e';

interface ChatItem {
  readonly _id: string;
  readonly dataId: string;
  readonly obj: 'Human' | 'AI';
  readonly value: unknown[];
  readonly customFeedbacks: string[];
  userGoodFeedback?: string;
  userBadFeedback?: string;
  readonly responseData?: unknown[];
}

interface Chat {
  readonly chatId: string;
  readonly title: string;
  customTitle: string;
  top: boolean;
  updateTime: Date;
  readonly variables: Record<string, unknown>;
  readonly items: ChatItem[];
  /** The script whose interactive node waits for the user's answer. */
  pending: FastgptScript | undefined;
}

/** Chats by id, as FastGPT keeps them for an app: created by completions, read and changed by the records calls. */
class FastgptState {
  readonly chats = new Map<string, Chat>();
}

const stateOfExchange = (exchange: MockExchange): FastgptState => stateOf(exchange.state, FastgptState);
const scriptOf = scriptReader(FastgptScript);

const id = (bytes = 12): string => randomBytes(bytes).toString('hex');

/** The {code, statusText, message, data} envelope; errors come with HTTP 500, as FastGPT v4.11–v4.14 send them. */
function envelope(exchange: MockExchange, script: FastgptScript, code: number, data: unknown, statusText = '', message = ''): void {
  const shownCode = script.faults.includes('envelope-code-string') ? String(code) : code;
  exchange.json(code === 200 ? 200 : 500, { code: shownCode, statusText, message, data });
}

/** How the mock refuses a request it will not serve (unknown scenario, body too large). */
export function refuse(exchange: MockExchange, refusal: Refusal): void {
  exchange.json(refusal.status, { code: refusal.status, statusText: 'badRequest', message: refusal.message, data: null });
}

interface Failure {
  readonly code: number;
  readonly statusText: string;
  readonly message: string;
}

function authFailure(exchange: MockExchange, script: FastgptScript): Failure | undefined {
  const auth = exchange.auth();
  if (auth === 'ok' || (auth === 'missing' && script.faults.includes('ok-without-key') && exchange.mayWeakenAuth())) return undefined;
  return auth === 'missing'
    ? { code: 403, statusText: 'unAuthorization', message: 'common:unAuthorization: the request has no API key (Authorization: Bearer <key>)' }
    : { code: 514, statusText: 'unAuthApiKey', message: 'common:unAuthApiKey: the API key is not valid' };
}

/** Reads and checks a request body; undefined (after answering) when it must be refused. */
async function readBody(exchange: MockExchange, fail: (failure: Failure) => void | Promise<void>): Promise<unknown> {
  // A GET, or a DELETE without a body, carries no body to check.
  const bodyless = exchange.method === 'GET' || (exchange.method === 'DELETE' && (await exchange.text()) === '');
  const intake = await exchange.intake({ check: !bodyless });
  if (!intake.ok) {
    await fail({ code: 413, statusText: 'payloadTooLarge', message: intake.refusal.message });
    return undefined;
  }
  if (bodyless) return {};
  if (intake.errors.length > 0) {
    const reasons = intake.errors.map((d) => `${d.type === 'request' && d.pointer !== '' ? `${d.pointer.slice(1)}: ` : ''}${d.message} (${d.rule})`);
    await fail({ code: 400, statusText: 'badRequest', message: `Failed to accept the request: ${reasons.join('; ')}` });
    return undefined;
  }
  return intake.json;
}

/** The user's question: the last message's text. */
function question(body: Record<string, unknown>): string {
  const messages = body['messages'];
  const last: unknown = Array.isArray(messages) ? messages.at(-1) : undefined;
  const content = isRecord(last) ? last['content'] : undefined;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('');
  return JSON.stringify(body['variables'] ?? {});
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
      await exchange.playStream({ status: 200, headers: {}, lineEnding: 'lf', frames: [{ event: 'error', data: { ...failure, data: null } }], end: 'close', holdMs: 0 });
    } else {
      envelope(exchange, script, failure.code, null, failure.statusText, failure.message);
    }
  };
  body = await readBody(exchange, failBeforeStream);
  if (body === undefined) return;
  if (!isRecord(body)) return failBeforeStream({ code: 400, statusText: 'badRequest', message: 'Failed to accept the request: the body must be a JSON object' });
  const auth = authFailure(exchange, script);
  if (auth !== undefined) return failBeforeStream(auth);
  if (script.error?.when === 'before') return failBeforeStream({ code: 500, statusText: '', message: script.error.message });

  const detail = body['detail'] === true || body['messages'] === undefined;
  const chatId = typeof body['chatId'] === 'string' && body['chatId'] !== '' ? body['chatId'] : undefined;
  const variables = isRecord(body['variables']) ? body['variables'] : {};
  const state = stateOfExchange(exchange);
  const chat = chatId === undefined ? undefined : state.chats.get(chatId);

  // The next message on a chat waiting at an interactive node answers it, and the workflow goes on.
  const resumed = chat?.pending;
  const run: Run =
    resumed !== undefined
      ? { script: { ...resumed, interactive: undefined, reasoning: [], fastAnswer: [], tools: [] }, answer: resumed.continuation?.answer ?? ['好的。'], pauses: false, variables }
      : { script, answer: script.answer, pauses: script.interactive !== undefined, variables };

  if (chatId !== undefined) {
    const asked = question(body);
    const target: Chat = chat ?? { chatId, title: asked.slice(0, 20), customTitle: '', top: false, updateTime: new Date(), variables: { ...variables }, items: [], pending: undefined };
    remember(state.chats, chatId, target);
    target.updateTime = new Date();
    target.pending = run.pauses ? script : undefined;
    const dataId = typeof body['responseChatItemId'] === 'string' ? body['responseChatItemId'] : id();
    target.items.push({ _id: id(), dataId: id(), obj: 'Human', value: textValue(asked), customFeedbacks: [] });
    target.items.push({ _id: id(), dataId, obj: 'AI', value: textValue([...run.script.fastAnswer, ...run.answer].join('')), customFeedbacks: [], responseData: nodeResults(run) });
    // A chat keeps its latest items only, so a client that never stops cannot grow the mock without bound.
    if (target.items.length > MAX_ITEMS_PER_CHAT) target.items.splice(0, target.items.length - MAX_ITEMS_PER_CHAT);
  }

  if (wantsStream(body)) await exchange.playStream(streamFrames(run, detail));
  else await exchange.playAnswer(answerBody(run, detail, chatId ?? id()));
};

/** A records route: auth, body or query, then the handler's data in the envelope. */
function records(method: string, path: string, handle: (args: Record<string, unknown>, state: FastgptState) => { data: unknown } | Failure): MockRoute {
  return {
    method,
    path,
    async handle(exchange) {
      const script = scriptOf(exchange.scenario());
      const fail = (failure: Failure): void => envelope(exchange, script, failure.code, null, failure.statusText, failure.message);
      const auth = authFailure(exchange, script);
      if (auth !== undefined) return fail(auth);
      const body = await readBody(exchange, fail);
      if (body === undefined) return;
      // The document passes these in the query; newer code reads item/delete's from the body: take both.
      const args: Record<string, unknown> = { ...Object.fromEntries(exchange.url.searchParams), ...(isRecord(body) ? body : {}) };
      if (args['appId'] !== undefined && args['appId'] !== MOCK_APP_ID) {
        return fail({ code: 500, statusText: 'unAuthApp', message: `common:unAuthApp: the key belongs to app ${MOCK_APP_ID}, not ${String(args['appId'])}` });
      }
      const result = handle(args, stateOfExchange(exchange));
      if ('data' in result) envelope(exchange, script, 200, result.data);
      else fail(result);
    },
  };
}

const missing = (names: string): Failure => ({ code: 500, statusText: 'missingParams', message: `common:missingParams: ${names} required` });
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const int = (value: unknown, fallback: number): number => {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : fallback;
};

const historyOf = (chat: Chat) => ({ chatId: chat.chatId, updateTime: chat.updateTime.toISOString(), appId: MOCK_APP_ID, customTitle: chat.customTitle, title: chat.title, top: chat.top });

export const fastgptRoutes: readonly MockRoute[] = [
  { method: 'POST', path: '/api/v1/chat/completions', handle: completions },
  { method: 'POST', path: '/api/v2/chat/completions', handle: completions },
  records('POST', '/api/core/chat/history/getHistories', (args, state) => {
    if (str(args['appId']) === undefined) return missing('appId');
    const list = [...state.chats.values()].sort((a, b) => Number(b.top) - Number(a.top) || b.updateTime.getTime() - a.updateTime.getTime());
    const offset = int(args['offset'], 0);
    return { data: { list: list.slice(offset, offset + int(args['pageSize'], 20)).map(historyOf), total: list.length } };
  }),
  records('POST', '/api/core/chat/history/updateHistory', (args, state) => {
    const chatId = str(args['chatId']);
    if (chatId === undefined) return missing('chatId');
    const chat = state.chats.get(chatId);
    if (chat !== undefined) {
      if (typeof args['customTitle'] === 'string') chat.customTitle = args['customTitle'];
      if (typeof args['top'] === 'boolean') chat.top = args['top'];
      chat.updateTime = new Date();
    }
    return { data: null };
  }),
  records('DELETE', '/api/core/chat/history/delHistory', (args, state) => {
    const chatId = str(args['chatId']);
    if (chatId === undefined) return missing('chatId');
    state.chats.delete(chatId);
    return { data: null };
  }),
  records('DELETE', '/api/core/chat/history/clearHistories', (_args, state) => {
    state.chats.clear();
    return { data: null };
  }),
  records('GET', '/api/core/chat/init', (args, state) => {
    const chatId = str(args['chatId']);
    if (chatId === undefined) return missing('chatId');
    const chat = state.chats.get(chatId);
    const app = {
      chatConfig: { questionGuide: true, ttsConfig: { type: 'web' }, variables: [], welcomeText: '' },
      chatModels: ['GPT-4o-mini'],
      name: 'chatwire mock app',
      avatar: '/imgs/app/avatar/workflow.svg',
      intro: '',
      type: 'advanced',
      pluginInputs: [],
    };
    return { data: { chatId, appId: MOCK_APP_ID, title: chat?.title ?? '', variables: chat?.variables ?? {}, app } };
  }),
  records('POST', '/api/core/chat/getPaginationRecords', (args, state) => {
    const items = state.chats.get(str(args['chatId']) ?? '')?.items ?? [];
    const offset = int(args['offset'], 0);
    const list = items.slice(offset, offset + int(args['pageSize'], 10)).map(({ responseData: _omitted, ...item }) => ({ ...item, ...(item.obj === 'AI' ? { totalQuoteList: [], totalRunningTime: 1.2 } : {}) }));
    return { data: { list, total: items.length } };
  }),
  records('GET', '/api/core/chat/getResData', (args, state) => {
    const item = state.chats.get(str(args['chatId']) ?? '')?.items.find((candidate) => candidate.dataId === args['dataId']);
    return { data: item?.responseData ?? [] };
  }),
  records('DELETE', '/api/core/chat/item/delete', (args, state) => {
    const chat = state.chats.get(str(args['chatId']) ?? '');
    const contentId = str(args['contentId']);
    if (contentId === undefined) return missing('contentId');
    const index = chat?.items.findIndex((item) => item.dataId === contentId) ?? -1;
    if (chat !== undefined && index >= 0) chat.items.splice(index, 1);
    return { data: null };
  }),
  records('POST', '/api/core/chat/feedback/updateUserFeedback', (args, state) => {
    const item = state.chats.get(str(args['chatId']) ?? '')?.items.find((candidate) => candidate.dataId === args['dataId']);
    if (item !== undefined) {
      // Omitting a field undoes that feedback.
      if (typeof args['userGoodFeedback'] === 'string') item.userGoodFeedback = args['userGoodFeedback'];
      else delete item.userGoodFeedback;
      if (typeof args['userBadFeedback'] === 'string') item.userBadFeedback = args['userBadFeedback'];
      else delete item.userBadFeedback;
    }
    return { data: {} };
  }),
  records('POST', '/api/core/ai/agent/v2/createQuestionGuide', (args) => {
    if (str(args['chatId']) === undefined) return missing('chatId');
    return { data: ['2路汽车的末班车是几点？', '新海诚还导演过哪些电影？', '可以推荐类似的电影吗？'] };
  }),
];
