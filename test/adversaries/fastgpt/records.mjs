// Chat CRUD: /api/core/chat/... and /api/core/ai/agent/v2/createQuestionGuide.
// Every answer is the envelope {code, statusText, message, data}.
import { bad, AppError, authApp, sendJson } from './errors.mjs';
import { valueText } from './store.mjs';

function ok(ctx, data) {
  const code = ctx.o.fault === 'envelope-code-string' ? '200' : 200;
  sendJson(ctx.res, 200, { code, statusText: '', message: '', data: data === undefined ? null : data });
}

const str = (v) => (v === undefined || v === null ? '' : String(v));
const int = (v, dflt) => {
  if (v === undefined || v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw bad(`Invalid number: ${String(v)}`);
  return Math.floor(n);
};

function needApp(ctx, p) {
  authApp(ctx, 'records');
  const appId = str(p.appId);
  if (!appId) throw bad('appId is required');
  const app = ctx.store.appById(appId);
  if (!app) throw new AppError(undefined, 'appUnExist');
  return app;
}
function needChatId(p) {
  const chatId = str(p.chatId);
  if (!chatId) throw bad('chatId is required');
  return chatId;
}

function recordItem(ctx, item) {
  const { o } = ctx;
  const value = o.docShapes ? item.value.map(({ type, ...rest }) => (type === 'text' ? rest : { type, ...rest })) : item.value;
  const out = { _id: item._id, dataId: item.dataId, obj: item.obj, value, customFeedbacks: [] };
  if (item.userGoodFeedback !== undefined) out.userGoodFeedback = item.userGoodFeedback;
  if (item.userBadFeedback !== undefined) out.userBadFeedback = item.userBadFeedback;
  if (item.obj === 'AI') {
    Object.assign(out, { totalQuoteList: [], totalRunningTime: item.durationSeconds ?? 0, useAgentSandbox: false });
    if (!o.docShapes) out.llmModuleAccount = 1, out.historyPreviewLength = 2;
  }
  if (o.extras) out.time = item.time.toISOString(), out.hideInUI = false;
  return out;
}

const handlers = {
  async '/api/core/chat/history/getHistories'(ctx, p) {
    const app = needApp(ctx, p);
    const offset = int(p.offset, 0);
    const pageSize = int(p.pageSize, 20);
    let chats = ctx.store.listChats(app.id);
    if (p.source && p.source !== 'api') chats = [];
    chats.sort((a, b) => (b.top - a.top) || (b.updateTime - a.updateTime));
    const page = ctx.o.fault === 'histories-ignore-pagesize' ? chats : chats.slice(offset, offset + pageSize);
    ok(ctx, {
      list: page.map((c) => ({
        chatId: c.chatId, updateTime: c.updateTime.toISOString(), appId: c.appId,
        customTitle: c.customTitle, title: c.title, top: c.top,
        ...(ctx.o.extras ? { source: c.source, sourceName: '', hasGoodFeedback: false } : {})
      })),
      total: chats.length
    });
  },
  async '/api/core/chat/history/updateHistory'(ctx, p) {
    const app = needApp(ctx, p);
    const chat = ctx.store.getChat(app.id, needChatId(p));
    if (chat) {
      if (p.customTitle !== undefined) chat.customTitle = str(p.customTitle);
      if (p.top !== undefined) chat.top = !!p.top;
      if (p.title !== undefined) chat.title = str(p.title);
      chat.updateTime = new Date();
    }
    ok(ctx, null);
  },
  async '/api/core/chat/history/delHistory'(ctx, p) {
    const app = needApp(ctx, p);
    const chat = ctx.store.getChat(app.id, needChatId(p));
    if (chat && ctx.o.fault !== 'delhistory-noop') chat.deleted = true;
    ok(ctx, null);
  },
  async '/api/core/chat/history/clearHistories'(ctx, p) {
    const app = needApp(ctx, p);
    for (const c of ctx.store.listChats(app.id)) if (c.source === 'api') c.deleted = true;
    ok(ctx, null);
  },
  async '/api/core/chat/init'(ctx, p) {
    const app = needApp(ctx, p);
    const chatId = str(p.chatId);
    const chat = chatId ? ctx.store.getChat(app.id, chatId) : undefined;
    ok(ctx, {
      chatId, appId: app.id, title: chat?.title, userAvatar: undefined, variables: chat?.variables || {},
      app: {
        chatConfig: {
          questionGuide: true, ttsConfig: { type: 'web' },
          whisperConfig: { open: false, autoSend: false, autoTTSResponse: false },
          chatInputGuide: { open: false, textList: [], customUrl: '' }, instruction: '', variables: [],
          fileSelectConfig: { canSelectFile: true, canSelectImg: true, maxFiles: 10 }, welcomeText: ''
        },
        chatModels: ['GPT-4o-mini'], name: app.name, avatar: app.avatar, intro: '', type: app.type,
        pluginInputs: app.kind === 'plugin'
          ? [{ key: 'query', label: 'query', valueType: 'string', renderTypeList: ['input', 'reference'], required: true, description: '' }]
          : []
      }
    });
  },
  async '/api/core/chat/getPaginationRecords'(ctx, p) {
    const app = needApp(ctx, p);
    const chatId = needChatId(p);
    const offset = int(p.offset, 0);
    const pageSize = int(p.pageSize, 10);
    const items = ctx.o.fault === 'records-cross-chat'
      ? ctx.store.listChats(app.id).flatMap((c) => c.items).sort((a, b) => a.time - b.time)
      : ctx.store.getChat(app.id, chatId)?.items || [];
    // FastGPT pages from the newest record backwards and returns each page in time order.
    const end = Math.max(0, items.length - offset);
    const page = items.slice(Math.max(0, end - pageSize), end);
    ok(ctx, { list: page.map((i) => recordItem(ctx, i)), total: items.length });
  },
  async '/api/core/chat/getResData'(ctx, p) {
    const app = needApp(ctx, p);
    const chat = ctx.store.getChat(app.id, needChatId(p));
    if (!str(p.dataId)) throw bad('dataId is required');
    const item = chat?.items.find((i) => i.dataId === str(p.dataId));
    ok(ctx, item?.obj === 'AI' ? item.responseData || [] : []);
  },
  async '/api/core/chat/item/delete'(ctx, p) {
    const app = needApp(ctx, p);
    const chat = ctx.store.getChat(app.id, needChatId(p));
    const contentId = str(p.contentId || p.dataId);
    if (!contentId) throw bad('contentId is required');
    if (chat) chat.items = chat.items.filter((i) => i.dataId !== contentId);
    ok(ctx, null);
  },
  async '/api/core/chat/feedback/updateUserFeedback'(ctx, p) {
    const app = needApp(ctx, p);
    const chat = ctx.store.getChat(app.id, needChatId(p));
    if (!str(p.dataId)) throw bad('dataId is required');
    const item = chat?.items.find((i) => i.dataId === str(p.dataId));
    if (!item) throw new AppError('chat:error.chat_item_not_exist', 'chatUnExist');
    if (p.userGoodFeedback === undefined || p.userGoodFeedback === null) delete item.userGoodFeedback;
    else item.userGoodFeedback = str(p.userGoodFeedback);
    if (p.userBadFeedback === undefined || p.userBadFeedback === null) delete item.userBadFeedback;
    else item.userBadFeedback = str(p.userBadFeedback);
    ok(ctx, ctx.o.docShapes ? null : {});
  },
  async '/api/core/ai/agent/v2/createQuestionGuide'(ctx, p) {
    const app = needApp(ctx, p);
    const chat = ctx.store.getChat(app.id, needChatId(p));
    if (p.questionGuide != null && typeof p.questionGuide !== 'object') throw bad('questionGuide must be an object');
    const lastAi = chat ? [...chat.items].reverse().find((i) => i.obj === 'AI') : undefined;
    const topic = [...(valueText(lastAi?.value) || '这个话题')].slice(0, 8).join('');
    ok(ctx, [`关于「${topic}」还有什么细节？`, '能举一个具体的例子吗？', '下一步我应该做什么？']);
  }
};

export const recordPaths = Object.keys(handlers);

export async function records(ctx, path) {
  const p = { ...ctx.query, ...(ctx.body && typeof ctx.body === 'object' && !Array.isArray(ctx.body) ? ctx.body : {}) };
  if (ctx.bodyError && ctx.req.method === 'POST') throw bad('Invalid JSON body');
  await handlers[path](ctx, p);
}
