// POST /api/v1/chat/completions
import { Sse, Closed, sleep } from './sse.mjs';
import { runWorkflow, pendingInteractive } from './workflow.mjs';
import { nanoid, valueText } from './store.mjs';
import { bad, authApp, jsonError, streamPreError, sendJson } from './errors.mjs';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];
const PART_TYPES = ['text', 'image_url', 'file_url'];

function messageText(m) {
  if (typeof m?.content === 'string') return m.content;
  if (!Array.isArray(m?.content)) return '';
  return m.content.filter((p) => p?.type === 'text').map((p) => String(p.text ?? '')).join('\n');
}

function validate(body, app, o) {
  const lax = o.fault === 'no-request-validation';
  let messages = body.messages ?? [];
  if (!Array.isArray(messages)) { if (lax) messages = []; else throw bad('messages is not array'); }
  const isPlugin = app.kind === 'plugin';
  if (!lax) {
    if (!isPlugin && messages.length === 0) throw bad('messages is empty');
    for (const m of messages) {
      if (!m || typeof m !== 'object' || Array.isArray(m)) throw bad('messages format error');
      if (!ROLES.includes(m.role)) throw bad(`Invalid message role: ${String(m.role)}`);
      const c = m.content;
      if (Array.isArray(c)) {
        for (const p of c) if (!p || !PART_TYPES.includes(p.type)) throw bad('Invalid message content part');
      } else if (typeof c !== 'string' && !(c == null && m.role !== 'user')) throw bad('Invalid message content');
    }
    if (body.chatId != null && typeof body.chatId !== 'string') throw bad('chatId must be a string');
    if (body.responseChatItemId != null && typeof body.responseChatItemId !== 'string') throw bad('responseChatItemId must be a string');
    if (body.variables != null && (typeof body.variables !== 'object' || Array.isArray(body.variables))) throw bad('variables must be an object');
  }
  const last = messages.at(-1);
  const files = Array.isArray(last?.content) ? last.content.filter((p) => p && p.type !== 'text') : [];
  const question = isPlugin ? '' : messageText(last);
  if (!isPlugin && !lax && (last.role !== 'user' || (!question.trim() && files.length === 0))) throw bad('User question is empty');
  const variables = body.variables && typeof body.variables === 'object' && !Array.isArray(body.variables) ? body.variables : {};
  return {
    messages, question, files, variables, isPlugin,
    chatId: typeof body.chatId === 'string' && body.chatId !== '' ? body.chatId : undefined,
    stream: !!body.stream,
    detail: isPlugin ? true : !!body.detail,
    responseChatItemId: typeof body.responseChatItemId === 'string' && body.responseChatItemId ? body.responseChatItemId : nanoid(24)
  };
}

const textValue = (text) => ({ type: 'text', text: { content: text } });

