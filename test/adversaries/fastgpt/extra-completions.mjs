// Second-round POST /api/v1/chat/completions. Reuses the first round's fake workflows
// (workflow.mjs) and in-memory store (store.mjs); the wire is written through extra-wire.mjs.
// Knobs in `o`: errors (see extra-errors.mjs), flow ('after' = flowResponses after [DONE], v4.11–v4.14;
// 'before' = newest main), chatTitle, chunkStyle ('fastgpt' | 'openai'), chunkSize, longAnswer,
// agentEvents, firstEmpty. Faults (o.fault): history-overwritten, race-wrong-chat,
// detail-answer-unnamed, array-content-plain, chattitle-after-done, interactive-unwrapped,
// plugin-detail-not-forced.
import { runWorkflow, pendingInteractive } from './workflow.mjs';
import { nanoid, valueText } from './store.mjs';
import { bad, authApp } from './errors.mjs';
import { WireSse, Gone, sendBody, ser, sleep } from './extra-wire.mjs';
import { refuseJson, refuseStream } from './extra-errors.mjs';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];
const PARTS = ['text', 'image_url', 'file_url'];
// A long answer full of things a naive parser trips on (legal text all the same).
const LONG = '\n\n补充说明：这是一段较长的回答，用来测试长流。它包含 emoji 😀🚀、引号 "quoted"、反斜杠 \\ 、' +
  '制表符\t、尖括号 <b>&amp;</b>、以及字面量 data: [DONE] 和 event: error —— 这些都只是正文。\u2028' +
  'Line two of the long answer, in English, with numbers 1.0, 2e3 and -0. '.repeat(3) +
  '最后一段：谢谢阅读，全文完。';

const textOf = (m) => (typeof m?.content === 'string' ? m.content
  : Array.isArray(m?.content) ? m.content.filter((p) => p?.type === 'text').map((p) => String(p.text ?? '')).join('\n') : '');

function parse(body, app, o) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('Request body must be a JSON object');
  const isPlugin = app.kind === 'plugin';
  const messages = body.messages ?? [];
  if (!Array.isArray(messages)) throw bad('messages is not array');
  if (!isPlugin && !messages.length) throw bad('messages is empty');
  for (const m of messages) {
    if (!m || typeof m !== 'object' || !ROLES.includes(m.role)) throw bad('Invalid message');
    if (Array.isArray(m.content)) { if (m.content.some((p) => !p || !PARTS.includes(p.type))) throw bad('Invalid message content part'); }
    else if (typeof m.content !== 'string' && !(m.content == null && m.role !== 'user')) throw bad('Invalid message content');
  }
  for (const k of ['chatId', 'responseChatItemId']) if (body[k] != null && typeof body[k] !== 'string') throw bad(`${k} must be a string`);
  if (body.variables != null && (typeof body.variables !== 'object' || Array.isArray(body.variables))) throw bad('variables must be an object');
  const last = messages.at(-1);
  const files = Array.isArray(last?.content) ? last.content.filter((p) => p.type !== 'text') : [];
  const question = isPlugin ? '' : textOf(last);
  if (!isPlugin && (last.role !== 'user' || (!question.trim() && !files.length))) throw bad('User question is empty');
  return {
    isPlugin, messages, question, files,
    variables: body.variables || {},
    chatId: body.chatId || undefined,
    stream: !!body.stream,
    detail: isPlugin ? o.fault !== 'plugin-detail-not-forced' || !body.stream || !!body.detail : !!body.detail,
    dataId: body.responseChatItemId || nanoid(24)
  };
}

const tv = (text) => ({ type: 'text', text: { content: text } });

