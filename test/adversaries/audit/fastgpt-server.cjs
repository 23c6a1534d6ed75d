// Independent FastGPT-like server for auditing chatwire (Node 20 built-ins only).
// Usage: FLAGS=flag1,flag2 node fastgpt-server.cjs   -> prints "PORT <n>"
// Keys: T (chat app), SEL (user-select app), FORM (form-input app), PLUG (plugin app).
// appId of the chat app: 66e29b870b24ce35330c0f08
'use strict';
const http = require('http');
const zlib = require('zlib');
const crypto = require('crypto');

const FLAGS = new Set((process.env.FLAGS || '').split(',').filter(Boolean));
const F = (f) => FLAGS.has(f);
const LOG = process.env.LOGFILE ? require('fs').createWriteStream(process.env.LOGFILE) : null;

const APPS = {
  T: { id: '66e29b870b24ce35330c0f08', type: 'chat', name: '测试' },
  SEL: { id: '66e29b870b24ce35330c0f09', type: 'select', name: 'select' },
  FORM: { id: '66e29b870b24ce35330c0f0a', type: 'form', name: 'form' },
  PLUG: { id: '66e29b870b24ce35330c0f0b', type: 'plugin', name: 'plugin' }
};
const chats = new Map(); // key appId|chatId -> chat
let seq = 0;
const nano = (n = 24) => crypto.randomBytes(32).toString('base64').replace(/[^a-zA-Z0-9]/g, '').slice(0, n);
const oid = () => (Date.now().toString(16).slice(-8) + (++seq).toString(16).padStart(16, '0')).slice(0, 24);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function envelope(data, code = 200, statusText = '', message = '') {
  return { code, statusText, message, data };
}

function authKey(req) {
  const h = req.headers['authorization'];
  if (!h) return { err: { code: 403, statusText: 'unAuthorization', message: 'common:unAuthorization', data: null } };
  const k = h.replace(/^Bearer\s+/i, '').trim();
  if (!APPS[k]) return { err: { code: 514, statusText: 'unAuthApiKey', message: 'Api Key 不合法', data: null } };
  return { app: APPS[k], key: k };
}

// ---- low-level response writing with variants ----
function makeWriter(req, res, status, headers) {
  // returns {write(str), end()}
  const acceptGzip = /gzip/.test(req.headers['accept-encoding'] || '');
  let gz = null;
  if (F('gzip') && acceptGzip) {
    headers['Content-Encoding'] = 'gzip';
    gz = zlib.createGzip({ flush: zlib.constants.Z_SYNC_FLUSH });
  }
  res.writeHead(status, headers);
  if (gz) gz.pipe(res);
  const out = gz || res;
  return {
    write(s) {
      if (F('bytewise')) {
        const b = Buffer.from(s);
        for (let i = 0; i < b.length; i++) out.write(b.subarray(i, i + 1));
      } else out.write(s);
    },
    end() { out.end(); }
  };
}

function chunk(content, finish = null, extra = {}) {
  const delta = content === undefined ? {} : { role: 'assistant', content };
  return { id: '', object: '', created: 0, model: '', choices: [{ delta, index: 0, finish_reason: finish }], ...extra };
}

function questionText(msg) {
  if (!msg) return '';
  if (typeof msg.content === 'string') return msg.content;
  if (Array.isArray(msg.content)) return msg.content.filter((p) => p.type === 'text').map((p) => p.text).join('\n');
  return '';
}

function getChat(appId, chatId) { return chats.get(appId + '|' + chatId); }

function flowResponses(q, extra = []) {
  return [
    { id: nano(12), nodeId: 'workflowStart', moduleName: 'common:core.module.template.work_start', moduleType: 'workflowStart', runningTime: 0 },
    ...extra,
    { id: nano(12), nodeId: 'z04w8JXSYjl3', moduleName: 'AI 对话', moduleType: 'chatNode', runningTime: 1.22, totalPoints: 0.02, model: 'GPT-4o-mini', tokens: 75, query: q, maxToken: 2000, historyPreview: [{ obj: 'Human', value: q }], contextTotalLen: 2 }
  ];
}