function saveChat(store, app, rq, run, o) {
  const saveChatId = rq.chatId || (o.saveAnonymous ? nanoid(24) : undefined);
  if (!saveChatId) return { saveChatId: undefined, newChat: false };
  const newChat = !store.getChat(app.id, saveChatId);
  const title = rq.isPlugin ? new Date().toISOString().replace('T', ' ').slice(0, 19) : [...(rq.question || '文件')].slice(0, 20).join('');
  const chat = store.ensureChat(app.id, saveChatId, title);
  const aiValue = [
    ...run.parts.filter((p) => p.kind !== 'reasoning').map((p) => textValue(p.text)),
    ...(run.interactive ? [{ type: 'interactive', interactive: run.interactive }] : [])
  ];
  if (run.answered && !o.separateItems) {
    // FastGPT's updateInteractiveChat: the answer is merged into the AI item that asked.
    const item = run.pending.item;
    Object.assign(run.pending.value.interactive.params, run.answered.userSelectedVal !== undefined ? { userSelectedVal: run.answered.userSelectedVal } : { submitted: true });
    item.value.push(...aiValue);
    item.responseData = [...(item.responseData || []), ...run.flowResponses];
  } else {
    if (run.answered) Object.assign(run.pending.value.interactive.params, run.answered.userSelectedVal !== undefined ? { userSelectedVal: run.answered.userSelectedVal } : { submitted: true });
    const humanText = rq.isPlugin ? String(rq.variables.query ?? '') : rq.question;
    const fileValues = rq.files.map((p) => ({ type: 'file', file: { type: p.type === 'image_url' ? 'image' : 'file', name: p.name || '', url: p.image_url?.url || p.url || '' } }));
    chat.items.push({ _id: nanoid(24).toLowerCase(), dataId: nanoid(24), obj: 'Human', value: [textValue(humanText), ...fileValues], time: new Date() });
    chat.items.push({ _id: nanoid(24).toLowerCase(), dataId: rq.responseChatItemId, obj: 'AI', value: aiValue, responseData: run.flowResponses, durationSeconds: 0.42, time: new Date() });
  }
  chat.variables = { ...chat.variables, ...run.newVariables };
  chat.updateTime = new Date();
  return { saveChatId, newChat, title: chat.title };
}