function save(ctx, app, rq, run, chatId) {
  const { store, o } = ctx;
  if (!chatId) return { newChat: false };
  const newChat = !store.getChat(app.id, chatId);
  const title = rq.isPlugin ? String(rq.variables.query ?? '插件运行') : [...(rq.question || '文件')].slice(0, 20).join('');
  const chat = store.ensureChat(app.id, chatId, title);
  const aiValue = [...run.parts.filter((p) => p.kind !== 'reasoning').map((p) => tv(p.text)),
    ...(run.interactive ? [{ type: 'interactive', interactive: run.interactive }] : [])];
  if (run.answered) {
    Object.assign(run.pending.value.interactive.params, run.answered.userSelectedVal !== undefined ? { userSelectedVal: run.answered.userSelectedVal } : { submitted: true });
    run.pending.item.value.push(...aiValue);
    run.pending.item.responseData = [...(run.pending.item.responseData || []), ...run.flowResponses];
  } else {
    const human = rq.isPlugin ? String(rq.variables.query ?? '') : rq.question;
    const files = rq.files.map((p) => ({ type: 'file', file: { type: p.type === 'image_url' ? 'image' : 'file', name: p.name || '', url: p.image_url?.url || p.url || '' } }));
    const items = [
      { _id: nanoid(24).toLowerCase(), dataId: nanoid(24), obj: 'Human', value: [tv(human), ...files], time: new Date() },
      { _id: nanoid(24).toLowerCase(), dataId: rq.dataId, obj: 'AI', value: aiValue, responseData: run.flowResponses, durationSeconds: 0.5, time: new Date() }
    ];
    if (o.fault === 'history-overwritten') chat.items = items; // upsert by chatId replaces the history
    else chat.items.push(...items);
  }
  chat.variables = { ...chat.variables, ...run.newVariables };
  chat.updateTime = new Date();
  return { newChat, title: chat.title };
}

