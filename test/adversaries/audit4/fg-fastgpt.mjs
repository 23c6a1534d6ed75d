// A FastGPT-like server (v4.11-v4.14 behaviour by default) with variant switches in `o`.
import http from 'node:http';
import zlib from 'node:zlib';
import { encodeFrame, makeWriter, applyConnOpts, applyResOpts } from './fg-sse.mjs';

export const APP = '66e29b870b24ce35330c0f08';
export const OTHER_APP = '66e29b870b24ce35330c0f99';
export const KEYS = {
  'fastgpt-good': { appId: APP, type: 'advanced' },
  'fastgpt-select': { appId: '66e29b870b24ce35330c0a01', type: 'select' },
  'fastgpt-form': { appId: '66e29b870b24ce35330c0a02', type: 'form' },
  'fastgpt-plugin': { appId: '66e29b870b24ce35330c0a03', type: 'plugin' },
};

let seq = 0;
const rid = (n = 24) => {
  seq++;
  const s = (Date.now().toString(16) + seq.toString(16).padStart(6, '0') + 'abcdef0123456789abcdef').slice(0, n);
  return s;
};

export function startFastgpt(o = {}) {
  const chats = new Map(); // key appId|chatId
  // a chat of another app, created by the web UI of that app
  const seedTime = Date.now() - 1e6;
  chats.set(`${OTHER_APP}|otherChat1`, {
    appId: OTHER_APP, chatId: 'otherChat1', title: '别的应用', customTitle: '', top: false,
    updateTime: seedTime, source: 'api', items: [], variables: {}, pending: null,
  });
  let globalHistory = []; // for the leak fault

  const server = http.createServer(async (req, res) => {
    applyResOpts(res, o);
    const url = new URL(req.url, 'http://x');
    let raw = '';
    for await (const c of req) raw += c;
    let body;
    try { body = raw ? JSON.parse(raw) : {}; } catch { body = undefined; }
    const auth = req.headers.authorization || '';
    const key = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    const app = KEYS[key];

    const sendJson = (status, obj, extraHeaders = {}) => {
      let s = JSON.stringify(obj);
      const h = { 'Content-Type': o.jsonCT ?? 'application/json; charset=utf-8', ...extraHeaders };
      let buf = Buffer.from(s);
      if (o.gzip && /gzip/.test(req.headers['accept-encoding'] || '')) {
        buf = zlib.gzipSync(buf);
        h['Content-Encoding'] = 'gzip';
      }
      if (o.chunkedJson) {
        res.writeHead(status, h);
        res.write(buf.subarray(0, 5));
        setTimeout(() => res.end(buf.subarray(5)), 5);
      } else {
        h['Content-Length'] = buf.length;
        if (o.connClose) h['Connection'] = 'close';
        res.writeHead(status, h);
        res.end(buf);
      }
    };
    const env = (data, code = 200, statusText = '', message = '') =>
      o.envCodeString ? { code: String(code), statusText, message, data } : o.envExtra ? { code, statusText: 'OK', message: 'success', data, traceId: 'tr-1', ts: Date.now() } : { code, statusText, message, data };
    const authErr = () =>
      key
        ? { code: 514, statusText: 'unAuthApiKey', message: 'common:code_error.team_error.unAuthApiKey', data: null }
        : { code: 403, statusText: 'unAuthorization', message: 'common:unAuthorization', data: null };

    try {
      if (url.pathname === '/api/v1/chat/completions' && req.method === 'POST') {
        return await completions(req, res, body, key, app, sendJson, authErr);
      }
      if (url.pathname.startsWith('/api/core/')) {
        return records(req, res, url, body, key, app, sendJson, env, authErr);
      }
      sendJson(404, { code: 404, statusText: 'notFound', message: 'not found', data: null });
    } catch (e) {
      console.error(e);
      if (!res.headersSent) sendJson(500, { code: 500, statusText: '', message: String(e), data: null });
      else res.end();
    }
  });

  function textOf(content) {
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) return content.filter((p) => p.type === 'text').map((p) => p.text).join('');
    return '';
  }

  function getChat(appId, chatId) {
    return chats.get(`${appId}|${chatId}`);
  }

  async function completions(req, res, body, key, app, sendJson, authErr) {
    const stream = body?.stream === true;
    const failEarly = (status, errObj) => {
      if (stream && o.earlyErrorAsEvent) {
        // real FastGPT: HTTP 200, no event-stream content type, one event: error frame
        res.writeHead(200, o.earlyErrorCT ? { 'Content-Type': o.earlyErrorCT } : {});
        res.end(o.errorNotJson ? `event: error\ndata: ${errObj.message}\n\n` : `event: error\ndata: ${JSON.stringify(errObj)}\n\n`);
        return;
      }
      sendJson(status, errObj);
    };
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return failEarly(500, { code: 500, statusText: '', message: 'body is not an object', data: null });
    }
    if (!app && !o.noAuth) return failEarly(o.authStatus ?? 500, authErr());
    const theApp = app ?? KEYS['fastgpt-good'];
    const plugin = theApp.type === 'plugin';
    const msgs = body.messages;
    if (!plugin && !o.acceptEmptyMessages && (!Array.isArray(msgs) || msgs.length === 0)) {
      if (stream && o.streamErrorInStream) {
        // error after the stream has begun: event-stream headers, then one error event
        res.writeHead(200, { 'Content-Type': 'text/event-stream;charset=utf-8', 'Cache-Control': 'no-cache, no-transform' });
        if (o.errorNotJson) res.write(`event: error\ndata: messages is empty\n\n`); else res.write(`event: error\ndata: ${JSON.stringify(o.errorEnvelopeEvent ? { code: 500, statusText: '', message: 'messages is empty', data: null } : { message: 'messages is empty' })}\n\n`);
        if (o.doneAfterError) res.write(`event: answer\ndata: [DONE]\n\n`);
        return res.end();
      }
      return failEarly(500, { code: 500, statusText: '', message: 'common:core.chat.error.Messages empty', data: null });
    }
    const detail = body.detail === true || plugin;
    const question = plugin ? JSON.stringify(body.variables ?? {}) : textOf(Array.isArray(msgs) ? msgs[msgs.length - 1]?.content : '');
    const chatId = typeof body.chatId === 'string' && body.chatId ? body.chatId : null;
    let chat = chatId ? getChat(theApp.appId, chatId) : null;
    if (chatId && !chat) {
      chat = { createTime: Date.now() + (seq++) / 1000, appId: theApp.appId, chatId, title: question.slice(0, 20), customTitle: '', top: false, updateTime: Date.now(),
        source: 'api', items: [], variables: {}, pending: null };
      chats.set(`${theApp.appId}|${chatId}`, chat);
    }
    // decide the answer
    let answer = `你问的是:${question}`;
    if (o.leakHistory) answer += ' 之前:' + globalHistory.join('|');
    globalHistory.push(question);
    let interactive = null;
    const nodes = [
      { id: rid(12), nodeId: 'workflowStartNodeId', moduleName: 'common:core.module.template.work_start', moduleType: 'workflowStart', runningTime: 0 },
    ];
    if (theApp.type === 'select' || theApp.type === 'form') {
      if (!chat?.pending || o.interactiveNotResumed) {
        interactive = theApp.type === 'select'
          ? { type: 'userSelect', params: { description: '请选择', userSelectOptions: [{ value: 'Confirm', key: 'option1' }, { value: 'Cancel', key: 'option2' }] } }
          : { type: 'userInput', params: { description: '请填写', inputForm: [
              { type: 'input', key: '测试 1', label: '测试 1', description: '', value: '', defaultValue: '', valueType: 'string', required: false, list: [{ label: '', value: '' }] },
              { type: 'numberInput', key: '测试 2', label: '测试 2', description: '', value: '', defaultValue: '', valueType: 'number', required: false, list: [{ label: '', value: '' }] },
            ] } };
        if (chat) chat.pending = theApp.type;
        answer = '';
        nodes.push({ id: rid(12), nodeId: 'inter1', moduleName: theApp.type === 'select' ? '用户选择' : '表单输入', moduleType: theApp.type === 'select' ? 'userSelect' : 'formInput', runningTime: 0 });
      } else {
        chat.pending = null;
        answer = `已收到:${question}`;
        nodes.push({ id: rid(12), nodeId: 'chat1', moduleName: 'AI 对话', moduleType: 'chatNode', runningTime: 0.5, query: question });
      }
    } else {
      nodes.push({ id: rid(12), nodeId: 'chat1', moduleName: 'AI 对话', moduleType: 'chatNode', runningTime: 1.2, totalPoints: 0.01, model: 'gpt-4o-mini', tokens: 30, query: question });
    }
    if (plugin) {
      answer = `插件:${body.variables?.query ?? ''}`;
      nodes.push({ id: rid(12), nodeId: 'pluginOutput', moduleName: '插件输出', moduleType: 'pluginOutput', runningTime: 0, totalPoints: 0, pluginOutput: { result: answer } });
    }
    // save
    const aiId = !o.ignoreResponseChatItemId && typeof body.responseChatItemId === 'string' && body.responseChatItemId ? body.responseChatItemId : rid(24);
    if (chat) {
      const now = Date.now();
      chat.items.push({ _id: rid(24), dataId: rid(24), obj: 'Human', value: [{ type: 'text', text: { content: question } }], customFeedbacks: [], time: new Date(now).toISOString() });
      const aiVal = [];
      if (answer) aiVal.push({ type: 'text', text: { content: answer } });
      if (interactive) aiVal.push({ type: 'interactive', interactive });
      chat.items.push({ _id: rid(24), dataId: aiId, obj: 'AI', value: aiVal, customFeedbacks: [], totalQuoteList: [], totalRunningTime: 1.2, responseData: nodes, time: new Date(now + 1).toISOString() });
      chat.updateTime = now;
    }
    const newVariables = { ...(chat?.variables ?? {}), ...(body.variables ?? {}) };

    if (!stream) {
      let content = answer;
      if (interactive) {
        content = detail ? (answer ? [{ type: 'text', text: { content: answer } }] : []).concat([{ type: 'interactive', interactive }]) : answer;
      }
      const out = {
        id: chatId ?? '',
        model: '',
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 1 },
        choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop', index: 0 }],
      };
      if (o.extraFields) Object.assign(out, { object: 'chat.completion', created: Math.floor(Date.now() / 1000), system_fingerprint: 'fp_x' });
      if ((detail && !o.noResponseData) || o.responseDataAlways) {
        out.responseData = nodes;
        if (!o.noNewVariables) out.newVariables = newVariables;
      }
      if (detail && o.contentArray && typeof content === 'string') out.choices[0].message.content = [{ type: 'reasoning', reasoning: { content: '先想一想' } }, { type: 'text', text: { content } }];
      if (o.messageNoRole) delete out.choices[0].message.role;
      if (o.answerNoFinish) delete out.choices[0].finish_reason;
      for (const k of o.answerDelete ?? []) delete out[k];
      for (const k of o.answerChoiceDelete ?? []) delete out.choices[0][k];
      if (o.answerNoChoices) delete out.choices;
      return sendJson(200, out);
    }

    // streaming
    const headers = {
      ...(o.noStreamCT ? {} : { 'Content-Type': o.streamCT ?? 'text/event-stream;charset=utf-8' }),
      'Access-Control-Allow-Origin': '*',
      'X-Accel-Buffering': 'no',
      'Cache-Control': 'no-cache, no-transform',
    };
    if (o.deflate && /deflate/.test(req.headers['accept-encoding'] || '')) headers['Content-Encoding'] = 'deflate';
    else if (o.gzip && /gzip/.test(req.headers['accept-encoding'] || '')) headers['Content-Encoding'] = 'gzip';
    if (o.connClose) headers['Connection'] = 'close';
    let target = res;
    if (o.streamContentLength) {
      const bufs = [];
      target = { write: (b) => bufs.push(Buffer.from(b)), end: () => { const all = Buffer.concat(bufs); res.writeHead(200, { ...headers, 'Content-Length': all.length }); res.end(all); } };
    } else res.writeHead(200, headers);
    const w = makeWriter(req, target, o);
    let idx = 0;
    const frame = (ev, data) => w.write(encodeFrame(o, detail ? (o.answerName && ev === 'answer' ? o.answerName : ev) : null, data, idx++));
    const detailFrame = (ev, data) => { if (detail || o.leakDetailEvents) w.write(encodeFrame(o, ev, data, idx++)); };
    const chunk = (delta, finish = null) => {
      const c = { id: o.chunkId ?? '', object: o.chunkObject ?? '', created: o.chunkCreated ?? 0, model: '', choices: [{ delta, index: 0, finish_reason: finish }] };
      if (o.extraFields) { c.system_fingerprint = 'fp_abc'; c.usage = null; c.choices[0].logprobs = null; }
      if (o.chunkNoChoices) delete c.choices;
      if (o.chunkNoDelta) delete c.choices[0].delta;
      return c;
    };
    const role = o.noRole ? {} : { role: 'assistant' };

    if (o.chatTitle && !detail) w.write(encodeFrame(o, 'chatTitle', { title: question.slice(0, 10) }, idx++));
    detailFrame('flowNodeStatus', o.badNodeStatus ? { name: 'AI 对话' } : { status: 'running', name: 'AI 对话' });
    if (o.updateVariables) detailFrame('updateVariables', o.updateVariablesArray ? [{ key: 'uid', value: 'u1' }] : { uid: 'u1' });
    if (o.toolEvents) {
      detailFrame('toolCall', { tool: { id: 'call_1', toolName: '搜索', toolAvatar: '/imgs/tool.svg', functionName: 'search', params: '', response: '' } });
      detailFrame('toolParams', { tool: { id: 'call_1', toolName: '', toolAvatar: '', params: '{"q":"x"}', response: '' } });
      detailFrame('toolResponse', { tool: { id: 'call_1', toolName: '', toolAvatar: '', params: '', response: 'ok' } });
    }
    if (o.reasoning) frame('answer', chunk({ ...role, reasoning_content: '思考中' }));
    if (o.heartbeat) frame('answer', chunk({ ...role, content: '' }));
    if (o.badPayload) w.write(encodeFrame(o, detail ? 'answer' : null, '{"id":"","choices":[{"delta":{"content":"x"}', idx++));
    const pieces = answer ? answer.match(/.{1,3}/gsu) : [];
    if (o.stopWithContent && pieces.length) { const last = pieces.pop(); var stopContent = last; }
    for (const [i, p] of pieces.entries()) {
      if (o.fastAnswer && i === 0) frame('fastAnswer', chunk({ ...role, content: p }));
      else frame('answer', chunk({ ...role, content: o.contentNumber && i === 0 ? 7 : p }, o.finishEarly && i === 0 ? 'stop' : null));
      if (o.emptyEventBlock && i === 0) w.write(`event: ping${o.eol ?? '\n'}${o.eol ?? '\n'}`);
      if (o.midStreamError && i === 1) {
        w.write(encodeFrame(o, 'error', o.midStreamError === 'text' ? 'upstream timeout' : { message: 'upstream timeout' }, idx++));
        await w.end();
        return;
      }
      if (o.unnamedAnswerInDetail && i === 1 && detail) w.write(encodeFrame(o, null, chunk({ ...role, content: '' }), idx++));
    }
    if (interactive) detailFrame('interactive', o.interactiveNoParams ? { interactive: { type: interactive.type } } : { interactive });
    if (o.workflowDuration) detailFrame('workflowDuration', { durationSeconds: 1.23 });
    const stopDelta = o.stopWithContent && stopContent ? { role: 'assistant', content: stopContent } : o.stopEmptyDelta ? {} : { role: 'assistant', content: null };
    if (!o.noStop) frame('answer', chunk(stopDelta, 'stop'));
    if (o.doubleStop) frame('answer', chunk(stopDelta, 'stop'));
    const flowData = o.flowResponsesObject ? { list: nodes } : nodes;
    if (o.flowBeforeStop) detailFrame('flowResponses', flowData);
    if (o.flowBeforeDone) detailFrame('flowResponses', flowData);
    if (!o.noDone) {
      if (detail && o.doneUnnamed) w.write(encodeFrame(o, null, '[DONE]', idx++));
      else frame('answer', '[DONE]');
    }
    if (o.doneTwice) frame('answer', '[DONE]');
    if (!o.flowBeforeDone && !o.flowBeforeStop && !o.noFlowResponses) detailFrame('flowResponses', flowData);
    if (o.flowTwice) detailFrame('flowResponses', nodes);
    if (o.chunkAfterDone) frame('answer', chunk({ ...role, content: '迟到' }));
    if (o.commentAfterDone) { const e = o.eol ?? '\n'; w.write(`: bye${e}retry: 1000${e}${e}`); }
    if (o.keepOpen) { await w.write(''); return; } // never end
    await w.end();
  }

  function records(req, res, url, body, key, app, sendJson, env, authErr) {
    const p = url.pathname;
    const q = Object.fromEntries(url.searchParams);
    const b = body && typeof body === 'object' ? body : {};
    const refuse = () => sendJson(o.authStatus ?? 500, authErr());
    const appId = b.appId ?? q.appId;
    const ok = (data) => (o.recordsFailCode ? sendJson(200, env(data, 500, 'err', 'x')) : sendJson(200, env(data)));
    const bad = (m) => sendJson(500, { code: 500, statusText: '', message: m, data: null });
    const authorized = !!app || o.noAuthRecords;
    // fault: perform the delete even without a key, then refuse
    if (!authorized) {
      if (o.deleteWithoutKey && p === '/api/core/chat/history/delHistory') chats.delete(`${q.appId}|${q.chatId}`);
      if (o.refuseWithCode200) return sendJson(200, { code: 200, statusText: '', message: '', data: null });
      return refuse();
    }
    switch (p) {
      case '/api/core/chat/history/getHistories': {
        let list = [...chats.values()].filter((c) => o.leakOtherApps || c.appId === appId);
        if (b.source === 'api') list = list.filter((c) => c.source === 'api');
        if (o.sortOldestFirst) list.sort((x, y) => x.createTime - y.createTime);
        else if (o.sortNoTop) list.sort((x, y) => y.updateTime - x.updateTime);
        else list.sort((x, y) => (y.top - x.top) || (y.updateTime - x.updateTime));
        const total = list.length;
        const offset = Number(b.offset ?? 0), pageSize = Number(b.pageSize ?? 20);
        if (!o.pagingIgnoreOffset) list = list.slice(offset);
        if (!o.pagingIgnoreSize) list = list.slice(0, pageSize);
        const out = list.map((c) => {
          const it = { chatId: c.chatId, updateTime: new Date(c.updateTime).toISOString(), appId: c.appId, customTitle: c.customTitle, title: c.title, top: c.top };
          if (o.extraFields) Object.assign(it, { _id: 'x' + c.chatId, sources: 'api', hasBeenRead: true });
          if (o.historyNoChatId) delete it.chatId;
          if (o.topNumeric) it.top = c.top ? 1 : 0;
          return it;
        });
        return ok({ list: out, total: o.totalString ? String(total) : total });
      }
      case '/api/core/chat/history/updateHistory': {
        const c = getChat(appId, b.chatId);
        if (!c) return bad('chat not found');
        if (!o.renameNoEffect && typeof b.customTitle === 'string') c.customTitle = b.customTitle;
        if (typeof b.top === 'boolean') c.top = b.top;
        c.updateTime = o.updateTimeOnEdit ? Date.now() : c.updateTime;
        return ok(null);
      }
      case '/api/core/chat/history/delHistory': {
        chats.delete(`${q.appId}|${q.chatId}`);
        return ok(null);
      }
      case '/api/core/chat/history/clearHistories': {
        for (const [k, c] of chats) if (c.appId === q.appId && c.source === 'api') chats.delete(k);
        return ok(null);
      }
      case '/api/core/chat/init': {
        const c = getChat(q.appId, q.chatId);
        if (o.initNoApp) return ok({ chatId: q.chatId, appId: q.appId, variables: {} });
        return ok({
          chatId: q.chatId, appId: q.appId, title: c?.title ?? '', userAvatar: undefined, variables: c?.variables ?? {},
          app: { chatConfig: { questionGuide: true, ttsConfig: { type: 'web' }, variables: [], welcomeText: '' }, chatModels: ['gpt-4o-mini'],
            name: '测试', avatar: '/imgs/app/avatar/workflow.svg', intro: '', type: 'advanced', pluginInputs: [] },
        });
      }
      case '/api/core/chat/getPaginationRecords': {
        const c = getChat(appId, b.chatId);
        const items = o.recordsIgnoreChatId ? [...chats.values()].filter((x) => x.appId === appId).flatMap((x) => x.items) : c ? c.items : [];
        const offset = Number(b.offset ?? 0), pageSize = Number(b.pageSize ?? 10);
        let page;
        if (o.pagingFromNewest) {
          const end = Math.max(items.length - offset, 0);
          page = items.slice(Math.max(end - pageSize, 0), end);
        } else {
          page = items.slice(o.pagingIgnoreOffset ? 0 : offset);
          page = o.pagingIgnoreSize ? page : page.slice(0, pageSize);
        }
        const list = page.map((it) => {
          const { responseData, ...rest } = it;
          const r = { ...rest };
          if (o.recordsNumericId) r._id = 12345;
          if (o.recordsDocShape) r.value = r.value.map(({ type, ...v }) => v);
          if (o.noCustomFeedbacks && b.loadCustomFeedbacks !== true) delete r.customFeedbacks;
          return r;
        });
        return ok({ list, total: o.totalWrong ? list.length : items.length });
      }
      case '/api/core/chat/getResData': {
        const c = getChat(q.appId, q.chatId);
        const it = c?.items.find((i) => i.dataId === q.dataId);
        return ok(o.resDataObject ? { list: it?.responseData ?? [] } : it?.responseData ?? []);
      }
      case '/api/core/chat/item/delete': {
        const contentId = q.contentId ?? b.contentId;
        const c = getChat(q.appId ?? b.appId, q.chatId ?? b.chatId);
        if (c && !o.deleteItemNoEffect) c.items = c.items.filter((i) => i.dataId !== contentId);
        return ok(null);
      }
      case '/api/core/chat/feedback/updateUserFeedback': {
        const c = getChat(appId, b.chatId);
        const it = c?.items.find((i) => i.dataId === b.dataId);
        if (it && !o.feedbackNoEffect) {
          if ('userGoodFeedback' in b && b.userGoodFeedback !== undefined) it.userGoodFeedback = b.userGoodFeedback; else delete it.userGoodFeedback;
          if ('userBadFeedback' in b && b.userBadFeedback !== undefined) it.userBadFeedback = b.userBadFeedback; else delete it.userBadFeedback;
        }
        return ok(o.feedbackEmptyObject ? {} : null);
      }
      case '/api/core/ai/agent/v2/createQuestionGuide': {
        return ok(o.guideNotArray ? '你还想问什么?' : ['你对AI有什么看法?', '想了解AI的应用吗?']);
      }
    }
    return sendJson(404, { code: 404, statusText: 'notFound', message: 'not found', data: null });
  }

  applyConnOpts(server, o);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}
