// Second-round base server for the "tasks" protocol (specs/003 + PROTOCOLS.md § tasks), independent of
// base.mjs. Every hook has a conformant default; variants-extra-*.mjs change one thing each.
//   POST /api/v1/workspaces {workspace_id}            → {workspace_id}            (idempotent)
//   POST /api/v1/workspaces/{ws}/conversations         → {conversation_id}
//   POST /api/v1/workspaces/{ws}/messages {conversation_id, message, run_mode, max_iterations?} → {task_id}
//   GET  /api/v1/tasks/{id}?from=N                     → {data:{status, next_offset, events:[{type,data}]}}
import http from 'node:http';
import crypto from 'node:crypto';
import { writeLength } from './extra-wire.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ answer plans

export function makeRng() {
  let s = crypto.randomBytes(4).readUInt32LE(0) || 7;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

export function pieces(text, rnd, min, max) {
  const cps = Array.from(text);
  const out = [];
  for (let i = 0; i < cps.length; ) {
    const n = min + Math.floor(rnd() * (max - min + 1));
    out.push(cps.slice(i, i + n).join(''));
    i += n;
  }
  return out;
}

export const replyText = (message) =>
  `收到:「${String(message).slice(0, 20)}」。轮询接口按偏移量返回增量事件,任务结束后状态不再是 running。`;

// Plan: events with `at` (ms after creation), the time the task ends and its final status.
export function plainPlan(message, rnd, { first = 60, gap = [25, 70], size = [2, 6] } = {}) {
  let t = first + Math.floor(rnd() * 40);
  const events = pieces(replyText(message), rnd, size[0], size[1]).map((c) => {
    const e = { type: 'text_chunk', data: { content: c }, at: t };
    t += gap[0] + Math.floor(rnd() * (gap[1] - gap[0]));
    return e;
  });
  return { events, doneAt: events[events.length - 1].at + 15, status: 'completed' };
}

// ------------------------------------------------------------------ default poll view

// A prefix of the log is visible (events whose time has come); `from` is an index into the task's log.
export function indexView(task, from, now, opt) {
  const log = task.log;
  let visible = 0;
  while (visible < log.length && log[visible].time <= now) visible++;
  const end = Math.min(visible, from + opt.pageSize);
  const events = from < end ? log.slice(from, end) : [];
  const next = from + events.length;
  const finished = now >= task.doneTime;
  return { status: finished && next >= log.length ? task.status : 'running', next_offset: next, events, finished, total: log.length };
}

const defaults = {
  token: undefined,
  pageSize: Infinity,
  plan: (message, rnd) => plainPlan(message, rnd),
  idFor: (kind) => `${kind === 'conversation' ? 'conv' : 'task'}-${crypto.randomUUID()}`,
  lazyWorkspaces: false, // conversations/messages in an unknown workspace create it (else 404)
  logPerConversation: false, // fault hook: tasks of one conversation share one log
  status: { workspaceNew: 200, workspaceExisting: 200, conversation: 200, message: 200 },
  createHeaders: () => ({}), // (kind, body) => extra headers (e.g. Location)
  decorate: (kind, body) => body, // (kind, body, ctx) => answer object
  view: indexView, // (task, from, now, opt) => {status, next_offset, events, ...}
  adjust: (v) => v, // (view, task, from, now) => view   (post-processing hook)
  renderEvent: (e) => ({ type: e.type, data: e.data }),
  renderPoll: (v, task, opt) => ({ data: { status: v.status, next_offset: v.next_offset, events: v.events.map((e) => opt.renderEvent(e, task)) } }),
  afterPoll: null, // (task, view, now) => void
  serialize: (obj) => JSON.stringify(obj),
  contentType: 'application/json; charset=utf-8',
  headers: {}, // extra headers on every answer
  writer: writeLength, // (res, status, headers, buf, meta) => Promise
  // Authentication: how a missing / wrong credential is treated ('refuse' | 'allow').
  authPolicy: () => 'refuse',
  unauthorized: (why) => ({ status: 401, body: { error: why === 'missing' ? 'missing bearer token' : 'invalid token' }, headers: { 'WWW-Authenticate': 'Bearer' } }),
  // Errors: (status, message, kind) => object (JSON) or { raw: string|Buffer, contentType }.
  errorBody: (status, message) => ({ error: { status, message } }),
  badRequest: 400,
  unknownTask: null, // (id, from) => answer object, instead of 404 (fault hook)
};

export async function startExtra(options = {}) {
  const opt = { ...defaults, ...options, status: { ...defaults.status, ...(options.status || {}) } };
  const token = opt.token ?? `xt-${crypto.randomBytes(10).toString('hex')}`;
  const rnd = makeRng();
  const workspaces = new Map(); // ws -> Set(conversation ids)
  const conversations = new Map(); // id -> { ws, log }
  const tasks = new Map(); // id -> task
  let gid = 1000 + Math.floor(rnd() * 5000); // global event sequence (used by some views)

  async function write(ctx, status, payload, meta = {}) {
    const { res } = ctx;
    if (res.destroyed || res.headersSent) return;
    let buf;
    let type = opt.contentType;
    if (payload && payload.raw !== undefined) {
      buf = Buffer.isBuffer(payload.raw) ? payload.raw : Buffer.from(String(payload.raw), 'utf8');
      type = payload.contentType;
    } else buf = Buffer.from(opt.serialize(payload), 'utf8');
    const headers = { ...opt.headers, ...(type ? { 'Content-Type': type } : {}), ...(meta.headers || {}) };
    await opt.writer(res, status, headers, buf, { ...meta, req: ctx.req, status, text: buf.toString('utf8') });
  }
  const fail = (ctx, status, message, headers) => {
    const body = opt.errorBody(status, message, ctx);
    return write(ctx, status, body, { kind: 'error', headers });
  };

  function readBody(req) {
    return new Promise((resolve) => {
      const parts = [];
      let size = 0;
      req.on('data', (c) => {
        size += c.length;
        if (size <= 1 << 20) parts.push(c);
      });
      req.on('end', () => resolve(size > 1 << 20 ? null : Buffer.concat(parts).toString('utf8')));
      req.on('error', () => resolve(null));
    });
  }
  const jsonObject = (text) => {
    try {
      const v = JSON.parse(text);
      return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
    } catch {
      return null;
    }
  };
  function credential(req) {
    const h = req.headers.authorization;
    if (typeof h !== 'string' || !h.trim()) return 'missing';
    const m = /^\s*bearer\s+(\S+)\s*$/i.exec(h); // the auth scheme is case-insensitive (RFC 9110)
    return m && m[1] === token ? 'ok' : 'wrong';
  }
  function ensureWorkspace(ctx, ws) {
    if (workspaces.has(ws)) return true;
    if (!opt.lazyWorkspaces) return false;
    workspaces.set(ws, new Set());
    return true;
  }

  async function handle(ctx) {
    const { req } = ctx;
    const url = new URL(req.url, 'http://localhost');
    let seg;
    try {
      seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return fail(ctx, opt.badRequest, 'malformed path');
    }
    if (seg[0] !== 'api' || seg[1] !== 'v1') return fail(ctx, 404, 'no such route');

    const cred = credential(req);
    if (cred !== 'ok' && opt.authPolicy(cred, seg) !== 'allow') {
      const u = opt.unauthorized(cred, ctx);
      return write(ctx, u.status, u.body, { kind: 'auth', headers: u.headers });
    }

    if (seg.length === 3 && seg[2] === 'workspaces') {
      if (req.method !== 'POST') return fail(ctx, 405, 'use POST', { Allow: 'POST' });
      const body = jsonObject(await readBody(req));
      const ws = body?.workspace_id;
      if (typeof ws !== 'string' || !ws.trim() || ws.length > 200) return fail(ctx, opt.badRequest, 'workspace_id (string) is required');
      const existed = workspaces.has(ws);
      if (!existed) workspaces.set(ws, new Set());
      const answer = opt.decorate('workspace', { workspace_id: ws }, { existed });
      return write(ctx, existed ? opt.status.workspaceExisting : opt.status.workspaceNew, answer, { kind: 'create', headers: opt.createHeaders('workspace', answer) });
    }

    if (seg.length === 5 && seg[2] === 'workspaces' && (seg[4] === 'conversations' || seg[4] === 'messages')) {
      if (req.method !== 'POST') return fail(ctx, 405, 'use POST', { Allow: 'POST' });
      const wsId = seg[3];
      const raw = await readBody(req);
      if (!ensureWorkspace(ctx, wsId)) return fail(ctx, 404, `workspace ${wsId} does not exist`);
      if (seg[4] === 'conversations') {
        const id = opt.idFor('conversation');
        conversations.set(id, { ws: wsId, log: [] });
        workspaces.get(wsId).add(id);
        const answer = opt.decorate('conversation', { conversation_id: id }, { ws: wsId });
        return write(ctx, opt.status.conversation, answer, { kind: 'create', headers: opt.createHeaders('conversation', answer, wsId) });
      }
      const body = jsonObject(raw);
      if (!body) return fail(ctx, opt.badRequest, 'body must be a JSON object');
      const { conversation_id: convId, message, run_mode: runMode, max_iterations: maxIt } = body;
      if (typeof convId !== 'string' || !convId) return fail(ctx, opt.badRequest, 'conversation_id is required');
      if (typeof message !== 'string' || !message.trim()) return fail(ctx, opt.badRequest, 'message is required');
      if (runMode !== undefined && typeof runMode !== 'string') return fail(ctx, opt.badRequest, 'run_mode must be a string');
      if (maxIt !== undefined && !(Number.isInteger(maxIt) && maxIt > 0)) return fail(ctx, opt.badRequest, 'max_iterations must be a positive integer');
      const conv = conversations.get(convId);
      if (!conv || conv.ws !== wsId) return fail(ctx, 404, `conversation ${convId} not found in workspace ${wsId}`);
      const id = opt.idFor('task');
      const t0 = Date.now();
      const plan = opt.plan(message, rnd, { runMode, maxIt, turn: conv.turns = (conv.turns || 0) + 1 });
      const events = plan.events.map((e) => ({ type: e.type, data: e.data, time: t0 + e.at, gid: (gid += 1 + Math.floor(rnd() * 3)) }));
      const log = opt.logPerConversation ? conv.log : [];
      log.push(...events);
      tasks.set(id, { id, ws: wsId, conv: convId, t0, log, doneTime: t0 + plan.doneAt, status: plan.status, message });
      const answer = opt.decorate('message', { task_id: id }, { ws: wsId, conv: convId, runMode });
      return write(ctx, opt.status.message, answer, { kind: 'create', headers: opt.createHeaders('message', answer, wsId) });
    }

    if (seg.length === 4 && seg[2] === 'tasks') {
      if (req.method !== 'GET') return fail(ctx, 405, 'use GET', { Allow: 'GET' });
      const fromRaw = url.searchParams.get('from');
      if (fromRaw !== null && !/^\d{1,12}$/.test(fromRaw)) return fail(ctx, opt.badRequest, 'from must be a non-negative integer');
      const from = fromRaw === null ? 0 : Number(fromRaw);
      const task = tasks.get(seg[3]);
      if (!task) {
        if (opt.unknownTask) return write(ctx, 200, opt.unknownTask(seg[3], from), { kind: 'poll' });
        return fail(ctx, 404, `task ${seg[3]} not found`);
      }
      const now = Date.now();
      const v = opt.adjust(opt.view(task, from, now, opt), task, from, now);
      await write(ctx, 200, opt.renderPoll(v, task, opt), { kind: 'poll', final: v.status !== 'running' });
      if (opt.afterPoll) opt.afterPoll(task, v, now);
      return;
    }
    return fail(ctx, 404, 'no such route');
  }

  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const ctx = { req, res };
    handle(ctx).catch((err) => {
      if (!res.headersSent && !res.destroyed) fail(ctx, 500, `internal error: ${err.message}`).catch(() => res.destroy());
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    token,
    close: async () => {
      const done = new Promise((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await Promise.race([done, sleep(1000)]);
    },
  };
}

export { sleep };
