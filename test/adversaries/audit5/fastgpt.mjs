// fastgpt server (004_2a3e4b61cfa92e1b.txt + FastGPT's code as the digest records it)
import crypto from 'node:crypto';
import { startRaw, sseText, toJSON, addExtra, ctype, mkRng, sleep } from './wire.mjs';

export const KEYS = { main: 'fastgpt-main-key', select: 'fastgpt-select-key', form: 'fastgpt-form-key', plugin: 'fastgpt-plugin-key' };
export const APP_ID = '6711c0ffee000000000c4a7e';
const APPS = { [KEYS.main]: { id: APP_ID, kind: 'chat' }, [KEYS.select]: { id: '6711c0ffee000000000c4a01', kind: 'select' }, [KEYS.form]: { id: '6711c0ffee000000000c4a02', kind: 'form' }, [KEYS.plugin]: { id: '6711c0ffee000000000c4a03', kind: 'plugin' } };
const oid = () => crypto.randomBytes(12).toString('hex');

export function startFastgpt(cfg, log) {
  const rng = mkRng((cfg.seed || 7) * 13 + 5);
  const F = cfg.fault || '';
  const chats = new Map(); // chatId -> {appId, items, title, customTitle, top, updateTime, pending, source, turns}
  let lastQ = '';
  const J = (v) => toJSON(addExtra(v, cfg.extra), cfg, rng);
  const jsonResp = (status, obj, ct = 'application/json') => ({ status, headers: [['Content-Type', ctype(ct, cfg)]], body: J(obj) });
  const env = (data, code = 200, statusText = '', message = '') => ({ code, statusText, message, data });
  const authErr = (req) => {
    const a = req.headers['authorization'];
    if (!a) return { code: 403, statusText: 'unAuthorization', message: 'common:unAuthorization', data: null };
    const k = a.replace(/^Bearer\s+/i, '');
    if (!APPS[k]) return { code: 514, statusText: 'unAuthApiKey', message: 'common:unAuthApiKey', data: null };
    return null;
  };
  const refusal = (e) => jsonResp(cfg.authStatus === '401' ? 401 : cfg.authStatus === '200' ? 200 : 500, e);

  const chunk = (delta, fin = null) => {
    const meta = cfg.chunkMeta === 'openai' ? { id: 'chatcmpl-' + oid().slice(0, 10), object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: 'gpt-4o-mini' } : { id: '', object: '', created: 0, model: '' };
    return { ...meta, choices: [{ delta, index: 0, finish_reason: fin }] };
  };
  const stopDelta = () => (cfg.stopDelta === 'empty' ? {} : { role: 'assistant', content: null });
  const nodeResults = (kind, text) => {
    const r = [{ id: 'n0', nodeId: 'chatNode1', moduleName: 'AI 对话', moduleType: 'chatNode', runningTime: 1.1, totalPoints: 0 }];
    if (kind === 'plugin') r.push({ id: 'out', nodeId: 'pluginOutput', moduleName: '插件输出', moduleType: 'pluginOutput', runningTime: 0, pluginOutput: { result: text } });
    return r;
  };

  function chatAnswer(app, body, chat) {
    // returns {text, interactive}
    const msgs = body.messages || [];
    const last = msgs[msgs.length - 1];
    let q = typeof last?.content === 'string' ? last.content : Array.isArray(last?.content) ? last.content.filter((p) => p.type === 'text').map((p) => p.text).join(' ') : '';
    if (app.kind === 'plugin') { return { q: JSON.stringify(body.variables || {}), text: `插件结果：${JSON.stringify(body.variables || {})}` }; }
    if (F === 'concurrent-leak') { lastQ = q; }
    const hist = chat ? chat.items.filter((i) => i.obj === 'Human').map((i) => i.value[0].text.content) : msgs.slice(0, -1).filter((m) => m.role === 'user').map((m) => m.content);
    if (app.kind === 'select' || app.kind === 'form') {
      const pend = chat ? chat.pending : null;
      if (pend && (F !== 'interactive-not-resumed')) {
        let ok = false;
        if (pend.type === 'userSelect') ok = pend.params.userSelectOptions.some((o) => o.value === q);
        else { try { const o = JSON.parse(q); ok = o && typeof o === 'object'; } catch {} }
        if (ok) { chat.pending = null; return { q, text: `已收到「${q}」，工作流继续执行，完成。` }; }
      }
      const inter = app.kind === 'select'
        ? { type: 'userSelect', params: { description: '请选择下一步', userSelectOptions: [{ key: 'option1', value: '确认' }, { key: 'option2', value: '取消' }] } }
        : { type: 'userInput', params: { description: '请填写表单', inputForm: [{ type: 'input', key: 'name', label: '姓名', value: '', valueType: 'string', required: true, description: '' }, { type: 'numberInput', key: 'age', label: '年龄', value: '', valueType: 'number', required: false, defaultValue: 18 }] } };
      if (chat) chat.pending = inter;
      return { q, interactive: inter, text: '' };
    }
    let text = `您问的是「${q}」。这里是一段比较长的回答，分成很多块发送：一，二，三，四，五，六，七，八，九，十。`;
    if (cfg.emoji) text += ' 😀👍🏽 ﷽ \u2028 ';
    if (hist.length) text += ` 此前的问题：${hist.join('；')}。`;
    return { q, text };
  }

  function record(chat, q, text, dataId, inter) {
    chat.items.push({ _id: oid(), dataId: oid(), obj: 'Human', value: [{ type: 'text', text: { content: q } }], customFeedbacks: [] });
    const ai = { _id: oid(), dataId: dataId || oid(), obj: 'AI', value: inter ? [{ type: 'interactive', interactive: inter }] : [{ type: 'text', text: { content: text } }], customFeedbacks: [], responseData: nodeResults('chat', text) };
    chat.items.push(ai);
    if (!chat.title) chat.title = q.slice(0, 20);
    chat.updateTime = new Date().toISOString();
  }

  async function completions(req, v2) {
    const wantStream = (() => { try { return JSON.parse(req.body).stream === true; } catch { return false; } })();
    const e = authErr(req);
    const preErr = (err) => {
      if (wantStream && cfg.preErr !== 'json') { const c2 = { eol: cfg.eol, ws: cfg.ws, nospace: cfg.nospace, ascii: cfg.ascii, keyorder: cfg.keyorder }; return { status: 200, headers: [['Content-Type', ctype('application/json', cfg)]], body: sseText([{ event: 'error', data: addExtra(err, cfg.extra) }], c2, rng)[0].text }; }
      return refusal(err);
    };
    if (e) {
      if (F === 'error-no-message' && wantStream) return sse([{ event: 'error', data: { code: e.code, statusText: e.statusText, data: null } }]);
      if (F === 'wrong-key-stream-done' && wantStream && e.code === 514) return sse([{ event: 'error', data: e }, { event: 'answer', data: '[DONE]' }]);
      return preErr(e);
    }
    const app = APPS[req.headers['authorization'].replace(/^Bearer\s+/i, '')];
    let body;
    try { body = JSON.parse(req.body); } catch { return preErr({ code: 400, statusText: 'badRequest', message: 'body is not JSON', data: null }); }
    if (!body || typeof body !== 'object') return preErr({ code: 400, statusText: 'badRequest', message: 'body must be an object', data: null });
    if (app.kind !== 'plugin' && (!Array.isArray(body.messages) || body.messages.length === 0)) return preErr({ code: 400, statusText: 'badRequest', message: 'messages must be a non-empty array', data: null });
    const stream = body.stream === true;
    const detail = body.detail === true || (app.kind === 'plugin' && !(F === 'plugin-stream-unnamed' && body.stream === true));
    let chat = null;
    if (body.chatId && app.kind !== 'plugin') {
      chat = chats.get(body.chatId);
      if (!chat) { chat = { chatId: body.chatId, appId: app.id, items: [], title: '', customTitle: '', top: false, updateTime: new Date().toISOString(), pending: null, source: 'api', turns: 0, variables: body.variables || {} }; chats.set(body.chatId, chat); }
      chat.turns++;
    }
    let ans = chatAnswer(app, body, chat);
    if (F === 'concurrent-leak') { await sleep(300); ans = chatAnswer(app, { ...body, messages: [{ role: 'user', content: lastQ }] }, null); }
    if (chat) record(chat, ans.q, ans.text, body.responseChatItemId, ans.interactive);
    const results = nodeResults(F === 'plugin-stream-no-output' && stream ? 'chat' : app.kind, ans.text);
    if (!stream) {
      let content = ans.text;
      if (ans.interactive) content = detail ? [{ type: 'interactive', interactive: ans.interactive }] : '';
      else if (detail && cfg.contentArray) content = [{ type: 'reasoning', reasoning: { content: '思考' } }, { type: 'text', text: { content: ans.text } }];
      const o = { id: body.chatId || oid(), model: '', usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 }, choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop', index: 0 }] };
      if (detail || F === 'plain-responsedata') { o.responseData = results; o.newVariables = body.variables || {}; }
      return jsonResp(200, o, F === 'answer-ct-text-detail' && detail ? 'text/plain' : 'application/json');
    }
    const evs = [];
    const N = (name, data) => (detail ? { event: name, data } : { data });
    if (detail) evs.push({ event: 'flowNodeStatus', data: { status: 'running', name: 'AI 对话' } });
    if (cfg.heartbeat) evs.push(N('answer', chunk({ role: 'assistant', content: '' })));
    if (cfg.reasoning && !ans.interactive) evs.push(N('answer', chunk({ role: 'assistant', reasoning_content: '思考中…' })));
    if (detail && cfg.toolEvents && !ans.interactive) {
      evs.push({ event: 'toolCall', data: { tool: { id: 't1', toolName: '搜索', toolAvatar: '', functionName: 'search', params: '', response: '' } } });
      evs.push({ event: 'toolParams', data: { tool: { id: 't1', toolName: '', toolAvatar: '', params: '{"q":"x"}', response: '' } } });
      evs.push({ event: 'toolResponse', data: { tool: { id: 't1', toolName: '', toolAvatar: '', params: '', response: 'ok' } } });
    }
    if (ans.interactive) { if (detail) evs.push({ event: 'interactive', data: { interactive: ans.interactive } }); }
    else {
      const chars = [...ans.text];
      let k = 0;
      for (let i = 0; i < chars.length;) {
        const n = 3 + Math.floor(rng() * 4);
        let c = chunk({ role: 'assistant', content: chars.slice(i, i + n).join('') });
        k++;
        if (F === 'chunk-empty-choices-12' && k === 12) c = { ...c, choices: [] };
        evs.push(N('answer', c));
        if (F === 'plain-node-status-11' && !detail && k === 11) evs.push({ event: 'flowNodeStatus', data: { status: 'running', name: '知识库搜索' } });
        if (cfg.heartbeat && k % 5 === 0) evs.push(N('answer', chunk({ role: 'assistant', content: '' })));
        i += n;
      }
    }
    if (detail && cfg.updateVars) evs.push({ event: 'updateVariables', data: { city: '上海' } });
    if (detail) evs.push({ event: 'workflowDuration', data: { durationSeconds: 1.3 } });
    else if (cfg.plainDuration) evs.push({ data: { durationSeconds: 1.3 } });
    if (cfg.chatTitle) evs.push({ event: 'chatTitle', data: { title: '标题' } });
    evs.push(N('answer', chunk(stopDelta(), 'stop')));
    if (F === 'second-stop-detail' && detail) evs.push(N('answer', chunk(stopDelta(), 'stop')));
    const fr = v2 || (F === 'interactive-no-flowresponses' && ans.interactive) ? null : { event: 'flowResponses', data: results };
    if (detail && fr && (cfg.frPos === 'before' || (F === 'flowresponses-twice-turn2' && chat && chat.turns >= 2))) evs.push(fr);
    evs.push(detail && F !== 'done-unnamed-detail' ? { event: 'answer', data: '[DONE]' } : { data: '[DONE]' });
    if (detail && fr && cfg.frPos !== 'before') evs.push(fr);
    return sse(evs);
  }

  function sse(evs) {
    const h = [['Content-Type', ctype('text/event-stream', cfg)], ['Cache-Control', 'no-cache, no-transform'], ['X-Accel-Buffering', 'no'], ['Access-Control-Allow-Origin', '*']];
    return { status: 200, headers: h, events: sseText(evs.map((e) => ({ ...e, id: cfg.ids ? String(Math.floor(rng() * 1e9)) : undefined })), cfg, rng) };
  }

  async function records(req) {
    const e = authErr(req);
    let body = {};
    if (req.body) { try { body = JSON.parse(req.body); } catch { body = {}; } }
    const P = { ...body, ...req.query };
    if (e && F === 'refusal-with-data' && req.path.endsWith('getHistories')) { const list = [...chats.values()].filter((c) => c.appId === P.appId).map((c) => ({ chatId: c.chatId, updateTime: c.updateTime, appId: c.appId, customTitle: c.customTitle, title: c.title, top: c.top })); return jsonResp(500, { ...e, data: { list, total: list.length } }); }
    if (e && !(F === 'delete-without-key' && req.path.endsWith('/delHistory'))) return refusal(e);
    const ok = (data) => {
      const o = env(data);
      if (F === 'records-code-string-pagination' && req.path.endsWith('getPaginationRecords')) o.code = '200';
      return jsonResp(200, o);
    };
    const bad = (m) => jsonResp(500, env(null, 500, 'error', m));
    const chat = P.chatId ? chats.get(P.chatId) : null;
    switch (req.path) {
      case '/api/core/chat/history/getHistories': {
        const list = [...chats.values()].filter((c) => F === 'histories-all-apps' || c.appId === P.appId).sort((a, b) => (b.top - a.top) || (b.updateTime < a.updateTime ? -1 : b.updateTime > a.updateTime ? 1 : 0));
        const off = Number(P.offset || 0), ps = Number(P.pageSize || 20);
        return ok({ list: list.slice(off, off + ps).map((c) => ({ chatId: c.chatId, updateTime: c.updateTime, appId: c.appId, customTitle: c.customTitle, title: c.title, top: c.top })), total: list.length });
      }
      case '/api/core/chat/history/updateHistory': {
        if (!chat) return bad('chat not found');
        if (P.customTitle !== undefined) chat.customTitle = P.customTitle;
        if (P.top !== undefined && F !== 'top-ignored') chat.top = !!P.top;
        chat.updateTime = new Date().toISOString();
        return ok(null);
      }
      case '/api/core/chat/history/delHistory': { if (F === 'delhistory-deletes-all') { for (const [k, c] of chats) if (c.appId === P.appId) chats.delete(k); } else if (chat) chats.delete(P.chatId); return ok(null); }
      case '/api/core/chat/history/clearHistories': { for (const [k, c] of chats) if (c.appId === P.appId && c.source === 'api') chats.delete(k); return ok(null); }
      case '/api/core/chat/init': {
        if (!chat) return bad('chat not found');
        return ok({ chatId: chat.chatId, appId: chat.appId, title: chat.customTitle || chat.title, userAvatar: '', variables: chat.variables, app: { chatConfig: { questionGuide: true, variables: [], welcomeText: '' }, chatModels: ['gpt-4o-mini'], name: 'combo app', avatar: '/imgs/app/avatar/workflow.svg', intro: '', type: 'advanced', pluginInputs: [] } });
      }
      case '/api/core/chat/getPaginationRecords': {
        const items = chat ? chat.items : [];
        const off = F === 'paging-ignores-offset' ? 0 : Number(P.offset || 0), ps = Number(P.pageSize || 10) + (F === 'pagesize-plus-one' ? 1 : 0);
        return ok({ list: items.slice(off, off + ps).map(({ responseData, ...x }) => (P.loadCustomFeedbacks === false ? { ...x, customFeedbacks: undefined } : x)), total: items.length });
      }
      case '/api/core/chat/getResData': {
        const it = chat && chat.items.find((i) => i.dataId === P.dataId);
        return ok(it && it.responseData ? it.responseData : []);
      }
      case '/api/core/chat/item/delete': {
        if (chat) { const id = P.contentId; chat.items = chat.items.filter((i) => i.dataId !== id); }
        return ok(null);
      }
      case '/api/core/chat/feedback/updateUserFeedback': {
        const it = chat && chat.items.find((i) => i.dataId === P.dataId);
        if (!it) return bad('item not found');
        if (P.userGoodFeedback !== undefined) it.userGoodFeedback = P.userGoodFeedback; else if (F !== 'feedback-not-undone') delete it.userGoodFeedback;
        if (P.userBadFeedback !== undefined) it.userBadFeedback = P.userBadFeedback; else if (F !== 'feedback-not-undone') delete it.userBadFeedback;
        return ok(cfg.feedbackData === 'object' ? {} : null);
      }
      case '/api/core/ai/agent/v2/createQuestionGuide': return ok(['还有别的问题吗？', '能再详细些吗？']);
      default: return jsonResp(404, env(null, 404, 'notFound', 'not found'));
    }
  }

  async function handler(req) {
    if (req.method === 'POST' && (req.path === '/api/v1/chat/completions' || req.path === '/api/v2/chat/completions')) return completions(req, req.path.includes('/v2/'));
    if (req.path.startsWith('/api/core/')) return records(req);
    return jsonResp(404, env(null, 404, 'notFound', 'not found'));
  }
  return startRaw(handler, cfg, log);
}
