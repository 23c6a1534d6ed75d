// Conformant variations of the tasks server: each uses a freedom specs/003 + the digest leave open.
import crypto from 'node:crypto';
import { startServer, splitChunks, answerText, defaultScript } from './base.mjs';
import { startPython } from './python.mjs';

const counterIds = () => {
  let n = 0;
  return (kind) => `${kind === 'conversation' ? 'c' : 't'}-${++n}`;
};

// Undocumented event types around the text (the digest: other types exist, a client must accept them).
function richScript(message, rnd, { runMode }) {
  let t = 40;
  const step = () => (t += 35 + Math.floor(rnd() * 50));
  const ev = (type, data) => ({ type, data, at: step() });
  const events = [
    ev('task_started', { run_mode: runMode ?? 'fast' }),
    ev('thinking', { content: '先检索资料,再组织回答。' }),
    ev('tool_call', { name: 'web_search', arguments: { q: String(message).slice(0, 40) } }),
    ev('tool_result', { name: 'web_search', ok: true, items: 3 }),
  ];
  for (const c of splitChunks(answerText(message), rnd, 4, 8)) events.push(ev('text_chunk', { content: c }));
  events.push(ev('usage', { prompt_tokens: 31, completion_tokens: 42 }));
  events.push(ev('task_finished', { reason: 'stop' }));
  return { events, doneAt: t, status: 'completed' };
}

// Slow task (≈1.3–1.5 s), one event every 90–120 ms.
function slowScript(message, rnd) {
  let t = 150;
  const events = splitChunks(answerText(message), rnd, 5, 7).map((c) => {
    const e = { type: 'text_chunk', data: { content: c }, at: t };
    t += 90 + Math.floor(rnd() * 30);
    return e;
  });
  return { events, doneAt: Math.min(t, 1500), status: 'completed' };
}

// Multi-byte heavy answer: CJK, emoji (4-byte UTF-8), combining marks.
function multibyteScript(message, rnd) {
  const text = `🚀 终末地:${String(message).slice(0, 12)} — 答案包含表情 😀👍🏽 与 café、naïve、한국어。`;
  let t = 50;
  const events = splitChunks(text, rnd, 1, 3).map((c) => ({ type: 'text_chunk', data: { content: c }, at: (t += 25 + Math.floor(rnd() * 40)) }));
  return { events, doneAt: t + 10, status: 'completed' };
}

// Short burst: three chunks over ~0.3 s, final status "succeeded" (any non-running status ends the loop).
function burstScript(message) {
  const text = answerText(message);
  const a = Math.floor(text.length / 3);
  const parts = [text.slice(0, a), text.slice(a, 2 * a), text.slice(2 * a)];
  return { events: parts.map((c, i) => ({ type: 'text_chunk', data: { content: c }, at: 100 * (i + 1) })), doneAt: 310, status: 'succeeded' };
}

export const passVariants = [
  {
    id: 'baseline',
    expect: 'pass',
    says: 'Plain server: 200 creates, every available event per poll, status "completed", Content-Length bodies',
    start: () => startServer(),
  },
  {
    id: 'created-201-extra-fields',
    expect: 'pass',
    says: '201 Created for creates; extra fields in create answers, poll envelope, poll data and events',
    start: () =>
      startServer({
        createStatus: 201,
        headers: { 'X-Request-Id': crypto.randomUUID() },
        decorateCreate: (kind, body, ctx) => ({
          ...body,
          ...(kind === 'workspace' ? { created: !ctx.existed } : { workspace_id: ctx.ws }),
          ...(kind === 'message' ? { conversation_id: ctx.conv, status: 'running', run_mode: ctx.runMode ?? 'fast' } : {}),
          created_at: new Date().toISOString(),
        }),
        renderEvent: (e, i, task) => ({ type: e.type, data: { ...e.data, model: 'demo-1' }, ts: task.created + e.at, seq: task.events.indexOf(e) }),
        renderPoll: (view, task, opt) => ({
          code: 0,
          message: 'ok',
          request_id: crypto.randomBytes(6).toString('hex'),
          data: {
            task_id: task.id,
            conversation_id: task.conv,
            status: view.status,
            next_offset: view.next_offset,
            total_events: task.events.filter((e) => e.at <= Date.now() - task.created).length,
            events: view.events.map((e, i) => opt.renderEvent(e, i, task)),
            updated_at: new Date().toISOString(),
          },
        }),
      }),
  },
  {
    id: 'paged-two-per-poll',
    expect: 'pass',
    says: 'Pages the log (≤2 events per poll), status "running" until the cursor reaches the end, also on a re-read from 0; sequential ids',
    start: () => startServer({ pageSize: 2, idFor: counterIds() }),
  },
  {
    id: 'undocumented-event-types',
    expect: 'pass',
    says: 'Interleaves undocumented event types (task_started, thinking, tool_call, tool_result, usage, task_finished) with text_chunk',
    start: () => startServer({ script: richScript }),
  },
  {
    id: 'long-poll-slow-task',
    expect: 'pass',
    says: 'Long-polls (a poll with nothing new waits up to 400 ms while running) and tasks last ~1.4 s',
    start: () => startServer({ longPollMs: 400, script: slowScript }),
  },
  {
    id: 'split-writes-multibyte',
    expect: 'pass',
    says: 'Chunked bodies written in 1–7 byte pieces (cutting UTF-8 characters), emoji/CJK chunks, UUID ids, Connection: close',
    start: () =>
      startServer({
        splitWrites: true,
        script: multibyteScript,
        headers: { Connection: 'close' },
        idFor: () => crypto.randomUUID(),
      }),
  },
  {
    id: 'burst-status-succeeded',
    expect: 'pass',
    says: 'Three large chunks within ~0.3 s and a final status "succeeded" instead of "completed"',
    start: () => startServer({ script: burstScript }),
  },
  {
    id: 'fastapi-style-errors',
    expect: 'pass',
    says: 'Errors as FastAPI-style {"detail": …} with 422 for invalid bodies; bodies without a charset parameter',
    start: () =>
      startServer({
        badRequestStatus: 422,
        errorBody: (status, msg) => ({ detail: status === 422 ? [{ loc: ['body'], msg, type: 'value_error' }] : msg }),
        headers: { 'Content-Type': 'application/json' },
        script: defaultScript,
      }),
  },
  {
    id: 'python-aiohttp',
    expect: 'pass',
    says: 'Independent aiohttp server: 4 events per page, ASCII-escaped JSON, a leading "status" event, word-sized chunks',
    start: () => startPython(),
  },
];
