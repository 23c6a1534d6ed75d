// Shared base server for the "tasks" protocol (workspaces + conversations + messages + task polling).
// Written from specs/003 and the "tasks" section of PROTOCOLS.md only.
// Every variant is this server with a few options/hooks changed (see variants-pass.mjs / variants-fail.mjs).
import http from 'node:http';
import crypto from 'node:crypto';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- answer scripts
// A script turns a message into a time-stamped, append-only event log.
// `at` is milliseconds after the task was created; events become visible once their time has come.

export function answerText(message) {
  const topic = String(message).trim().slice(0, 24) || '…';
  return `关于「${topic}」:这是一个用于轮询测试的示例回答。The answer arrives in small chunks.`;
}

export function splitChunks(text, rnd, min = 2, max = 5) {
  const chars = Array.from(text); // never split a code point inside one chunk
  const out = [];
  for (let i = 0; i < chars.length; ) {
    const n = min + Math.floor(rnd() * (max - min + 1));
    out.push(chars.slice(i, i + n).join(''));
    i += n;
  }
  return out;
}

// Default: text_chunk events only, first after ~80 ms, then every 30–90 ms (≈0.5–1.3 s in total).
export function defaultScript(message, rnd) {
  let t = 60 + Math.floor(rnd() * 60);
  const events = [];
  for (const c of splitChunks(answerText(message), rnd, 3, 6)) {
    events.push({ type: 'text_chunk', data: { content: c }, at: t });
    t += 30 + Math.floor(rnd() * 60);
  }
  return { events, doneAt: t, status: 'completed' };
}

// ---------------------------------------------------------------- default hooks

export function defaultPollView(task, from, now, opt) {
  const total = task.events.length;
  const visible = task.events.filter((e) => e.at <= now).length;
  const finished = now >= task.doneAt;
  const end = Math.min(visible, from + opt.pageSize);
  const events = from < end ? task.events.slice(from, end) : [];
  const next = from + events.length;
  const status = finished && next >= total ? task.status : 'running';
  return { status, next_offset: next, events };
}

const defaultRenderEvent = (e) => ({ type: e.type, data: e.data });
const defaultRenderPoll = (view, task, opt) => ({
  data: { status: view.status, next_offset: view.next_offset, events: view.events.map((e, i) => opt.renderEvent(e, i, task)) },
});
const defaultErrorBody = (status, message) => ({ error: { code: status, message } });
const defaultIdFor = (kind) => `${kind === 'conversation' ? 'conv' : 'task'}_${crypto.randomBytes(8).toString('hex')}`;

// ---------------------------------------------------------------- the server