function chunk(o, delta, finish = null) {
  const head = o.chunkStyle === 'openai'
    ? { id: `chatcmpl-${o.rid}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: 'gpt-4o-mini', system_fingerprint: null }
    : { id: '', object: '', created: 0, model: '' };
  return { ...head, choices: [{ delta, index: 0, finish_reason: finish }] };
}

function pieces(text, [a, b], keep) {
  if (keep && text.includes(keep)) { // one frame's content is exactly the literal marker
    const [x, ...rest] = text.split(keep);
    return [...pieces(x, [a, b]), keep, ...pieces(rest.join(keep), [a, b], keep)];
  }
  const cps = [...text];
  const out = [];
  for (let i = 0; i < cps.length;) { const n = a + Math.floor(Math.random() * (b - a + 1)); out.push(cps.slice(i, i + n).join('')); i += n; }
  return out;
}

async function stream(ctx, rq, run, finish) {
  const { o } = ctx;
  const F = o.fault;
  const sse = new WireSse(ctx.req, ctx.res, o.wire);
  sse.open();
  const J = (x) => ser(x, o.wire.json);
  const d = rq.detail;
  const ans = d && F !== 'detail-answer-unnamed' ? 'answer' : undefined;
  const role = (i) => (o.chunkStyle === 'openai' && i > 0 ? {} : { role: 'assistant' });
  if (d) for (const name of run.statusNames) await sse.frame('flowNodeStatus', J({ status: 'running', name }));
  if (d && o.agentEvents) await sse.frame('plan', J({ planId: nanoid(8), steps: [{ id: 's1', title: '理解问题' }] }));
  let i = 0;
  if (o.firstEmpty) await sse.frame(ans, J(chunk(o, { ...role(i++), content: '' })));
  for (const part of run.parts) {
    for (const p of pieces(part.text, o.chunkSize || [1, 4], o.longAnswer ? 'data: [DONE]' : undefined)) {
      if (part.kind === 'reasoning') await sse.frame(ans, J(chunk(o, { ...role(i++), reasoning_content: p })));
      else await sse.frame(d && part.kind === 'fast' ? 'fastAnswer' : ans, J(chunk(o, { ...role(i++), content: p })));
    }
  }
  if (d && run.interactive) await sse.frame('interactive', J(F === 'interactive-unwrapped' ? run.interactive : { interactive: run.interactive }));
  if (d && o.agentEvents) await sse.frame('planStatus', J({ status: 'done' }));
  const saved = await finish();
  const title = o.chatTitle && saved.newChat ? J({ title: saved.title }) : null;
  if (title && F !== 'chattitle-after-done') await sse.frame('chatTitle', title);
  if (d && o.flow === 'before') await sse.frame('workflowDuration', J({ durationSeconds: 0.5 }));
  await sse.frame(ans, J(chunk(o, { role: 'assistant', content: null }, 'stop')));
  if (d && o.flow === 'before') await sse.frame('flowResponses', J(run.flowResponses));
  await sse.frame(ans, '[DONE]');
  if (title && F === 'chattitle-after-done') await sse.frame('chatTitle', title);
  if (d && o.flow !== 'before') await sse.frame('flowResponses', J(run.flowResponses));
  await sse.end();
}

function json(ctx, rq, run, saved, chatId) {
  const { o } = ctx;
  let content;
  const texts = run.parts.filter((p) => p.kind !== 'reasoning').map((p) => p.text);
  if (run.interactive) content = rq.detail ? [{ type: 'interactive', interactive: run.interactive }] : '';
  else if (rq.detail && run.parts.length > 1) content = run.parts.map((p) => (p.kind === 'reasoning' ? { type: 'reasoning', reasoning: { content: p.text } } : tv(p.text)));
  else content = texts.join('\n');
  if (o.fault === 'array-content-plain' && !rq.detail && typeof content === 'string') content = [tv(content)];
  const choices = [{ message: { role: 'assistant', content }, finish_reason: 'stop', index: 0 }];
  const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 1 };
  const id = o.chunkStyle === 'openai' ? `chatcmpl-${o.rid}` : chatId || '';
  const body = o.reorder
    ? { choices, usage, model: '', id, ...(rq.detail ? { newVariables: run.newVariables, responseData: run.flowResponses } : {}) }
    : { ...(rq.detail ? { responseData: run.flowResponses, newVariables: run.newVariables } : {}), id, model: '', usage, choices };
  sendBody(ctx.req, ctx.res, o.wire, 200, o.wire.jsonType || 'application/json; charset=utf-8', ser(body, o.wire.json, { body: true }));
}

export async function completions(ctx) {
  const o = { ...ctx.o, rid: nanoid(20) };
  const c = { ...ctx, o };
  const body = ctx.body;
  const wantsStream = !!(body && typeof body === 'object' && body.stream);
  try {
    if (ctx.bodyError) throw bad('Invalid JSON body');
    const app = authApp(c, 'completions');
    const rq = parse(body, app, o);
    const chatId = rq.chatId || (o.saveAnonymous ? nanoid(24) : undefined);
    const chat = rq.chatId ? c.store.getChat(app.id, rq.chatId) : undefined;
    const history = chat
      ? chat.items.map((i) => ({ obj: i.obj, text: valueText(i.value) }))
      : rq.messages.slice(0, -1).filter((m) => m.role === 'user' || m.role === 'assistant').map((m) => ({ obj: m.role === 'user' ? 'Human' : 'AI', text: textOf(m) }));
    const pending = chat && (app.kind === 'select' || app.kind === 'form') ? pendingInteractive(chat) : null;
    const run = runWorkflow({ app, question: rq.question, history, pending, variables: rq.variables, o: {} });
    run.pending = pending;
    if (o.longAnswer) for (const p of run.parts) if (p.kind === 'text') p.text += LONG;
    // Fault 'race-wrong-chat': the chat to save into is kept per server, not per request.
    if (o.fault === 'race-wrong-chat') c.state.current = chatId;
    const finish = async () => save(c, app, rq, run, o.fault === 'race-wrong-chat' ? c.state.current : chatId);
    if (rq.stream) return await stream(c, rq, run, finish);
    await sleep(o.thinkMs ?? 30); // the LLM call
    json(c, rq, run, await finish(), chatId);
  } catch (e) {
    if (e instanceof Gone) return;
    if (ctx.res.headersSent) { if (!ctx.res.writableEnded) ctx.res.end(); return; }
    if (wantsStream && !ctx.bodyError) refuseStream(c, e);
    else refuseJson(c, e);
  }
}