const SELECT = { type: 'userSelect', params: { description: '测试', userSelectOptions: [{ value: 'Confirm', key: 'option1' }, { value: 'Cancel', key: 'option2' }] } };
const SELECT_CN = { type: 'userSelect', params: { description: '请确认', userSelectOptions: [{ value: '确认继续', key: 'option1' }, { value: '取消', key: 'option2' }] } };
const FORM_NUM = { type: 'userInput', params: { description: '请填写', inputForm: [{ type: 'numberInput', key: 'age', label: '年龄', description: '', value: '', defaultValue: '', valueType: 'number', required: true, list: [] }, { type: 'select', key: 'city', label: '城市', description: '', value: '', defaultValue: '', valueType: 'string', required: true, list: [{ label: '北京', value: 'bj' }, { label: '上海', value: 'sh' }] }] } };
const FORM = {
  type: 'userInput',
  params: {
    description: '测试',
    inputForm: [
      { type: 'input', key: '测试 1', label: '测试 1', description: '', value: '', defaultValue: '', valueType: 'string', required: false, list: [{ label: '', value: '' }] },
      { type: 'numberInput', key: '测试 2', label: '测试 2', description: '', value: '', defaultValue: '', valueType: 'number', required: false, list: [{ label: '', value: '' }] }
    ]
  }
};

