// In-memory "database" of one FastGPT deployment: four apps (each with its own API key)
// and the chats created through /api/v1/chat/completions.
import crypto from 'node:crypto';

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export const hexId = () => crypto.randomBytes(12).toString('hex'); // Mongo ObjectId look-alike
export const nanoid = (n = 12) => {
  const b = crypto.randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHA[b[i] % ALPHA.length];
  return s;
};

const APP_DEFS = {
  chat: { name: '简单对话', type: 'simple', avatar: '/imgs/app/avatar/simple.svg' },
  select: { name: '用户选择工作流', type: 'advanced', avatar: '/imgs/app/avatar/workflow.svg' },
  form: { name: '表单输入工作流', type: 'advanced', avatar: '/imgs/app/avatar/workflow.svg' },
  plugin: { name: '问答插件', type: 'plugin', avatar: '/imgs/app/avatar/plugin.svg' }
};

export function createStore() {
  const apps = {};
  const byKey = new Map();
  const byId = new Map();
  for (const [kind, def] of Object.entries(APP_DEFS)) {
    const app = { kind, id: hexId(), key: `fastgpt-${nanoid(48)}`, ...def };
    apps[kind] = app;
    byKey.set(app.key, app);
    byId.set(app.id, app);
  }
  const chats = new Map(); // `${appId}\u0000${chatId}` -> chat
  const k = (appId, chatId) => `${appId}\u0000${chatId}`;

  return {
    apps,
    appByKey: (key) => byKey.get(key),
    appById: (id) => byId.get(id),
    getChat: (appId, chatId) => {
      const c = chats.get(k(appId, chatId));
      return c && !c.deleted ? c : undefined;
    },
    ensureChat(appId, chatId, title) {
      let c = chats.get(k(appId, chatId));
      if (!c || c.deleted) {
        c = {
          chatId, appId, title, customTitle: '', top: false, source: 'api',
          createTime: new Date(), updateTime: new Date(), variables: {}, items: [], deleted: false
        };
        chats.set(k(appId, chatId), c);
      }
      return c;
    },
    listChats: (appId) => [...chats.values()].filter((c) => c.appId === appId && !c.deleted),
    allChats: () => [...chats.values()].filter((c) => !c.deleted)
  };
}

// Text of a chat item value ([{type:'text', text:{content}}, ...]).
export const valueText = (value) =>
  (value || []).filter((v) => v.text).map((v) => v.text.content).join('');
