// A faithful FastGPT-like server (node:http) for chatwire's fastgpt suite, with ONE optional mutation.
// usage: node fg_server.mjs [MUTATION]   -> prints "PORT <n>"
// Extended by the ninth round's auditor with more mutations (a9-…); chatwire added the key ones.
import http from 'node:http';
import crypto from 'node:crypto';
import zlib from 'node:zlib';

const M = process.env.MUT || process.argv[2] || 'none';
const MS = new Set(M.split('+'));
const has = (x) => MS.has(x);
const APP = { 'fastgpt-main': 'app000000000000000000main', 'fastgpt-select': 'app00000000000000000select',
  'fastgpt-form': 'app0000000000000000000form', 'fastgpt-plugin': 'app00000000000000000plugin' };
const KIND = { 'fastgpt-main': 'chat', 'fastgpt-select': 'select', 'fastgpt-form': 'form', 'fastgpt-plugin': 'plugin' };
const chats = new Map(); // chatId -> {appId, chatId, title, customTitle, top, updateTime, source, items:[], pending, variables}
let reqCount = 0;
const rid = (n = 24) => crypto.randomBytes(n).toString('base64url').slice(0, n);

function envelope(res, httpStatus, code, statusText, message, data) {
  const body = JSON.stringify({ code, statusText, message, data });
  res.writeHead(httpStatus, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(body);
}
function ok(res, data) {
  if (has('a9-records-code-0')) return sendJson(res, 200, { code: 0, statusText: '', message: '', data });
  if (has('a9-records-extra-fields')) return sendJson(res, 200, { code: 200, statusText: '', message: '', data, requestId: rid(12), timestamp: Date.now() });
  if (has('rec-code-string')) return sendJson(res, 200, { code: '200', statusText: '', message: '', data });
  if (has('rec-no-code')) return sendJson(res, 200, { statusText: '', message: '', data });
  if (has('rec-http-500-success')) return sendJson(res, 500, { code: 200, statusText: '', message: '', data });
  if (has('rec-no-statustext')) return sendJson(res, 200, { code: 200, message: '', data });
  if (has('rec-text-plain')) { res.writeHead(200, { 'Content-Type': 'text/plain' }); return res.end(JSON.stringify({ code: 200, statusText: '', message: '', data })); }
  if (has('rec-message-null')) return sendJson(res, 200, { code: 200, statusText: '', message: null, data });
  if (has('rec-mutation-data-absent') && data === null) return sendJson(res, 200, { code: 200, statusText: '', message: '' });
  return sendJson(res, 200, { code: 200, statusText: '', message: '', data });
}
function sendJson(res, status, obj) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(obj));
}
function authFail(res, key, stream) {
  if (has('legal-refuse-401-empty') && !stream) { res.writeHead(401); return res.end(); }
  if (has('refuse-stream-keep-open') && stream) { res.writeHead(200, { 'Content-Type': 'text/event-stream' }); res.write(`event: error\ndata: {"message":"unAuthorization"}\n\n`); return; }
  if (has('refuse-404')) { res.writeHead(404, { 'Content-Type': 'application/json' }); return res.end(JSON.stringify({ code: 404, statusText: 'notFound', message: 'not found', data: null })); }
  const missing = !key;
  const e = missing ? { code: 403, statusText: 'unAuthorization', message: 'common:unAuthorization', data: null }
    : { code: 514, statusText: 'unAuthApiKey', message: 'common:unAuthApiKey', data: null };
  if (stream) {
    if (has('refuse-stream-sse-done')) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream;charset=utf-8' });
      return res.end(`event: error\ndata: ${JSON.stringify({ message: e.message })}\n\nevent: answer\ndata: [DONE]\n\n`);
    }
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    return res.end(`event: error\ndata: ${JSON.stringify(e)}\n\n`);
  }
  if (has('refuse-with-data')) return sendJson(res, 500, { ...e, data: { list: [], total: 0 } });
  return envelope(res, 500, e.code, e.statusText, e.message, null);
}
function bearer(req) {
  const h = req.headers.authorization || '';
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m ? m[1].trim() : '';
}

function readBody(req) {
  return new Promise((resolve) => { let b = ''; req.setEncoding('utf8'); req.on('data', (c) => (b += c)); req.on('end', () => resolve(b)); });
}

const chunk = (delta, finish = null) => ({ id: '', object: '', created: 0, model: '', choices: [{ delta, index: 0, finish_reason: finish }] });

function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.filter((p) => p && p.type === 'text').map((p) => p.text).join('');
  return '';
}

function splitText(t) {
  const out = []; const arr = [...t];
  for (let i = 0; i < arr.length; i += 4) out.push(arr.slice(i, i + 4).join(''));
  return out.length ? out : [''];
}

// build the workflow result for a request: {answerText, interactive, nodes, newVariables}
function runWorkflow(kind, chat, question, variables) {
  const nodes = [];
  const t0 = { nodeId: 'workflowStart', moduleName: 'common:core.module.template.work_start', moduleType: 'workflowStart', runningTime: 0 };
  nodes.push(t0);
  if (kind === 'plugin') {
    const q = variables && typeof variables.query === 'string' ? variables.query : JSON.stringify(variables || {});
    const answer = `插件结果:${q}`;
    nodes.push({ nodeId: 'chatNode1', moduleName: 'AI 对话', moduleType: 'chatNode', runningTime: 0.5, totalPoints: 0.01, tokens: 12, query: q });
    nodes.push({ nodeId: 'pluginOutput', moduleName: '插件输出', moduleType: 'pluginOutput', runningTime: 0, totalPoints: 0, pluginOutput: { result: answer } });
    return { answerText: answer, nodes, newVariables: { ...(variables || {}) } };
  }
  if (kind === 'select' || kind === 'form') {
    if (!chat || !chat.pending) {
      const interactive = kind === 'select'
        ? { type: 'userSelect', params: { description: '请确认是否继续', userSelectOptions: [{ key: 'option1', value: 'Confirm' }, { key: 'option2', value: 'Cancel' }] } }
        : { type: 'userInput', params: { description: '请填写表单', inputForm: [
          { type: 'input', key: 'name', label: '姓名', description: '', value: '', defaultValue: '', valueType: 'string', required: true, list: [{ label: '', value: '' }] },
          { type: 'numberInput', key: 'age', label: '年龄', description: '', value: '', defaultValue: '', valueType: 'number', required: false, list: [{ label: '', value: '' }] }] } };
      nodes.push({ nodeId: 'interactive1', moduleName: kind === 'select' ? '用户选择' : '表单输入', moduleType: kind === 'select' ? 'userSelect' : 'formInput', runningTime: 0 });
      if (chat) chat.pending = interactive;
      return { answerText: '请继续:', interactive, nodes, newVariables: { ...(variables || {}) } };
    }
    const pending = chat.pending;
    if (has('a9-select-match-key') && pending.type === 'userSelect' && !pending.params.userSelectOptions.some((o) => o.key === question)) {
      nodes.push({ nodeId: 'interactive1', moduleName: '用户选择', moduleType: 'userSelect', runningTime: 0 });
      return { answerText: '请继续:', interactive: pending, nodes, newVariables: { ...(variables || {}) } };
    }
    chat.pending = null;
    let answer = '已收到您的选择,流程继续。';
    if (pending.type === 'userInput') answer = '表单已提交,流程继续。';
    nodes.push({ nodeId: 'interactive1', moduleName: pending.type === 'userSelect' ? '用户选择' : '表单输入', moduleType: pending.type === 'userSelect' ? 'userSelect' : 'formInput', runningTime: 0 });
    nodes.push({ nodeId: 'answerNode', moduleName: '指定回复', moduleType: 'answerNode', runningTime: 0 });
    if (has('interactive-reask') && chat) { chat.pending = pending; return { answerText: '请继续:', interactive: pending, nodes, newVariables: {} }; }
    return { answerText: answer, nodes, newVariables: { ...(variables || {}) } };
  }
  let answer = `关于“${question}”:这是回答。`;
  if (has('long-answer')) answer = answer + '很长的回答。'.repeat(400);
  if (has('crosstalk-history') && lastQuestionGlobal && lastQuestionGlobal !== question) answer += ` (上一位用户问了:${lastQuestionGlobal})`;
  lastQuestionGlobal = question;
  nodes.push({ nodeId: 'chatNode1', moduleName: 'AI 对话', moduleType: 'chatNode', runningTime: 0.8, totalPoints: 0.02, model: 'GPT-4o-mini', tokens: 30, query: question });
  return { answerText: answer, nodes, newVariables: { ...(variables || {}) } };
}
let lastQuestionGlobal = '';