async function completions(req, res, body, version) {
  const stream = !!body.stream;
  let detail = !!body.detail;
  const sendErr = (err, httpStatus = 500) => {
    if (F('auth-http-401') && [403, 514].includes(err.code)) httpStatus = 401;
    if (stream && F('stream-refusal-json')) {
      const s = JSON.stringify(err);
      res.writeHead(F('auth-http-401') && [403, 514].includes(err.code) ? 401 : 500, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(s) });
      return res.end(s);
    }
    if (stream && F('stream-refusal-sse')) {
      const w = makeWriter(req, res, 200, { 'Content-Type': 'text/event-stream;charset=utf-8', 'Cache-Control': 'no-cache, no-transform' });
      w.write(`event: error\ndata: ${JSON.stringify(err)}\n\n`);
      return w.end();
    }
    if (stream) {
      // real FastGPT: pre-stream error, HTTP 200, no event-stream content type, one event: error frame
      const w = makeWriter(req, res, 200, {});
      w.write(`event: error\ndata: ${JSON.stringify(err)}\n\n`);
      w.end();
    } else {
      const s = JSON.stringify(err);
      res.writeHead(httpStatus, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(s) });
      res.end(s);
    }
  };
  const messages = body.messages === undefined ? [] : body.messages;
  if (!Array.isArray(messages)) return sendErr({ code: 500, statusText: '', message: 'messages is not array', data: null });
  let a = authKey(req);
  if (F('fault-stream-wrong-key-served') && stream && a.err && req.headers.authorization) a = { app: APPS.T, key: 'T' }; // BROKEN: only the stream path accepts an unknown key
  if (a.err) return sendErr(a.err);
  const app = a.app;
  if (F('fault-accept-any-key') && a.err) {} // placeholder
  const isPlugin = app.type === 'plugin';
  if (isPlugin) { if (!F('fault-plugin-no-detail')) detail = true; }
  else if (messages.length === 0) return sendErr({ code: 500, statusText: '', message: 'messages is empty', data: null });

  const q = isPlugin ? String((body.variables || {}).query || '') : questionText(messages[messages.length - 1]);
  const chatId = F('fault-ignore-chatid') ? undefined : body.chatId;
  const saveChatId = chatId || nano(24);
  let chat = getChat(app.id, saveChatId);
  if (F('fault-leak-chats') && !chat) {
    // BROKEN: all chats of an app share one history store
    chat = [...chats.values()].find((c) => c.appId === app.id && c.source === 'api');
  }
  const pending = chat && chat.pending;
  const responseChatItemId = (!F('fault-ignore-responsechatitemid') && body.responseChatItemId) || nano(24);

  // Decide workflow output
  let parts = []; // assistantResponses: {type:'text',text} | {type:'interactive',interactive}
  let interactive = null;
  let resumed = false;
  if (app.type === 'select' || app.type === 'form') {
    let formInvalid = false;
    if (pending && F('form-validate') && pending.type === 'userInput') {
      // a validating server: a form answer that misses a required field or has a non-number in a number field is asked again
      let v = null; try { v = JSON.parse(q); } catch {}
      formInvalid = !v || typeof v !== 'object' || pending.params.inputForm.some((f) => (f.required && !(f.key in v)) || (f.key in v && f.valueType === 'number' && typeof v[f.key] !== 'number'));
    }
    if (pending && !F('fault-interactive-repeat') && !formInvalid) {
      resumed = true;
      if (F('interactive-chain') && !chat.chained) {
        // a second, different interactive node follows the first (legal workflow)
        chat.chained = true;
        parts.push({ type: 'text', text: `收到 ${q}。` });
        interactive = { type: 'userSelect', params: { description: '第二步：请选择套餐', userSelectOptions: [{ value: '套餐A', key: 'optA' }, { value: '套餐B', key: 'optB' }] } };
        parts.push({ type: 'interactive', interactive });
      } else
      if (app.type === 'select' && F('select-cn') && !SELECT_CN.params.userSelectOptions.some((o) => o.value === q)) parts.push({ type: 'text', text: '没有匹配的选项' });
      else
      if (app.type === 'select') parts.push({ type: 'text', text: `你选择了 ${q}，工作流继续。` });
      else {
        let v = {};
        try { v = JSON.parse(q); } catch {}
        parts.push({ type: 'text', text: `表单已收到：${Object.keys(v).join(',')}，工作流继续。` });
      }
    } else {
      if (formInvalid) parts.push({ type: 'text', text: '表单内容不合法，请重新填写。' });
      interactive = app.type === 'select' ? (F('select-cn') ? SELECT_CN : SELECT) : (F('form-number-required') ? FORM_NUM : FORM);
      parts.push({ type: 'interactive', interactive });
    }
  } else if (isPlugin) {
    parts.push({ type: 'text', text: '你好!有什么可以帮助你的吗?' });
  } else {
    const turn = chat && !F('fault-leak-chats') ? chat.items.filter((i) => i.obj === 'Human').length + 1 : 1;
    let ans = F('answer-empty') ? '' : `第${turn}轮：电影《铃芽之旅》的导演是新海诚。`;
    if (F('fault-leak-chats') && chat) ans += `（上一个问题：${chat.items.filter((i) => i.obj === 'Human').map((i) => i.value[0].text.content).join('；')}）`;
    parts.push({ type: 'text', text: ans });
  }
  if (F('multi-part') && !isPlugin && !interactive) parts.unshift({ type: 'reasoning', text: '先想一想' });
  let nodes = flowResponses(q);
  let nodeError;
  if (F('node-error') && app.type === 'chat') { parts = []; nodeError = { message: 'LLM request failed', code: 'LLM_ERR' }; nodes[nodes.length - 1].error = nodeError; }
  if (isPlugin) nodes.push({ nodeId: 'pluginOutput', moduleName: '插件输出', moduleType: 'pluginOutput', totalPoints: 0, [F('plugin-data-name') ? 'pluginData' : 'pluginOutput']: { result: parts[0].text }, runningTime: 0 });
  if (interactive) nodes = nodes.slice(0, 1).concat([{ id: nano(12), nodeId: 'sel1', moduleName: '用户选择', moduleType: app.type === 'select' ? 'userSelect' : 'formInput', runningTime: 0 }]);

  // save chat (before answering, fine for a mock)
  if (!chat || F('fault-leak-chats') && chat.chatId !== saveChatId) {
    chat = { chatId: saveChatId, appId: app.id, title: (q || '插件').slice(0, 20), customTitle: '', top: false, source: 'api', updateTime: new Date(), items: [], variables: body.variables || {}, pending: null };
    chats.set(app.id + '|' + saveChatId, chat);
  }
  const aiValue = parts.map((p) => (p.type === 'text' ? { type: 'text', text: { content: p.text } } : p.type === 'reasoning' ? { type: 'reasoning', reasoning: { content: p.text } } : { type: 'interactive', interactive: p.interactive }));
  if (resumed && !F('records-separate-turn')) {
    // updateInteractiveChat: the answer is merged into the last AI item
    const last = chat.items[chat.items.length - 1];
    last.value = last.value.concat(aiValue);
    last.responseData = (last.responseData || []).concat(nodes);
  } else {
    if (F('fault-records-overwrite')) chat.items = [];
    chat.items.push({ _id: oid(), dataId: nano(24), obj: 'Human', value: [{ type: 'text', text: { content: q } }], customFeedbacks: [] });
    chat.items.push({ _id: oid(), dataId: responseChatItemId, obj: 'AI', value: aiValue, customFeedbacks: [], responseData: nodes });
  }
  chat.pending = interactive;
  chat.updateTime = new Date();

  const newVariables = { ...(chat.variables || {}), ...(body.variables || {}) };

  if (!stream) {
    let content;
    if (parts.length === 0) content = '';
    else if (parts.length === 1 && parts[0].type === 'text' && parts[0].text) content = parts[0].text;
    else if (!detail) content = parts.filter((p) => p.type === 'text').map((p) => p.text).join('\n');
    else content = aiValue;
    let obj = {
      ...(detail ? { responseData: nodes, newVariables } : {}),
      ...(nodeError ? { error: nodeError } : {}),
      id: chatId || '',
      model: '',
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 1 },
      choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop', index: 0 }]
    };
    if (F('extra-fields')) obj = { unknownTop: { a: 1 }, ...obj, choices: [{ ...obj.choices[0], logprobs: null, extra: 1 }] };
    if (F('fault-answer-plain-responsedata') && !detail) obj.responseData = nodes;
    if (F('fault-answer-no-responsedata') && detail) delete obj.responseData;
    if (F('fault-answer-choices-object')) obj.choices = obj.choices[0];
    let s = JSON.stringify(obj, null, F('pretty-json') ? 2 : 0);
    if (F('fault-answer-json-string') && !detail) s = JSON.stringify(typeof content === 'string' ? content : '');
    const headers = { 'Content-Type': F('ctype-upper') ? 'Application/JSON; Charset=UTF-8' : 'application/json; charset=utf-8' };
    if (F('fault-answer-sse-ctype')) headers['Content-Type'] = 'text/event-stream';
    if (!F('close-delimited')) headers['Content-Length'] = Buffer.byteLength(s);
    else headers['Connection'] = 'close';
    if (F('gzip')) {
      delete headers['Content-Length'];
      const w = makeWriter(req, res, 200, headers);
      w.write(s); w.end(); return;
    }
    res.writeHead(200, headers);
    res.end(s);
    if (F('close-delimited')) res.socket && res.socket.end();
    return;
  }

  // ---- stream ----
  const headers = {
    'Content-Type': 'text/event-stream;charset=utf-8',
    'Access-Control-Allow-Origin': '*',
    'X-Accel-Buffering': 'no',
    'Cache-Control': 'no-cache, no-transform'
  };
  if (F('http10')) headers['Connection'] = 'close';
  const w = makeWriter(req, res, 200, headers);
  const frames = []; // [event|null, dataString]
  const send = (event, data) => frames.push([detail ? event : null, typeof data === 'string' ? data : JSON.stringify(data)]);
  const sendDetail = (event, data) => { if (detail || F('fault-plain-detail-event')) frames.push([event, JSON.stringify(data)]); };

  if (F('chattitle-plain') && !detail) frames.push(['chatTitle', JSON.stringify({ title: q })]);
  sendDetail('flowNodeStatus', { status: 'running', name: 'AI 对话' });
  if (F('tool-events') && detail) {
    const tool = { id: 'call_1', toolName: '搜索', toolAvatar: '/imgs/x.svg', functionName: 'search', params: '', response: '' };
    sendDetail('toolCall', { tool });
    sendDetail('toolParams', { tool: { ...tool, params: '{"q":"x"}' } });
    sendDetail('toolResponse', { tool: { ...tool, response: 'ok' } });
  }
  if (F('update-variables') && detail) sendDetail('updateVariables', { uid: 'chatwire', extra: 1 });
  if (F('reasoning')) send('answer', { id: '', object: '', created: 0, model: '', choices: [{ delta: { role: 'assistant', reasoning_content: '思考中' }, index: 0, finish_reason: null }] });
  if (F('heartbeat-empty')) send('answer', chunk(''));
  for (const p of parts) {
    if (p.type === 'text') {
      const t = p.text;
      if (F('fastanswer')) { send('fastAnswer', chunk(t)); continue; }
      const pieces = F('one-chunk') ? [t] : t.match(/.{1,3}/gu) || [];
      pieces.forEach((piece, i) => {
        let c = chunk(piece);
        if (F('fault-lastchunk-content-number') && i === pieces.length - 1) c.choices[0].delta.content = 42;
        if (F('fault-choice-index-1') && i === pieces.length - 1) c.choices[0].index = 1;
        if (F('doc-literal-nomodel') && !detail) c = { id: '', object: '', created: 0, choices: [{ delta: { content: piece }, index: 0, finish_reason: null }] };
        if (F('stop-with-content') && i === pieces.length - 1) { c.choices[0].finish_reason = 'stop'; }
        if (F('doc-literal')) c = { id: '', object: '', created: 0, model: '', choices: [{ delta: { content: piece }, index: 0, finish_reason: null }] };
        send('answer', c);
      });
    } else if (p.type === 'reasoning') {
      send('answer', { id: '', object: '', created: 0, model: '', choices: [{ delta: { role: 'assistant', reasoning_content: p.text }, index: 0, finish_reason: null }] });
    } else if (p.type === 'interactive' && !F('fault-no-interactive-event')) {
      sendDetail('interactive', { interactive: F('fault-interactive-no-type') ? { params: p.interactive.params } : p.interactive });
    }
  }
  if (F('heartbeat-empty')) send('answer', chunk(''));
  if (detail && !F('no-workflow-duration')) sendDetail('workflowDuration', { durationSeconds: 0.5 });
  const stop = F('doc-stop') ? { id: '', object: '', created: 0, model: '', choices: [{ delta: {}, index: 0, finish_reason: 'stop' }] } : chunk(null, 'stop');
  if (!F('fault-no-stop') && !F('stop-with-content')) send('answer', stop);
  if (F('error-midstream')) { frames.length = Math.min(frames.length, detail ? 4 : 3); frames.push(['error', JSON.stringify({ message: 'LLM stream interrupted' })]); }
  if (F('fault-double-stop')) send('answer', stop);
  if (F('fault-chunk-after-stop')) send('answer', chunk('。'));
  let fr = F('fault-flowresponses-object') ? { list: nodes } : nodes;
  if (F('fault-fr-runningtime-string')) fr = nodes.map((n, i) => (i === nodes.length - 1 ? { ...n, runningTime: String(n.runningTime) } : n));
  if (F('fault-fr-no-moduletype')) fr = nodes.map((n, i) => { if (i !== nodes.length - 1) return n; const { moduleType, ...r } = n; return r; });
  const newMain = F('flowresponses-before-done');
  if (detail && newMain && !F('fault-no-flowresponses')) frames.push(['flowResponses', JSON.stringify(fr)]);
  if (F('v2-noderesponse') && detail) { frames.pop(); nodes.forEach((n) => frames.push(['flowNodeResponse', JSON.stringify(n)])); }
  if (!F('fault-no-done') && !F('error-midstream')) frames.push([detail ? (F('done-unnamed') ? null : 'answer') : null, '[DONE]']);
  if (detail && !newMain && !F('fault-no-flowresponses') && !F('error-midstream') && !(F('v2-noderesponse'))) frames.push(['flowResponses', JSON.stringify(fr)]);
  if (detail && F('fault-double-flowresponses')) frames.push(['flowResponses', JSON.stringify(fr)]);
  if (F('fault-interactive-after-done') && interactive) { const k = frames.findIndex((f) => f[0] === 'interactive'); const [it] = frames.splice(k, 1); frames.push(it); }
  if (F('fault-answer-after-done')) frames.push([detail ? 'answer' : null, JSON.stringify(chunk('多余'))]);
  if (F('fault-error-then-done')) { frames.splice(frames.length - (detail ? 2 : 1), 0, ['error', JSON.stringify({ message: 'boom' })]); }
  if (F('fault-json-array-chunk')) frames.splice(1, 0, [detail ? 'answer' : null, JSON.stringify([chunk('x')])]);

  const EOL = F('crlf') ? '\r\n' : F('cr') ? '\r' : '\n';
  const delay = Number(process.env.DELAY_MS || 0);
  if (F('comments')) w.write(`: ping${EOL}${EOL}`);
  if (F('long-node')) {
    // FastGPT heartbeat: an empty answer chunk every 10 s while a node runs (here 25 s)
    w.write((detail ? `event: flowNodeStatus${EOL}` : '') + `data: ${JSON.stringify({ status: 'running', name: '知识库搜索' })}${EOL}${EOL}`.replace(/^/, detail ? '' : ''));
    for (let t = 0; t < 2; t++) { await sleep(10000); w.write((detail ? `event: answer${EOL}` : '') + `data: ${JSON.stringify(chunk(''))}${EOL}${EOL}`); }
    await sleep(5000);
  }
  if (F('retry')) w.write(`retry: 3000${EOL}${EOL}`);
  for (let i = 0; i < frames.length; i++) {
    const [ev, data] = frames[i];
    let txt = (ev ? `event: ${ev}${EOL}` : '') + `data: ${data}${EOL}${EOL}`;
    if (F('data-no-space')) txt = (ev ? `event:${ev}${EOL}` : '') + `data:${data}${EOL}${EOL}`;
    if (F('late-terminator') && i === frames.length - 1) { w.write(txt.slice(0, -EOL.length)); await sleep(1500); w.write(EOL); continue; }
    w.write(txt);
    if (F('comments') && i % 2 === 0) w.write(`: keep-alive${EOL}${EOL}`);
    if (delay) await sleep(delay);
    if (F('pause-before-done') && data === '[DONE]' ) {}
    if (F('pause-before-stop') && i === frames.length - (detail ? 4 : 3)) await sleep(Number(process.env.PAUSE_MS || 3000));
  }
  if (F('fault-keep-open')) { await sleep(20000); }
  if (F('linger-1s')) { await sleep(1000); }
  w.end();
}