export async function startServer(options = {}) {
  const opt = {
    createStatus: 200, // status of successful creates (200 or 201 are both legal)
    auth: 'strict', // 'strict' | faults: 'none' | 'presence' | 'skip-tasks' | 'leak'
    idFor: defaultIdFor,
    script: defaultScript,
    pageSize: Infinity,
    longPollMs: 0, // >0: a poll with nothing new waits up to this long while the task runs
    longPollBug: false, // fault: a poll with nothing new waits for new events forever
    splitWrites: false, // write bodies in tiny pieces (chunked), even inside UTF-8 characters
    headers: {},
    decorateCreate: (kind, body) => body,
    pollView: defaultPollView,
    renderEvent: defaultRenderEvent,
    renderPoll: defaultRenderPoll,
    errorBody: defaultErrorBody,
    badRequestStatus: 400,
    onFinalPoll: null, // (task, now) => void, called after a poll answered a final status
    checkConvScope: true,
    idempotentWorkspaces: true,
    ...options,
  };
  const token = options.token ?? `tk-${crypto.randomBytes(12).toString('hex')}`;
  const workspaces = new Map(); // ws id -> { conversations: Set }
  const conversations = new Map(); // conv id -> { ws }
  const tasks = new Map(); // task id -> task
  let seed = crypto.randomBytes(4).readUInt32LE(0) || 1;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let closed = false;

  async function send(res, status, body, extraHeaders = {}) {
    if (res.destroyed) return;
    const buf = Buffer.from(JSON.stringify(body), 'utf8');
    const headers = { 'Content-Type': 'application/json; charset=utf-8', ...opt.headers, ...extraHeaders };
    if (!opt.splitWrites) {
      res.writeHead(status, { ...headers, 'Content-Length': buf.length });
      res.end(buf);
      return;
    }
    res.writeHead(status, headers); // chunked transfer encoding
    res.flushHeaders();
    for (let i = 0; i < buf.length && !res.destroyed; ) {
      const n = 1 + Math.floor(rnd() * 7); // 1–7 bytes: often cuts a CJK character in two
      res.write(buf.subarray(i, i + n));
      i += n;
      if (i % 5 === 0) await sleep(1);
    }
    res.end();
  }
  const fail = (res, status, message, extra) => send(res, status, opt.errorBody(status, message), extra);

  function readBody(req) {
    return new Promise((resolve) => {
      const parts = [];
      let size = 0;
      req.on('data', (c) => {
        size += c.length;
        if (size <= 1 << 20) parts.push(c);
      });
      req.on('end', () => resolve(size > 1 << 20 ? { tooLarge: true } : { text: Buffer.concat(parts).toString('utf8') }));
      req.on('error', () => resolve({ text: '' }));
    });
  }
  function parseJson(text) {
    if (!text || !text.trim()) return { empty: true };
    try {
      return { value: JSON.parse(text) };
    } catch {
      return { bad: true };
    }
  }
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const authOk = (req) => {
    const h = req.headers.authorization;
    return typeof h === 'string' && /^Bearer\s+/i.test(h) && h.replace(/^Bearer\s+/i, '').trim() === token;
  };

  async function handle(req, res) {
    const url = new URL(req.url, 'http://x');
    const seg = url.pathname.split('/').filter(Boolean).map((s) => {
      try { return decodeURIComponent(s); } catch { return s; }
    });
    if (seg[0] !== 'api' || seg[1] !== 'v1') return fail(res, 404, 'not found');
    const isTasks = seg[2] === 'tasks';

    // --- authentication
    let leak = false;
    if (!authOk(req)) {
      const has = typeof req.headers.authorization === 'string' && /^Bearer\s+\S/i.test(req.headers.authorization);
      const skip =
        opt.auth === 'none' || (opt.auth === 'presence' && has) || (opt.auth === 'skip-tasks' && isTasks);
      if (opt.auth === 'leak') leak = true; // fault: status set to 401, handler still runs
      else if (!skip) return fail(res, 401, 'unauthorized', { 'WWW-Authenticate': 'Bearer' });
    }
    const out = (status, body, extra) => (leak ? send(res, 401, body, extra) : send(res, status, body, extra));

    // --- POST /api/v1/workspaces
    if (seg.length === 3 && seg[2] === 'workspaces') {
      if (req.method !== 'POST') return fail(res, 405, 'method not allowed', { Allow: 'POST' });
      const b = await readBody(req);
      if (b.tooLarge) return fail(res, 413, 'body too large');
      const j = parseJson(b.text);
      if (!isObj(j.value)) return fail(res, opt.badRequestStatus, 'body must be a JSON object');
      const ws = j.value.workspace_id;
      if (typeof ws !== 'string' || !ws.trim() || ws.length > 128) return fail(res, opt.badRequestStatus, 'workspace_id must be a non-empty string');
      const existed = workspaces.has(ws);
      if (existed && !opt.idempotentWorkspaces) return fail(res, 409, `workspace ${ws} already exists`);
      if (!existed) workspaces.set(ws, { conversations: new Set(), createdAt: new Date().toISOString() });
      return out(existed ? 200 : opt.createStatus, opt.decorateCreate('workspace', { workspace_id: ws }, { existed }));
    }

    // --- /api/v1/workspaces/{ws}/conversations | messages
    if (seg.length === 5 && seg[2] === 'workspaces' && (seg[4] === 'conversations' || seg[4] === 'messages')) {
      if (req.method !== 'POST') return fail(res, 405, 'method not allowed', { Allow: 'POST' });
      const wsId = seg[3];
      const b = await readBody(req);
      if (b.tooLarge) return fail(res, 413, 'body too large');
      const ws = workspaces.get(wsId);
      if (!ws) return fail(res, 404, `workspace ${wsId} not found`);

      if (seg[4] === 'conversations') {
        const id = opt.idFor('conversation');
        conversations.set(id, { ws: wsId });
        ws.conversations.add(id);
        return out(opt.createStatus, opt.decorateCreate('conversation', { conversation_id: id }, { ws: wsId }));
      }

      const j = parseJson(b.text);
      if (!isObj(j.value)) return fail(res, opt.badRequestStatus, 'body must be a JSON object');
      const { conversation_id: convId, message, run_mode: runMode, max_iterations: maxIt } = j.value;
      if (typeof convId !== 'string' || !convId) return fail(res, opt.badRequestStatus, 'conversation_id is required');
      if (typeof message !== 'string' || !message.trim()) return fail(res, opt.badRequestStatus, 'message must be a non-empty string');
      if (runMode !== undefined && typeof runMode !== 'string') return fail(res, opt.badRequestStatus, 'run_mode must be a string');
      if (maxIt !== undefined && !(Number.isInteger(maxIt) && maxIt > 0)) return fail(res, opt.badRequestStatus, 'max_iterations must be a positive integer');
      const conv = conversations.get(convId);
      if (!conv || (opt.checkConvScope && conv.ws !== wsId)) return fail(res, 404, `conversation ${convId} not found in workspace ${wsId}`);

      const id = opt.idFor('task');
      const plan = opt.script(message, rnd, { runMode, maxIt });
      tasks.set(id, { id, ws: wsId, conv: convId, created: Date.now(), ...plan });
      return out(opt.createStatus, opt.decorateCreate('message', { task_id: id }, { ws: wsId, conv: convId, runMode }));
    }

    // --- GET /api/v1/tasks/{id}?from=N
    if (seg.length === 4 && isTasks) {
      if (req.method !== 'GET') return fail(res, 405, 'method not allowed', { Allow: 'GET' });
      const task = tasks.get(seg[3]);
      if (!task) return fail(res, 404, `task ${seg[3]} not found`);
      const fromRaw = url.searchParams.get('from');
      if (fromRaw !== null && !/^\d{1,9}$/.test(fromRaw)) return fail(res, opt.badRequestStatus, 'from must be a non-negative integer');
      const from = fromRaw === null ? 0 : Number(fromRaw);
      let view = opt.pollView(task, from, Date.now() - task.created, opt);
      if (view.events.length === 0 && (opt.longPollMs > 0 || opt.longPollBug)) {
        const deadline = Date.now() + opt.longPollMs;
        for (;;) {
          if (closed || res.destroyed) return;
          const running = view.status === 'running';
          if (opt.longPollBug ? view.events.length > 0 : !running || view.events.length > 0 || Date.now() >= deadline) break;
          await sleep(20);
          view = opt.pollView(task, from, Date.now() - task.created, opt);
        }
      }
      await out(200, opt.renderPoll(view, task, opt));
      if (view.status !== 'running' && opt.onFinalPoll) opt.onFinalPoll(task, Date.now() - task.created);
      return;
    }
    return fail(res, 404, 'not found');
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) fail(res, 500, `internal error: ${err.message}`);
      else res.destroy();
    });
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: async () => {
      closed = true;
      await new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