async function chatCompletions(req, res, version) {
  let key = bearer(req);
  const raw = await readBody(req);
  let body;
  try { body = JSON.parse(raw); } catch { body = null; }
  const stream = !!(body && body.stream);
  if (has('stream-wrong-key-accepted') && stream && key && !APP[key]) key = 'fastgpt-main';
  // Added with chatwire's near-key case: keys looked up without case, or by a leading part.
  if (has('key-case') && key) key = Object.keys(APP).find((known) => known.toLowerCase() === key.toLowerCase()) ?? key;
  if (has('key-leading-part') && key) key = Object.keys(APP).find((known) => known.startsWith(key)) ?? key;
  if (!key || !APP[key]) return authFail(res, key, stream);
  if (!body || typeof body !== 'object' || Array.isArray(body)) return refuse(res, stream, 'invalid body');
  const kind = KIND[key];
  const appId = APP[key];
  const plainPlugin = has('plugin-stream-not-detail');
  const { chatId, variables, responseChatItemId } = body;
  let messages = body.messages;
  const isPlugin = kind === 'plugin' && (messages === undefined || (Array.isArray(messages) && messages.length === 0)) && variables;
  if (!isPlugin) {
    if (messages !== undefined && !Array.isArray(messages)) { if (!has('accept-messages-string')) return refuse(res, stream, 'messages must be an array'); messages = [{ role: 'user', content: String(messages) }]; }
    if (!Array.isArray(messages) || messages.length === 0) { if (!has('accept-empty-messages')) return refuse(res, stream, 'messages is empty'); messages = [{ role: 'user', content: '' }]; }
  }
  const detail = isPlugin ? (plainPlugin && stream ? !!body.detail : true) : !!body.detail;
  const last = isPlugin ? null : (has('first-message-question') ? messages[0] : messages[messages.length - 1]);
  const question = isPlugin ? '' : textOf(last && last.content);
  let chat = null;
  if (typeof chatId === 'string' && chatId && !isPlugin) {
    chat = chats.get(chatId);
    if (!chat) { const prevChat = has('a9-records-leak-prev-chat') ? [...chats.values()].filter((x) => x.appId === appId).pop() : null; chat = { appId, chatId, title: question.slice(0, 20) || '新对话', customTitle: '', top: false, updateTime: new Date(), source: 'api', items: [], pending: null, variables: variables || {} }; if (prevChat) chat.items = prevChat.items.map((i) => ({ ...i, dataId: rid(24) })); chats.set(chatId, chat); }
  }
  const wf = runWorkflow(kind, chat, question, variables);
  const dataId = typeof responseChatItemId === 'string' && responseChatItemId && !has('ignore-item-id') ? responseChatItemId : (has('a9-objectid-ids') ? crypto.randomUUID() : rid());
  if (chat && has('rec-records-last-turn-only')) chat.items = [];
  if (chat) {
    chat.items.push({ _id: has('a9-objectid-ids') ? crypto.randomBytes(12).toString('hex') : rid(24), dataId: has('a9-objectid-ids') ? crypto.randomUUID() : rid(24), obj: 'Human', value: [{ type: 'text', text: { content: has('rec-human-wrong-text') ? '(用户问题)' : question } }], customFeedbacks: [] });
    chat.items.push({ _id: has('a9-objectid-ids') ? crypto.randomBytes(12).toString('hex') : rid(24), dataId, obj: 'AI', value: [{ type: 'text', text: { content: has('rec-ai-value-empty') ? '' : wf.answerText } }], customFeedbacks: [], totalQuoteList: [], totalRunningTime: 0.8, responseData: wf.nodes });
    chat.updateTime = new Date();
  }
  reqCount++;
  wf.turn = chat ? chat.items.filter((i) => i.obj === 'AI').length : 1;
  if (stream) return writeStream(res, detail, wf, version);
  return writeAnswer(res, detail, wf, chatId);
}

function refuse(res, stream, message) {
  if (has('legal-refuse-400-openai')) return sendJson(res, 400, { error: { message, type: 'invalid_request_error' } });
  if (has('refuse-200-envelope')) return sendJson(res, 200, { code: 200, statusText: '', message, data: null });
  if (stream) {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
    return res.end(`event: error\ndata: ${JSON.stringify({ code: 500, statusText: '', message, data: null })}\n\n`);
  }
  return envelope(res, 500, 500, '', message, null);
}