// ---- records ----
async function records(req, res, url, body) {
  const send = (obj, status = 200) => {
    const s = JSON.stringify(obj);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(s) });
    res.end(s);
  };
  const a = authKey(req);
  const p = url.pathname;
  const q = Object.fromEntries(url.searchParams);
  const appId = body.appId || q.appId;
  const weakPaths = ['/api/core/chat/getPaginationRecords', '/api/core/chat/init', '/api/core/chat/getResData', '/api/core/chat/item/delete', '/api/core/chat/feedback/updateUserFeedback', '/api/core/chat/history/clearHistories', '/api/core/ai/agent/v2/createQuestionGuide'];
  if (a.err && F('fault-auth-only-some') && weakPaths.includes(p)) { /* BROKEN: these calls are served without a valid key */ }
  else if (a.err) {
    if (F('fault-records-no-auth')) { /* BROKEN: proceed without auth */ } else return send(a.err, F('auth-http-401') ? 401 : 500);
  }
  const app = a.app || APPS.T;
  const ok = (data) => {
    const env = envelope(data === null && F('crud-empty-object') ? {} : data);
    if (F('fault-records-code-string') && p.endsWith('getPaginationRecords')) env.code = '200';
    if (F('fault-envelope-array') && p.endsWith('getHistories')) return send([env]);
    return send(env, F('fault-status-500-success') && p.endsWith('updateHistory') ? 500 : 200);
  };
  if (F('auth-http-401') && a.err) {}
  const notFound = () => send({ code: 500, statusText: 'unExistChat', message: 'chat:unExistChat', data: null }, 500);
  if (appId && appId !== app.id && !F('fault-records-no-auth')) return send({ code: 500, statusText: 'unAuthApp', message: 'appUnExist', data: null }, 500);

  if (p === '/api/core/chat/history/getHistories') {
    let list = [...chats.values()].filter((c) => (F('fault-histories-cross-app') || c.appId === appId) && (!body.source || c.source === body.source));
    list.sort((x, y) => (y.top - x.top) || (y.updateTime - x.updateTime));
    const offset = Number(body.offset || 0), pageSize = Number(body.pageSize || 20);
    const total = list.length;
    let page = (F('fault-histories-ignore-pagesize') ? list.slice(offset) : F('fault-histories-ignore-offset') ? list.slice(0, pageSize) : list.slice(offset, offset + pageSize)).map((c) => {
      const o = { chatId: c.chatId, updateTime: c.updateTime.toISOString(), appId: c.appId, customTitle: c.customTitle, title: c.title, top: c.top };
      if (F('histories-extra')) { o.chatGenerateStatus = 'done'; o.hasBeenRead = true; }
      if (F('histories-omit-optional') && !c.customTitle) delete o.customTitle;
      return o;
    });
    if (F('fault-histories-total-string')) return ok({ list: page, total: String(total) });
    if (F('fault-histories-ignore-top')) { /* handled in updateHistory */ }
    return ok({ list: page, total });
  }
  if (p === '/api/core/chat/history/updateHistory') {
    const c = getChat(appId, body.chatId);
    if (!c) return notFound();
    if (body.customTitle !== undefined && !F('fault-rename-noop')) c.customTitle = body.customTitle;
    if (body.top !== undefined && !F('fault-histories-ignore-top')) c.top = body.top;
    if (!F('update-keeps-time')) c.updateTime = new Date();
    return ok(null);
  }
  if (p === '/api/core/chat/history/delHistory') {
    const chatId = q.chatId;
    if (!F('fault-delhistory-noop')) chats.delete(appId + '|' + chatId);
    return ok(null);
  }
  if (p === '/api/core/chat/history/clearHistories') {
    for (const [k, c] of chats) if (c.appId === appId && c.source === 'api' && !F('fault-clear-noop')) chats.delete(k);
    return ok(null);
  }
  if (p === '/api/core/chat/init') {
    const c = getChat(q.appId, q.chatId);
    const chatId = q.chatId;
    return ok({
      chatId: F('fault-init-chatid') ? 'someOtherChat' : chatId, appId: q.appId, variables: c ? c.variables : {},
      ...(F('init-extra') ? { title: c && c.title, userAvatar: '/a.svg', interactive: null } : {}),
      app: {
        chatConfig: { questionGuide: true, ttsConfig: { type: 'web' }, whisperConfig: { open: false, autoSend: false, autoTTSResponse: false }, chatInputGuide: { open: false, textList: [], customUrl: '' }, instruction: '', variables: [], fileSelectConfig: { canSelectFile: true, canSelectImg: true, maxFiles: 10 }, _id: '66f1139aaab9ddaf1b5c596d', welcomeText: '' },
        chatModels: ['GPT-4o-mini'], name: app.name, avatar: '/imgs/app/avatar/workflow.svg', intro: '', type: 'advanced', pluginInputs: []
      }
    });
  }
  if (p === '/api/core/chat/getPaginationRecords') {
    const c = getChat(appId, body.chatId);
    let items = c ? c.items : [];
    if (F('fault-records-leak')) items = [...chats.values()].filter((x) => x.appId === appId && x.chatId !== body.chatId).flatMap((x) => x.items).slice(0, 2).concat(items);
    const offset = Number(body.offset || 0), pageSize = Number(body.pageSize || 10);
    let page;
    if (F('fault-records-ignore-offset')) page = items.slice(-pageSize);
    else if (F('records-oldest-first')) page = items.slice(offset, offset + pageSize);
    else page = items.slice().reverse().slice(offset, offset + pageSize).reverse(); // real FastGPT: newest page first, each page chronological
    if (F('records-pagesize-cap')) page = page.slice(-Math.min(pageSize, 2)); // server caps page size
    const list = page.map((i) => {
      const o = { _id: i._id, dataId: i.dataId, obj: i.obj, value: F('records-value-no-type') ? i.value.map(({ type, ...rest }) => rest) : i.value };
      if (body.loadCustomFeedbacks || F('always-custom-feedbacks')) o.customFeedbacks = i.customFeedbacks;
      if (i.userGoodFeedback) o.userGoodFeedback = i.userGoodFeedback;
      if (i.userBadFeedback) o.userBadFeedback = i.userBadFeedback;
      if (i.obj === 'AI') { o.totalQuoteList = []; o.totalRunningTime = 1.22; o.historyPreviewLength = 2; o.llmModuleAccount = 1; }
      if (F('fault-records-dataid-number')) o.dataId = 12345;
      return o;
    });
    if (F('fault-records-dup') && list.length) list.push(list[list.length - 1]);
    return ok({ list, total: F('fault-records-total-wrong') ? items.length + 5 : items.length });
  }
  if (p === '/api/core/chat/getResData') {
    const c = getChat(q.appId, q.chatId);
    const it = c && c.items.find((i) => i.dataId === q.dataId);
    if (!it) return ok(F('resdata-missing-empty') ? [] : []);
    return ok(F('fault-resdata-object') ? { list: it.responseData } : it.responseData || []);
  }
  if (p === '/api/core/chat/item/delete') {
    const contentId = q.contentId || body.contentId;
    const chatId = q.chatId || body.chatId;
    const c = getChat(appId, chatId);
    if (c && !F('fault-item-delete-noop')) {
      const idx = c.items.findIndex((i) => i.dataId === contentId);
      // item-delete-pair: deleting an AI item also deletes the question it answered
      if (idx >= 0) c.items.splice(F('item-delete-pair') && idx > 0 && c.items[idx - 1].obj === 'Human' ? idx - 1 : idx, F('item-delete-pair') && idx > 0 ? 2 : 1);
    }
    return ok(null);
  }
  if (p === '/api/core/chat/feedback/updateUserFeedback') {
    const c = getChat(appId, body.chatId);
    const it = c && c.items.find((i) => i.dataId === body.dataId);
    if (!it) return notFound();
    if (!F('fault-feedback-noop')) {
      if ('userGoodFeedback' in body) it.userGoodFeedback = body.userGoodFeedback; else delete it.userGoodFeedback;
      if ('userBadFeedback' in body) it.userBadFeedback = body.userBadFeedback; else delete it.userBadFeedback;
    }
    return ok(F('feedback-empty-object') ? {} : null);
  }
  if (p === '/api/core/ai/agent/v2/createQuestionGuide') {
    if (F('fault-guide-string')) return ok('你对AI有什么看法?');
    return ok(['你对AI有什么看法?', '想了解AI的应用吗?', '你希望AI能做什么?']);
  }
  send({ code: 404, statusText: 'notFound', message: 'not found', data: null }, 404);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const bufs = [];
  req.on('data', (d) => bufs.push(d));
  req.on('end', async () => {
    const raw = Buffer.concat(bufs).toString();
    if (LOG) LOG.write(`${req.method} ${req.url} auth=${req.headers.authorization || '-'} ${raw.slice(0, 300)}\n`);
    let body = {};
    if (raw) { try { body = JSON.parse(raw); } catch { body = {}; } }
    if (body === null || typeof body !== 'object') body = {};
    try {
      if (req.method === 'POST' && (url.pathname === '/api/v1/chat/completions' || url.pathname === '/api/v2/chat/completions'))
        return await completions(req, res, body, url.pathname.includes('v2') ? 2 : 1);
      if (url.pathname.startsWith('/api/core/')) return await records(req, res, url, body);
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"code":404}');
    } catch (e) {
      console.error(e);
      try { res.end(); } catch {}
    }
  });
});
if (F('no-keepalive')) server.keepAliveTimeout = 1;
if (F('fault-histories-cross-app')) chats.set(APPS.SEL.id + '|other-app-secret-chat', { chatId: 'other-app-secret-chat', appId: APPS.SEL.id, title: '另一个应用的秘密对话', customTitle: '', top: true, source: 'api', updateTime: new Date(), items: [], variables: {}, pending: null });
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
