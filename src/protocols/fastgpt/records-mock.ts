import { isRecord } from '../../core/schemas.js';
import type { MockRoute } from '../../mock/exchange.js';
import { authFailure, envelope, MOCK_APP_ID, readBody, scriptOf, stateOfExchange, type Chat, type Failure, type FastgptState } from './mock-base.js';

/** A records route: auth, body or query, then the handler's data in the envelope. */
function records(method: string, path: string, handle: (args: Record<string, unknown>, state: FastgptState) => { data: unknown } | Failure): MockRoute {
  return {
    method,
    path,
    async handle(exchange) {
      const script = scriptOf(exchange.scenario());
      const fail = (failure: Failure): void => envelope(exchange, script, failure.code, null, failure.statusText, failure.message);
      // Read and judged before the key is refused, so that a call without one is a client deviation too.
      const auth = authFailure(exchange, script);
      const body = await readBody(exchange, auth === undefined ? fail : () => fail(auth));
      if (body === undefined) return;
      if (auth !== undefined) return fail(auth);
      // The document passes these in the query; newer code reads item/delete's from the body: take both.
      const args: Record<string, unknown> = { ...Object.fromEntries(exchange.url.searchParams), ...(isRecord(body) ? body : {}) };
      if (args['appId'] !== undefined && args['appId'] !== MOCK_APP_ID) {
        return fail({
          code: 500,
          statusText: 'unAuthApp',
          message: `common:unAuthApp: the key belongs to app ${MOCK_APP_ID}, not ${typeof args['appId'] === 'string' ? args['appId'] : JSON.stringify(args['appId'])}`,
        });
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

const historyOf = (chat: Chat) => ({
  chatId: chat.chatId,
  updateTime: chat.updateTime.toISOString(),
  appId: MOCK_APP_ID,
  customTitle: chat.customTitle,
  title: chat.title,
  top: chat.top,
});

/** The chat records calls: histories, one chat, its items and feedback. */
export const recordRoutes: readonly MockRoute[] = [
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
      state.chats.set(chatId, chat);
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
    const list = items
      .slice(offset, offset + int(args['pageSize'], 10))
      .map(({ responseData: _omitted, ...item }) => ({ ...item, ...(item.obj === 'AI' ? { totalQuoteList: [], totalRunningTime: 1.2 } : {}) }));
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
    if (chat !== undefined && index >= 0) {
      chat.items.splice(index, 1);
      state.chats.set(chat.chatId, chat);
    }
    return { data: null };
  }),
  records('POST', '/api/core/chat/feedback/updateUserFeedback', (args, state) => {
    const chat = state.chats.get(str(args['chatId']) ?? '');
    const item = chat?.items.find((candidate) => candidate.dataId === args['dataId']);
    if (chat !== undefined && item !== undefined) {
      // Omitting a field undoes that feedback.
      if (typeof args['userGoodFeedback'] === 'string') item.userGoodFeedback = args['userGoodFeedback'];
      else delete item.userGoodFeedback;
      if (typeof args['userBadFeedback'] === 'string') item.userBadFeedback = args['userBadFeedback'];
      else delete item.userBadFeedback;
      state.chats.set(chat.chatId, chat);
    }
    return { data: {} };
  }),
  records('POST', '/api/core/ai/agent/v2/createQuestionGuide', (args) => {
    if (str(args['chatId']) === undefined) return missing('chatId');
    return { data: ['2路汽车的末班车是几点？', '新海诚还导演过哪些电影？', '可以推荐类似的电影吗？'] };
  }),
];