function writeAnswer(res, detail, wf, chatId) {
  let content = wf.answerText;
  if (detail && wf.interactive) content = [{ type: 'text', text: { content: wf.answerText } }, { type: 'interactive', interactive: wf.interactive }];
  const out = { id: chatId || '', model: '', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 1 },
    choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop', index: 0 }] };
  if (detail) { out.responseData = wf.nodes; out.newVariables = wf.newVariables; }
  // --- non-stream mutations
  if (has('ans-no-choices')) delete out.choices;
  if (has('ans-choices-empty')) out.choices = [];
  if (has('ans-role-user')) out.choices[0].message.role = 'user';
  if (has('ans-content-null')) out.choices[0].message.content = null;
  if (has('ans-content-number')) out.choices[0].message.content = 42;
  if (has('ans-no-message')) delete out.choices[0].message;
  if (has('ans-detail-no-responseData') && detail) delete out.responseData;
  if (has('ans-responseData-object') && detail) out.responseData = { nodes: wf.nodes };
  if (has('ans-plain-with-responseData') && !detail) out.responseData = wf.nodes;
  if (has('ans-plain-content-array') && !detail) out.choices[0].message.content = [{ type: 'text', text: { content: wf.answerText } }];
  if (has('ans-usage-string') ) out.usage = 'n/a';
  if (has('ans-newVariables-array') && detail) out.newVariables = [];
  if (has('ans-no-usage')) delete out.usage;
  if (has('ans-no-pluginOutput') && detail && out.responseData) out.responseData = out.responseData.filter((n) => n.moduleType !== 'pluginOutput');
  if (has('legal-ans-content-array-detail') && detail) out.choices[0].message.content = [{ type: 'text', text: { content: wf.answerText } }];
  if (has('legal-ans-extra-fields')) { out.object = 'chat.completion'; out.created = Math.floor(Date.now() / 1000); out.system_fingerprint = 'x'; }
  if (has('ans-responseData-bare') && detail) out.responseData = wf.nodes.map((n) => n.moduleName);
  if (has('legal-ans-no-newVariables') && detail) delete out.newVariables;
  if (has('ans-finish-null')) out.choices[0].finish_reason = null;
  if (has('ans-content-array-strings') && detail) out.choices[0].message.content = [wf.answerText];
  if (has('ans-content-empty')) out.choices[0].message.content = '';
  if (has('a9-answer-id-empty')) out.id = '';
  if (has('a9-usage-zero')) out.usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  if (has('ans-enveloped')) return sendJson(res, 200, { code: 200, statusText: '', message: '', data: out });
  if (has('ans-choices-object')) out.choices = out.choices[0];
  const text = JSON.stringify(out);
  if (has('ans-as-sse')) { res.writeHead(200, { 'Content-Type': 'text/event-stream' }); return res.end(`data: ${text}\n\ndata: [DONE]\n\n`); }
  if (has('ans-text-plain')) { res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }); return res.end(text); }
  if (has('ans-http-201')) { res.writeHead(201, { 'Content-Type': 'application/json' }); return res.end(text); }
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(text);
}

function writeStream(res, detail, wf, version) {
  const F = []; // {ev, data}
  const named = (ev) => (detail ? ev : null);
  const parts = splitText(wf.answerText);
  if (detail) F.push({ ev: 'flowNodeStatus', data: JSON.stringify({ status: 'running', name: wf.interactive ? '用户选择' : 'AI 对话' }) });
  for (const p of parts) F.push({ ev: named('answer'), data: JSON.stringify(chunk({ role: 'assistant', content: p })), kind: 'content' });
  if (detail && wf.interactive) F.push({ ev: 'interactive', data: JSON.stringify({ interactive: wf.interactive }), kind: 'interactive' });
  if (detail && wf.newVariables && Object.keys(wf.newVariables).length) F.push({ ev: 'updateVariables', data: JSON.stringify(wf.newVariables) });
  F.push({ ev: named('answer'), data: JSON.stringify(chunk({ role: 'assistant', content: null }, 'stop')), kind: 'stop' });
  F.push({ ev: named('answer'), data: '[DONE]', kind: 'done' });
  if (detail) F.push({ ev: 'flowResponses', data: JSON.stringify(wf.nodes), kind: 'fr' });
  const eff = M.startsWith('turn2:') ? (wf.turn >= 2 ? M.slice(6) : 'none') : M.startsWith('req3:') ? (reqCount >= 3 ? M.slice(5) : 'none') : M;
  mutateFrames(F, detail, wf, eff);
  let headers = { 'Content-Type': 'text/event-stream;charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no', 'Access-Control-Allow-Origin': '*' };
  if (has('st-ct-json')) headers['Content-Type'] = 'application/json';
  if (has('st-ct-plain')) headers['Content-Type'] = 'text/plain;charset=utf-8';
  if (has('st-ct-missing')) delete headers['Content-Type'];
  if (has('legal-ct-case')) headers['Content-Type'] = 'Text/Event-Stream; Charset=UTF-8';
  const status = has('st-status-201') ? 201 : has('st-status-500') ? 500 : 200;
  res.writeHead(status, headers);
  const eol = (has('legal-crlf') || has('a9-crlf-split')) ? '\r\n' : has('legal-cr') ? '\r' : '\n';
  if (has('legal-bom')) res.write('\uFEFF');
  const ser = (f) => {
    let s = '';
    if (has('legal-comments')) s += `: ping${eol}`;
    if (has('legal-id-retry')) s += `id: ${rid(6)}${eol}retry: 3000${eol}`;
    if (has('a9-blank-lines')) s += `${eol}${eol}`;
    if (f.ev && has('a9-event-no-space')) s += `event:${f.ev}${eol}`;
    else if (f.ev && has('a9-event-line-after-blank')) s += `event: ${f.ev}${eol}${eol}`;
    else if (f.ev && !has('legal-event-after-data')) s += `event: ${f.ev}${eol}`;
    if (has('legal-multiline-data') && f.data.startsWith('{')) { const j = JSON.stringify(JSON.parse(f.data), null, 1); for (const l of j.split('\n')) s += `data: ${l}${eol}`; }
    else if (has('legal-no-space')) s += `data:${f.data}${eol}`;
    else s += `data: ${f.data}${eol}`;
    if (f.ev && has('legal-event-after-data')) s += `event: ${f.ev}${eol}`;
    if (f.join) return s;
    if (has('a9-sse-no-blank') && f !== F[F.length - 1]) return s;
    if (has('a9-no-trailing-blank') && f === F[F.length - 1]) return s;
    return s + eol;
  };
  const slow = has('legal-slow-stream');
  let i = 0;
  const next = () => {
    if (i >= F.length) {
      if (has('st-keep-open')) return; // never end
      if (has('legal-linger-1s')) return setTimeout(() => res.end(), 1000);
      if (has('st-abort-after-done')) return res.socket.destroy();
      return res.end();
    }
    const f = F[i];
    if (f.delay && !f.waited) { f.waited = true; return setTimeout(next, f.delay); }
    i++;
    let s = ser(f);
    if (has('legal-split-writes')) { const b = Buffer.from(s); const mid = Math.floor(b.length / 2); res.write(b.subarray(0, mid)); setTimeout(() => { res.write(b.subarray(mid)); setTimeout(next, 2); }, 2); return; }
    res.write(s);
    if (slow) setTimeout(next, 150); else setImmediate(next);
  };
  next();
}