function chunk(o, detail, delta, finish = null) {
  const c = o.extras
    ? { id: `chatcmpl-${o.streamId}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: 'GPT-4o-mini' }
    : { id: '', object: '', created: 0, ...(o.docShapes && !detail ? {} : { model: '' }) };
  if (o.fault === 'delta-text-field' && !finish) return { ...c, choices: [{ text: delta.content ?? '', index: 0, finish_reason: null }] };
  return { ...c, choices: [{ delta, index: 0, finish_reason: finish }] };
}

function pieces(text, [a, b]) {
  const cps = [...text];
  const out = [];
  for (let i = 0; i < cps.length;) { const n = a + Math.floor(Math.random() * (b - a + 1)); out.push(cps.slice(i, i + n).join('')); i += n; }
  return out;
}

async function writeStream(ctx, rq, run, saved) {
  const { o } = ctx;
  const F = o.fault;
  const detail = rq.detail;
  const sse = new Sse(ctx.res, o);
  sse.head();
  const role = o.docShapes ? {} : { role: 'assistant' };
  const named = (ev) => (detail ? ev : undefined);
  if (detail || F === 'detail-events-in-plain-stream') for (const name of run.statusNames) await sse.frame('flowNodeStatus', { status: 'running', name });
  const frames = [];
  if (o.firstEmpty && run.parts.length) frames.push([named('answer'), chunk(o, detail, { ...role, content: '' })]);
  for (const part of run.parts) {
    for (const p of pieces(part.text, o.chunkSize || [1, 4])) {
      if (part.kind === 'reasoning') frames.push([named('answer'), chunk(o, detail, { ...role, reasoning_content: p })]);
      else frames.push([named(part.kind === 'fast' ? 'fastAnswer' : 'answer'), chunk(o, detail, { ...role, content: p })]);
    }
    if (o.heartbeat) frames.push([named('answer'), chunk(o, detail, { ...role, content: '' })]);
  }
  if (detail && o.extras && run.parts.length) {
    const id = nanoid(10);
    const t = (x) => ({ tool: { id, toolName: '', toolAvatar: '', params: '', response: '', ...x } });
    await sse.frame('toolCall', t({ toolName: '知识库搜索', toolAvatar: '/imgs/workflow/db.png', functionName: 'dataset_search' }));
    await sse.frame('toolParams', t({ params: '{"query":"' }));
    await sse.frame('toolParams', t({ params: 'hello"}' }));
    await sse.frame('toolResponse', t({ response: '[]' }));
  }
  const held = F === 'answer-after-done' ? frames.splice(-1) : [];
  for (const [ev, data] of frames) await sse.frame(ev, data);
  if (detail && run.interactive) await sse.frame('interactive', { interactive: run.interactive });
  if (detail && o.extras) await sse.frame('updateVariables', run.newVariables);
  if (o.profile === 'newest' && saved.newChat) await sse.frame('chatTitle', { title: saved.title });
  if (o.profile === 'newest' && detail) await sse.frame('workflowDuration', { durationSeconds: 0.42 });
  const stop = chunk(o, detail, o.docShapes ? {} : { role: 'assistant', content: null }, 'stop');
  const flow = F === 'flowresponses-object' ? { flowResponses: run.flowResponses } : run.flowResponses;
  const done = () => sse.frame(named('answer'), '[DONE]');
  if (held.length) {
    await done();
    for (const [ev, data] of held) await sse.frame(ev, data);
    await sse.frame(named('answer'), stop);
  } else {
    await sse.frame(named('answer'), stop);
    if (detail && (o.profile === 'newest' || F === 'flowresponses-twice')) await sse.frame('flowResponses', flow);
    if (F !== 'missing-done') await done();
  }
  if (detail && o.profile !== 'newest') await sse.frame('flowResponses', flow);
  if (F === 'double-done') await done();
  await sse.end({ holdOpen: F === 'held-open' });
}

function writeJson(ctx, rq, run, saved) {
  const { o } = ctx;
  const texts = run.parts.filter((p) => p.kind !== 'reasoning');
  let content;
  if (run.interactive) content = rq.detail ? [{ type: 'interactive', interactive: run.interactive }] : '';
  else if (rq.detail && run.parts.length > 1) {
    content = run.parts.map((p) => (p.kind === 'reasoning' ? { type: 'reasoning', reasoning: { content: p.text } } : textValue(p.text)));
  } else content = texts.map((p) => p.text).join('\n');
  const id = o.extras ? `chatcmpl-${o.streamId}` : o.docShapes ? nanoid(8) : o.profile === 'newest' ? saved.saveChatId || '' : rq.chatId || '';
  sendJson(ctx.res, 200, {
    ...(rq.detail || o.fault === 'responsedata-without-detail' ? { responseData: run.flowResponses } : {}),
    ...(rq.detail ? { newVariables: run.newVariables } : {}),
    id, model: '',
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 1 },
    choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop', index: 0 }]
  });
}

export async function completions(ctx) {
  const { store, res } = ctx;
  const body = ctx.body;
  const streamAsked = !!(body && typeof body === 'object' && body.stream);
  const o = { ...ctx.o, streamId: nanoid(20) };
  const c2 = { ...ctx, o };
  try {
    if (ctx.bodyError) throw bad('Invalid JSON body');
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('Request body must be a JSON object');
    const app = authApp(c2, 'completions');
    const rq = validate(body, app, o);
    const chat = rq.chatId ? store.getChat(app.id, rq.chatId) : undefined;
    const history = chat
      ? chat.items.map((i) => ({ obj: i.obj, text: valueText(i.value) }))
      : rq.messages.slice(0, -1).filter((m) => m?.role === 'user' || m?.role === 'assistant').map((m) => ({ obj: m.role === 'user' ? 'Human' : 'AI', text: messageText(m) }));
    const pending = chat && (app.kind === 'select' || app.kind === 'form') && o.fault !== 'interactive-not-resumed' ? pendingInteractive(chat) : null;
    const run = runWorkflow({ app, question: rq.question, history, pending, variables: rq.variables, o });
    run.pending = pending;
    const saved = saveChat(store, app, rq, run, o);
    if (o.headDelay) await sleep(o.headDelay);
    if (rq.stream) await writeStream(c2, rq, run, saved);
    else writeJson(c2, rq, run, saved);
  } catch (e) {
    if (e instanceof Closed) return;
    if (res.headersSent) { if (!res.writableEnded) res.end(); return; }
    if (streamAsked && !ctx.bodyError) streamPreError(c2, e);
    else jsonError(c2, e);
  }
}