function mutateFrames(F, detail, wf, MM) {
  const idx = (k) => F.findIndex((f) => f.kind === k);
  const content = () => F.filter((f) => f.kind === 'content');
  const setChunk = (f, fn) => { const o = JSON.parse(f.data); fn(o); f.data = JSON.stringify(o); };
  for (const MM1 of MM.split('+')) switch (MM1) {
    case 'st-no-done': F.splice(idx('done'), 1); break;
    case 'st-two-json-one-event': { const c = content(); if (c.length > 1) c[0].join = true; break; }
    case 'legal-stop-with-content': { const c = content(); const last = c[c.length - 1]; const lastText = JSON.parse(last.data).choices[0].delta.content; F.splice(F.indexOf(last), 1); setChunk(F[idx('stop')], (o) => (o.choices[0].delta = { role: 'assistant', content: lastText })); break; }
    case 'legal-nodestatus-after-stop': if (detail) F.splice(idx('stop') + 1, 0, { ev: 'flowNodeStatus', data: JSON.stringify({ status: 'running', name: '结束' }) }); break;
    case 'legal-stop-merged': { const c = content(); const last = c[c.length - 1]; setChunk(last, (o) => (o.choices[0].finish_reason = 'stop')); F.splice(idx('stop'), 1); break; }
    case 'st-text-in-wrong-field': for (const f of content()) setChunk(f, (o) => { o.choices[0].delta = { role: 'assistant', text: o.choices[0].delta.content }; }); break;
    case 'st-empty-answer': for (const f of content()) setChunk(f, (o) => { o.choices[0].delta.content = ''; }); break;
    case 'st-done-trailing-space': F[idx('done')].data = '[DONE] '; break;
    case 'interactive-no-stop': if (wf.interactive) F.splice(idx('stop'), 1); break;
    case 'interactive-no-flowresponses': if (wf.interactive && idx('fr') >= 0) F.splice(idx('fr'), 1); break;
    case 'plugin-stream-no-pluginOutput': if (idx('fr') >= 0) F[idx('fr')].data = JSON.stringify(wf.nodes.filter((n) => n.moduleType !== 'pluginOutput')); break;
    case 'st-late-after-done': F.splice(idx('done') + 1, 0, { ev: detail ? 'answer' : null, data: JSON.stringify(chunk({ role: 'assistant', content: '迟到' })), kind: 'content', delay: 500 }); break;
    case 'legal-late-flowresponses': if (idx('fr') >= 0) F[idx('fr')].delay = 1200; break;
    case 'legal-fr-2500': if (idx('fr') >= 0) F[idx('fr')].delay = 2500; break;
    case 'st-finish-empty-string': setChunk(F[idx('stop')], (o) => (o.choices[0].finish_reason = '')); break;
    case 'st-finish-length': setChunk(F[idx('stop')], (o) => (o.choices[0].finish_reason = 'length')); break;
    case 'st-no-index': for (const f of F) if (f.kind === 'content' || f.kind === 'stop') setChunk(f, (o) => delete o.choices[0].index); break;
    case 'dt-select-option-no-value': if (detail) { const i = idx('interactive'); if (i >= 0) setChunk(F[i], (o) => { if (o.interactive.params.userSelectOptions) o.interactive.params.userSelectOptions = o.interactive.params.userSelectOptions.map(({ key }) => ({ key })); }); } break;
    case 'dt-form-field-no-key': if (detail) { const i = idx('interactive'); if (i >= 0) setChunk(F[i], (o) => { if (o.interactive.params.inputForm) o.interactive.params.inputForm = o.interactive.params.inputForm.map(({ key, ...r }) => r); }); } break;
    case 'legal-no-nodestatus': if (detail) F.splice(F.findIndex((f) => f.ev === 'flowNodeStatus'), 1); break;
    case 'dt-fr-items-numbers': if (idx('fr') >= 0) F[idx('fr')].data = '[1,2,3]'; break;
    case 'st-no-stop': F.splice(idx('stop'), 1); break;
    case 'st-two-stops': F.splice(idx('stop'), 0, { ...F[idx('stop')] }); break;
    case 'st-content-after-stop': F.splice(idx('stop') + 1, 0, { ev: detail ? 'answer' : null, data: JSON.stringify(chunk({ role: 'assistant', content: '多余' })), kind: 'content' }); break;
    case 'st-content-after-done': F.splice(idx('done') + 1, 0, { ev: detail ? 'answer' : null, data: JSON.stringify(chunk({ role: 'assistant', content: '多余' })), kind: 'content' }); break;
    case 'st-done-twice': F.splice(idx('done') + 1, 0, { ...F[idx('done')] }); break;
    case 'st-stop-after-done': { const s = F.splice(idx('stop'), 1)[0]; F.splice(idx('done') + 1, 0, s); break; }
    case 'st-finish-early': { const c = content(); if (c.length > 1) setChunk(c[0], (o) => (o.choices[0].finish_reason = 'length')); break; }
    case 'st-finish-stop-every': for (const c of content()) setChunk(c, (o) => (o.choices[0].finish_reason = 'stop')); break;
    case 'st-no-choices': setChunk(content()[0], (o) => delete o.choices); break;
    case 'st-choices-empty': setChunk(content()[0], (o) => (o.choices = [])); break;
    case 'st-choices-object': setChunk(content()[0], (o) => (o.choices = o.choices[0])); break;
    case 'st-no-delta': setChunk(content()[0], (o) => delete o.choices[0].delta); break;
    case 'st-delta-string': setChunk(content()[0], (o) => (o.choices[0].delta = o.choices[0].delta.content)); break;
    case 'st-content-number': setChunk(content()[0], (o) => (o.choices[0].delta.content = 7)); break;
    case 'st-content-object': setChunk(content()[0], (o) => (o.choices[0].delta.content = { text: o.choices[0].delta.content })); break;
    case 'st-finish-number': setChunk(F[idx('stop')], (o) => (o.choices[0].finish_reason = 1)); break;
    case 'st-finish-missing-all': for (const f of F) if (f.kind === 'content' || f.kind === 'stop') setChunk(f, (o) => delete o.choices[0].finish_reason); break;
    case 'st-frame-not-json': F.splice(1, 0, { ev: detail ? 'answer' : null, data: 'hello world', kind: 'x' }); break;
    case 'st-frame-truncated-json': F.splice(1, 0, { ev: detail ? 'answer' : null, data: '{"id":"","choices":[{"delta":{"content":"x"}', kind: 'x' }); break;
    case 'st-done-lowercase': F[idx('done')].data = '[done]'; break;
    case 'st-done-quoted': F[idx('done')].data = '"[DONE]"'; break;
    case 'st-chunk-as-array': setChunk(content()[0], () => {}); F[F.indexOf(content()[0])].data = `[${content()[0].data}]`; break;
    // detail events
    case 'dt-unnamed-answer': if (detail) content()[0].ev = null; break;
    case 'dt-unnamed-done': if (detail) F[idx('done')].ev = null; break;
    case 'dt-done-named-done': if (detail) F[idx('done')].ev = 'done'; break;
    case 'dt-no-flowresponses': if (detail) F.splice(idx('fr'), 1); break;
    case 'dt-flowresponses-twice': if (detail) { const fr = F[idx('fr')]; F.splice(idx('done'), 0, { ...fr, kind: 'fr0' }); } break;
    case 'dt-flowresponses-object': if (detail) F[idx('fr')].data = JSON.stringify({ list: wf.nodes }); break;
    case 'dt-flowresponses-string': if (detail) F[idx('fr')].data = JSON.stringify(JSON.stringify(wf.nodes)); break;
    case 'dt-nodestatus-after-done': if (detail) F.push({ ev: 'flowNodeStatus', data: JSON.stringify({ status: 'running', name: '结束' }) }); break;
    case 'dt-nodestatus-no-name': if (detail) F[0].data = JSON.stringify({ status: 'running' }); break;
    case 'dt-nodestatus-no-status': if (detail) F[0].data = JSON.stringify({ name: 'AI 对话' }); break;
    case 'dt-nodestatus-not-json': if (detail) F[0].data = 'running AI 对话'; break;
    case 'dt-updatevars-array': if (detail) { const i = F.findIndex((f) => f.ev === 'updateVariables'); if (i >= 0) F[i].data = '[1,2]'; else F.splice(1, 0, { ev: 'updateVariables', data: '[1,2]' }); } break;
    case 'dt-updatevars-string': if (detail) F.splice(1, 0, { ev: 'updateVariables', data: '"x"' }); break;
    case 'dt-interactive-no-type': if (detail) { const i = idx('interactive'); if (i >= 0) setChunk(F[i], (o) => delete o.interactive.type); } break;
    case 'dt-interactive-flat': if (detail) { const i = idx('interactive'); if (i >= 0) F[i].data = JSON.stringify(wf.interactive); } break;
    case 'dt-select-no-options': if (detail) { const i = idx('interactive'); if (i >= 0) setChunk(F[i], (o) => { if (o.interactive.params.userSelectOptions) delete o.interactive.params.userSelectOptions; }); } break;
    case 'dt-form-no-inputform': if (detail) { const i = idx('interactive'); if (i >= 0) setChunk(F[i], (o) => { if (o.interactive.params.inputForm) delete o.interactive.params.inputForm; }); } break;
    case 'dt-tool-no-tool': if (detail) F.splice(1, 0, { ev: 'toolCall', data: JSON.stringify({ id: 't1', toolName: 'search' }) }); break;
    case 'dt-duration-string': if (detail) F.splice(idx('done'), 0, { ev: 'workflowDuration', data: JSON.stringify({ durationSeconds: 'fast' }) }); break;
    case 'dt-error-midstream-then-done': F.splice(2, 0, { ev: 'error', data: JSON.stringify({ message: 'LLM failed' }) }); break;
    case 'dt-error-plain-text': F.splice(2, F.length - 2, { ev: 'error', data: 'LLM failed' }); break;
    case 'dt-fastanswer-bad': if (detail) F.splice(1, 0, { ev: 'fastAnswer', data: JSON.stringify({ text: '固定回复' }) }); break;
    // no-detail leaks
    case 'pl-flownodestatus': if (!detail) F.unshift({ ev: 'flowNodeStatus', data: JSON.stringify({ status: 'running', name: 'AI 对话' }) }); break;
    case 'pl-flowresponses-after-done': if (!detail) F.push({ ev: 'flowResponses', data: JSON.stringify(wf.nodes) }); break;
    case 'pl-interactive': if (!detail && wf.interactive) F.splice(idx('stop'), 0, { ev: 'interactive', data: JSON.stringify({ interactive: wf.interactive }) }); break;
    case 'pl-updatevars': if (!detail) F.unshift({ ev: 'updateVariables', data: JSON.stringify({ a: 1 }) }); break;
    case 'pl-done-named': if (!detail) F[idx('done')].ev = 'answer'; break;
    // ---- audit9
    case 'a9-chunk-extra-fields': for (const f of F) if (f.kind === 'content' || f.kind === 'stop') setChunk(f, (o) => { o.system_fingerprint = null; o.usage = null; o.choices[0].logprobs = null; o.choices[0].delta.refusal = null; }); break;
    case 'a9-chunk-no-model': for (const f of F) if (f.kind === 'content' || f.kind === 'stop') setChunk(f, (o) => { delete o.model; }); break;
    case 'a9-stop-content-empty': setChunk(F[idx('stop')], (o) => (o.choices[0].delta = { role: 'assistant', content: '' })); break;
    case 'a9-chattitle-plain': if (!detail) F.splice(idx('stop'), 0, { ev: 'chatTitle', data: JSON.stringify({ chatTitle: '新对话标题' }) }); break;
    case 'a9-new-events': if (detail) F.splice(idx('stop'), 0,
      { ev: 'chatTitle', data: JSON.stringify({ chatTitle: '新对话标题' }) },
      { ev: 'plan', data: JSON.stringify({ plan: { steps: [{ id: 's1', title: '检索' }] } }) },
      { ev: 'planStatus', data: JSON.stringify({ status: 'done' }) },
      { ev: 'sandboxStatus', data: JSON.stringify({ status: 'ready' }) },
      { ev: 'skillCall', data: JSON.stringify({ skill: { id: 'k1', name: 'search' } }) }); break;
    case 'a9-fr-extra-fields': if (idx('fr') >= 0) F[idx('fr')].data = JSON.stringify(wf.nodes.map((n) => ({ id: rid(12), ...n, historyPreview: [{ obj: 'Human', value: 'x' }], quoteList: [], contextTotalLen: 2, price: 1.2000000000000002 }))); break;
    case 'a9-interactive-extra': if (detail) { const i = idx('interactive'); if (i >= 0) setChunk(F[i], (o) => { o.interactive.entryNodeIds = ['n1']; o.interactive.memoryEdges = []; o.interactive.nodeOutputs = []; o.interactive.params.extra = true; if (o.interactive.params.userSelectOptions) o.interactive.params.userSelectOptions = o.interactive.params.userSelectOptions.map((x) => ({ ...x, description: '' })); }); } break;
    case 'a9-updatevars-empty': if (detail) F.splice(1, 0, { ev: 'updateVariables', data: '{}' }); break;
    case 'a9-error-after-done': F.push({ ev: 'error', data: JSON.stringify({ message: 'stream closed unexpectedly' }) }); break;
    // legal variations
    case 'legal-doc-stop-delta': setChunk(F[idx('stop')], (o) => (o.choices[0].delta = {})); break;
    case 'legal-openai-ids': for (const f of F) if (f.kind === 'content' || f.kind === 'stop') setChunk(f, (o) => { o.id = 'chatcmpl-1'; o.object = 'chat.completion.chunk'; o.created = 1700000000; o.model = 'gpt'; }); break;
    case 'legal-fr-before-done': if (detail) { const fr = F.splice(idx('fr'), 1)[0]; F.splice(idx('done'), 0, fr); } break;
    case 'legal-heartbeat': for (let k = 0; k < 3; k++) F.splice(1, 0, { ev: detail ? 'answer' : null, data: JSON.stringify(chunk({ role: 'assistant', content: '' })), kind: 'content' }); break;
    case 'legal-reasoning': F.splice(detail ? 1 : 0, 0, { ev: detail ? 'answer' : null, data: JSON.stringify(chunk({ role: 'assistant', reasoning_content: '思考中' })), kind: 'content' }); break;
    case 'legal-workflow-duration': if (detail) F.splice(idx('done'), 0, { ev: 'workflowDuration', data: JSON.stringify({ durationSeconds: 1.2 }) }); break;
    case 'legal-tool-events': if (detail) F.splice(1, 0,
      { ev: 'toolCall', data: JSON.stringify({ tool: { id: 't1', toolName: '搜索', toolAvatar: '', functionName: 'search', params: '', response: '' } }) },
      { ev: 'toolParams', data: JSON.stringify({ tool: { id: 't1', toolName: '', toolAvatar: '', params: '{"q":1}', response: '' } }) },
      { ev: 'toolResponse', data: JSON.stringify({ tool: { id: 't1', toolName: '', toolAvatar: '', params: '', response: 'ok' } }) }); break;
    case 'legal-fastanswer': if (detail) { for (const c of content()) c.ev = 'fastAnswer'; } break;
    case 'legal-no-role': for (const f of F) if (f.kind === 'content') setChunk(f, (o) => delete o.choices[0].delta.role); break;
    case 'legal-combo': // several legal variations at once
      if (detail) { const fr = F.splice(idx('fr'), 1)[0]; F.splice(idx('done'), 0, { ev: 'workflowDuration', data: JSON.stringify({ durationSeconds: 0.4 }) }, fr); }
      setChunk(F[idx('stop')], (o) => (o.choices[0].delta = {}));
      F.splice(detail ? 1 : 0, 0, { ev: detail ? 'answer' : null, data: JSON.stringify(chunk({ role: 'assistant', content: '' })), kind: 'content' });
      break;
    default: break;
  }
}

// ---------------- records ----------------
function authRecords(req, res) {
  const key = bearer(req);
  if (has('rec-no-auth-mutations') && (req.url.includes('delHistory') || req.url.includes('updateHistory'))) return true;
  if (has('rec-no-auth-reads') && /getPaginationRecords|chat\/init|getResData/.test(req.url)) return true;
  if (has('rec-accept-any-key') && key) return true;
  // Added with chatwire's records near-key case: the records calls take a leading part of a key.
  if (has('rec-key-leading-part') && key && Object.keys(APP).some((known) => known.startsWith(key))) return true;
  if (!key || !APP[key]) { authFail(res, key, false); return false; }
  return true;
}
async function records(req, res, url) {
  const p = url.pathname;
  const raw = req.method === 'GET' ? '' : await readBody(req);
  if (process.env.FG_LOG) console.error('  body', url.pathname, raw.slice(0, 200));
  if (!authRecords(req, res)) return;
  let body = {};
  if (raw) { try { body = JSON.parse(raw); } catch { return envelope(res, 500, 500, '', 'invalid json', null); } }
  const q = Object.fromEntries(url.searchParams);
  const arg = (k) => (q[k] !== undefined ? q[k] : body[k]);
  const appId = arg('appId');
  const getChat = () => { const c = chats.get(arg('chatId')); return c && c.appId === appId ? c : null; };
  if (has('rec-delhistory-body-only') && p.endsWith('/delHistory')) { const c = chats.get(body.chatId); if (c) chats.delete(c.chatId); return ok(res, null); }
  if (p === '/api/core/chat/history/getHistories' && req.method === 'POST') {
    const offset = Number(body.offset || 0); const pageSize = Number(body.pageSize || 20);
    let list = [...chats.values()].filter((c) => has('rec-histories-all-apps') || c.appId === appId);
    list.sort((a, b) => (Number(b.top) - Number(a.top)) || (b.updateTime - a.updateTime));
    if (has('rec-histories-no-top-sort')) list.sort((a, b) => b.updateTime - a.updateTime);
    if (has('rec-histories-oldest-first')) list.reverse();
    const total = list.length;
    let page = list.slice(offset, offset + pageSize);
    if (has('rec-offset-off-by-one')) page = list.slice(offset + 1, offset + 1 + pageSize);
    if (has('rec-paging-ignore-pagesize')) page = list.slice(offset);
    if (has('rec-paging-ignore-offset')) page = list.slice(0, pageSize);
    if (has('a9-pagesize-cap')) page = page.slice(0, 2);
    let items = page.map((c) => ({ chatId: c.chatId, updateTime: has('a9-updatetime-offset') ? new Date(c.updateTime.getTime() + 8 * 3600e3).toISOString().replace('Z', '+08:00') : c.updateTime.toISOString(), appId: c.appId, customTitle: c.customTitle, title: c.title, top: c.top }));
    if (has('a9-records-extra-fields')) items = items.map((i) => ({ _id: crypto.randomBytes(12).toString('hex'), ...i, sourceName: 'API', source: 'api', hasGoodFeedback: false, hasBadFeedback: false }));
    if (has('rec-updatetime-number')) items = items.map((i) => ({ ...i, updateTime: Date.parse(i.updateTime) }));
    if (has('rec-hist-no-title-only')) items = items.map(({ title, ...i }) => i);
    if (has('rec-hist-no-updatetime')) items = items.map(({ updateTime, ...i }) => i);
    if (has('rec-hist-no-top')) items = items.map(({ top, ...i }) => i);
    if (has('rec-hist-no-title')) items = items.map(({ title, customTitle, ...i }) => i);
    if (has('rec-histories-top-string')) items = items.map((i) => ({ ...i, top: String(i.top) }));
    if (has('rec-histories-no-chatid')) items = items.map(({ chatId, ...i }) => i);
    if (has('rec-histories-dup') && items.length) items.push(items[0]);
    if (has('rec-total-string')) return ok(res, { list: items, total: String(total) });
    if (has('rec-list-not-array')) return ok(res, { list: Object.fromEntries(items.map((i) => [i.chatId, i])), total });
    return ok(res, { list: items, total });
  }
  if (p === '/api/core/chat/history/updateHistory' && req.method === 'POST') {
    const c = getChat(); if (!c) return envelope(res, 500, 500, '', 'chat not found', null);
    if (!has('rec-rename-noop') && typeof body.customTitle === 'string') { if (has('a9-rename-into-title')) c.title = body.customTitle; else c.customTitle = body.customTitle; }
    if (!has('rec-pin-noop') && typeof body.top === 'boolean' && !(has('a9-unpin-ignored') && body.top === false)) c.top = body.top;
    return ok(res, null);
  }
  if (p === '/api/core/chat/history/delHistory' && req.method === 'DELETE') {
    if (has('a9-delhistory-latest')) { const l = [...chats.values()].filter((x) => x.appId === appId).sort((a, b) => b.updateTime - a.updateTime)[0]; if (l) chats.delete(l.chatId); return ok(res, null); }
    const c = getChat(); if (c && !has('rec-delhistory-noop')) chats.delete(c.chatId);
    if (has('rec-delhistory-all')) for (const [k, v] of chats) if (v.appId === appId) chats.delete(k);
    return ok(res, null);
  }
  if (p === '/api/core/chat/history/clearHistories' && req.method === 'DELETE') {
    if (!has('rec-clear-noop')) for (const [k, v] of chats) if ((has('rec-clear-all-apps') || v.appId === appId) && v.source === 'api') chats.delete(k);
    return ok(res, null);
  }
  if (p === '/api/core/chat/init' && req.method === 'GET') {
    const c = getChat(); if (!c) return envelope(res, 500, 500, '', 'chat not found', null);
    const data = { chatId: c.chatId, appId: c.appId, variables: c.variables || {}, app: { chatConfig: { questionGuide: true, variables: [] }, chatModels: ['GPT-4o-mini'], name: '测试', avatar: '/imgs/app/avatar/workflow.svg', intro: '', type: 'advanced', pluginInputs: [] } };
    if (has('rec-init-no-app')) delete data.app;
    if (has('rec-init-no-variables')) delete data.variables;
    if (has('rec-init-wrong-chatid')) data.chatId = 'other-chat';
    return ok(res, data);
  }
  if (p === '/api/core/chat/getPaginationRecords' && req.method === 'POST') {
    const c = getChat(); let all = c ? c.items : [];
    if (has('rec-records-ignore-chatid')) all = [...chats.values()].filter((x) => x.appId === appId).flatMap((x) => x.items);
    if (has('legal-records-newest-first')) all = [...all].reverse();
    const offset = Number(body.offset || 0); const pageSize = Number(body.pageSize || 10);
    let page = all.slice(offset, offset + pageSize);
    // real FastGPT (getChatItems): sort({_id:-1}).skip(offset).limit(pageSize) then reverse()
    if (has('a9-records-page-from-newest')) page = all.slice(Math.max(0, all.length - offset - pageSize), Math.max(0, all.length - offset));
    if (has('rec-paging-ignore-pagesize')) page = all.slice(offset);
    if (has('rec-paging-ignore-offset')) page = all.slice(0, pageSize);
    if (has('a9-pagesize-cap')) page = page.slice(0, 2);
    let list = page.map(({ responseData, ...i }) => ({ ...i }));
    if (has('a9-records-extra-fields')) list = list.map((i) => ({ ...i, hideInUI: false, time: new Date().toISOString(), durationSeconds: 0.8, llmModuleAccount: 1, historyPreviewLength: 2 }));
    if (has('a9-records-value-no-type')) list = list.map((i) => ({ ...i, value: i.value.map(({ type, ...v }) => v) }));
    if (has('a9-records-text-missing')) list = list.map((i) => ({ ...i, value: i.value.map((v) => ({ type: v.type, text: { value: v.text.content } })) }));
    if (has('rec-records-no-dataid')) list = list.map(({ dataId, ...i }) => i);
    if (has('rec-records-value-number')) list = list.map((i) => ({ ...i, value: 5 }));
    if (has('rec-records-obj-lower')) list = list.map((i) => ({ ...i, obj: i.obj === 'AI' ? 'ai' : 'human' }));
    if (has('rec-records-no-obj')) list = list.map(({ obj, ...i }) => i);
    if (has('rec-feedback-noop')) list = list.map(({ userGoodFeedback, userBadFeedback, ...i }) => i);
    return ok(res, { list, total: has('rec-total-page-len') ? list.length : all.length });
  }
  if (p === '/api/core/chat/getResData' && req.method === 'GET') {
    const c = getChat(); const it = c && (has('a9-resdata-latest') ? [...c.items].reverse().find((i) => i.obj === 'AI') : c.items.find((i) => i.dataId === arg('dataId')));
    if (has('rec-resdata-empty')) return ok(res, []);
    if (has('rec-resdata-object')) return ok(res, { list: it ? it.responseData : [] });
    return ok(res, it && it.responseData ? it.responseData : []);
  }
  if (p === '/api/core/chat/item/delete' && req.method === 'DELETE') {
    const c = getChat(); const id = arg('contentId');
    if (c && has('a9-item-delete-wrong')) { const k = c.items.findIndex((i) => i.dataId === id); if (k >= 0) c.items.splice(k > 0 ? k - 1 : k + 1, 1); }
    else if (c && !has('rec-item-delete-noop')) c.items = c.items.filter((i) => i.dataId !== id);
    return ok(res, null);
  }
  if (p === '/api/core/chat/feedback/updateUserFeedback' && req.method === 'POST') {
    const c = getChat(); let it = c && c.items.find((i) => i.dataId === body.dataId);
    if (has('rec-feedback-on-human') && it) it = c.items[c.items.indexOf(it) - 1] || it;
    if (it) {
      if (has('a9-feedback-swap')) { const g = body.userGoodFeedback; body.userGoodFeedback = body.userBadFeedback; body.userBadFeedback = g; }
      if (body.userGoodFeedback !== undefined) it.userGoodFeedback = body.userGoodFeedback; else if (!has('rec-unlike-noop')) delete it.userGoodFeedback;
      if (body.userBadFeedback !== undefined) it.userBadFeedback = body.userBadFeedback; else if (!has('rec-unlike-noop')) delete it.userBadFeedback;
    }
    return ok(res, has('legal-feedback-object') ? {} : null);
  }
  if (p === '/api/core/ai/agent/v2/createQuestionGuide' && req.method === 'POST') {
    if (has('rec-guide-objects')) return ok(res, [{ q: '你还想了解什么?' }]);
    if (has('rec-guide-string')) return ok(res, '你还想问什么?');
    return ok(res, ['你还想了解什么?', '需要更多细节吗?', '还有其他问题吗?']);
  }
  res.writeHead(404, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ code: 404, statusText: 'notFound', message: 'not found', data: null }));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const A9T = ['a9-content-length', 'a9-reason-phrase', 'a9-bad-utf8', 'a9-byte-at-a-time', 'a9-one-write', 'a9-utf8-split', 'a9-crlf-split', 'a9-gzip', 'a9-conn-close', 'a9-extra-headers', 'a9-ct-no-charset', 'a9-slow-first-byte', 'a9-unicode-escapes', 'a9-json-pretty', 'a9-float-code'].some(has);
function wrap(req, res) {
  const rwh = res.writeHead.bind(res), rw = res.write.bind(res), re = res.end.bind(res);
  let head = null; const q = []; let ended = false; let pumping = false; let started = false; let finished = false; let sink = null;
  res.writeHead = (st, h) => { head = [st, { ...(h || {}) }]; return res; };
  const conv = (c) => { let t = Buffer.isBuffer(c) ? c.toString('utf8') : String(c);
    if (has('a9-bad-utf8') && t.includes('data: {') && t.includes('"content":"') && !res._a9bad) { const k = t.indexOf('"content":"') + 11; if (t[k] !== '"') { res._a9bad = true; const b1 = Buffer.from(t.slice(0, k)), b2 = Buffer.from(t.slice(k)); return Buffer.concat([b1, Buffer.from([0xe5, 0x85]), b2]); } }
    if (has('a9-unicode-escapes')) t = t.replace(/[\u0080-\uffff]/g, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
    return Buffer.from(t); };
  res.write = (c) => { q.push(conv(c)); kick(); return true; };
  res.end = (c) => { if (c !== undefined && c !== null && c !== '') q.push(conv(c)); ended = true; kick(); return res; };
  const isJson = () => /json/i.test((head && head[1]['Content-Type']) || '');
  const kick = () => { if (pumping || finished) return; if ((has('a9-one-write') || has('a9-content-length') || ((has('a9-json-pretty') || has('a9-float-code')) && isJson())) && !ended) return; pumping = true; pump().catch((e) => console.error(e)); };
  async function emit(b) {
    if (has('a9-byte-at-a-time')) { for (let i = 0; i < b.length; i++) { sink.write(b.subarray(i, i + 1)); if (sink.flush) sink.flush(); await new Promise(setImmediate); } return; }
    const cuts = [];
    if (has('a9-utf8-split')) { for (let i = 1; i < b.length; i++) if ((b[i] & 0xc0) === 0x80 && (b[i - 1] & 0xc0) !== 0x80) { cuts.push(i); break; } }
    if (has('a9-crlf-split')) { for (let i = 1; i < b.length; i++) if (b[i - 1] === 13 && b[i] === 10) cuts.push(i); }
    let prev = 0;
    for (const c of cuts) { sink.write(b.subarray(prev, c)); if (sink.flush) sink.flush(); prev = c; await sleep(8); }
    sink.write(b.subarray(prev)); if (sink.flush) sink.flush();
  }
  async function pump() {
    if (!started) {
      started = true;
      if ((has('a9-json-pretty') || has('a9-float-code')) && isJson() && ended) {
        let t = Buffer.concat(q.splice(0)).toString('utf8');
        try { const o = JSON.parse(t); if (has('a9-json-pretty')) t = JSON.stringify(o, null, 2) + '\n'; } catch {}
        if (has('a9-float-code')) t = t.replace(/"code": ?200([,}\n])/, '"code": 200.0$1').replace(/"total_tokens": ?(\d+)/, '"total_tokens": $1.0');
        q.push(Buffer.from(t));
      }

      if (has('a9-slow-first-byte') && req.url.includes('completions')) await sleep(2500);
      const [st, h] = head || [200, {}];
      const ctk = Object.keys(h).find((k) => k.toLowerCase() === 'content-type');
      if (ctk && has('a9-ct-no-charset')) h[ctk] = h[ctk].split(';')[0].trim();
      if (ctk && has('a9-extra-headers')) h[ctk] = h[ctk].split(';')[0].trim() + '; charset=UTF-8';
      if (has('a9-extra-headers')) Object.assign(h, { 'X-Powered-By': 'Next.js', Vary: 'Accept-Encoding, Origin', 'Set-Cookie': 'NEXT_LOCALE=zh-CN; Path=/; SameSite=Lax', 'X-Request-Id': rid(16), 'Strict-Transport-Security': 'max-age=63072000', Date: new Date().toUTCString() });
      if (has('a9-conn-close')) h.Connection = 'close';
      if (has('a9-reason-phrase')) res.statusMessage = st === 200 ? 'Okay' : 'Whatever';
      if (has('a9-content-length')) { h['Content-Length'] = q.reduce((n, b) => n + b.length, 0); }
      const gz = has('a9-gzip') && /\bgzip\b/i.test(req.headers['accept-encoding'] || '');
      if (gz) { h['Content-Encoding'] = 'gzip'; h.Vary = 'Accept-Encoding'; delete h['Content-Length']; }
      rwh(st, h);
      if (gz) { const z = zlib.createGzip(); z.on('data', (d) => rw(d)); z.on('end', () => re()); sink = { write: (d) => z.write(d), flush: () => z.flush(), end: () => z.end() }; }
      else sink = { write: (d) => rw(d), end: () => re() };
    }
    if (has('a9-one-write') && ended) { const all = Buffer.concat(q.splice(0)); if (all.length) q.push(all); }
    while (q.length) await emit(q.shift());
    pumping = false;
    if (ended && !q.length && !finished) { finished = true; sink.end(); return; }
    if (q.length || ended) kick();
  }
}
const server = http.createServer(async (req, res) => {
  if (A9T) wrap(req, res);
  try {
    const url = new URL(req.url, 'http://x');
    if (process.env.FG_LOG) console.error(req.method, req.url, req.headers.authorization || '-', req.headers['accept-encoding'] || '-', req.headers.connection || '-');
    if ((url.pathname === '/api/v1/chat/completions' || url.pathname === '/api/v2/chat/completions')) {
      if (req.method !== 'POST') { res.writeHead(405); return res.end(); }
      return await chatCompletions(req, res, url.pathname.includes('v2') ? 2 : 1);
    }
    if (url.pathname.startsWith('/api/core/')) return await records(req, res, url);
    res.writeHead(404, { 'Content-Type': 'application/json' }); res.end('{"code":404}');
  } catch (e) { console.error(e); try { res.writeHead(500); res.end(); } catch {} }
});
if (has('a9-idle-close-30ms')) {
  server.keepAliveTimeout = 5000;
  server.on('request', (req, res) => { const so = req.socket; clearTimeout(so._a9t); res.on('finish', () => { clearTimeout(so._a9t); so._a9t = setTimeout(() => so.destroy(), 30); }); });
}
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
