// A configurable tasks server (003_2215f6354d6789dc.txt), written from the document only.
import http from 'node:http';
import zlib from 'node:zlib';
import crypto from 'node:crypto';

export const TOKEN = 'audit-token-123';
let n = 0;

export function makeTasks(o = {}) {
  const workspaces = new Map(); // ws -> Set(conv)
  const convs = new Map(); // conv -> { ws, history: [] }
  const tasks = new Map(); // id -> { start, events: [{at, ev}], endAt, status }
  const allMessages = [];
  const id = (p) => (o.idStyle === 'uuid' ? crypto.randomUUID() : o.idStyle === 'int' ? String(1000 + ++n) : `${p}_${Date.now().toString(36)}${(++n).toString(36)}`);

  function send(req, res, status, obj, extra = {}) {
    const headers = { 'content-type': o.jsonCT ?? 'application/json', ...extra };
    if (o.connClose) headers.connection = 'close';
    let body = Buffer.from(obj === undefined ? '' : typeof obj === 'string' ? obj : JSON.stringify(obj));
    if (o.gzip && /gzip/.test(req.headers['accept-encoding'] ?? '') && body.length) {
      body = zlib.gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
    if (o.chunked) { res.writeHead(status, headers); const h = Math.floor(body.length / 2); res.write(body.subarray(0, h)); setTimeout(() => res.end(body.subarray(h)), 5); return; }
    headers['content-length'] = body.length;
    res.writeHead(status, headers);
    res.end(body);
  }
  const deny = (req, res) => send(req, res, o.denyStatus ?? 401, o.denyBody ?? { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' });
  function authed(req, kind) {
    if (o.noAuth) return true;
    if (o.noAuthOn === kind) return true;
    const h = req.headers.authorization ?? '';
    if (o.anyToken) return /^Bearer \S+/.test(h);
    return h === `Bearer ${TOKEN}`;
  }

  function script(msg, ws) {
    // the events a task produces, with their times (ms after start)
    let text = o.answer ?? ['明日方舟', '：终末地', '是鹰角', '网络开发', '的一款', '游戏。'];
    if (o.leak && allMessages.length > 1) text = [`（参考：${allMessages[allMessages.length - 2]}）`, ...text];
    const evs = [];
    let t = o.firstAt ?? 30;
    if (o.otherEvents) { evs.push({ at: t, ev: { type: 'thinking', data: { content: '思考中', step: 1 } } }); t += 20; }
    for (const c of text) {
      if (o.hiddenEvents) { evs.push({ at: t, hidden: true, ev: { type: 'internal' } }); }
      const ev = { type: 'text_chunk', data: { content: c } };
      if (o.eventExtra) Object.assign(ev, { id: crypto.randomUUID(), ts: new Date().toISOString() });
      if (o.badChunk) ev.data = { text: c };
      evs.push({ at: t, ev });
      t += o.step ?? 40;
    }
    if (o.otherEvents) evs.push({ at: t, ev: { type: 'tool_result', data: { tool: 'search', ok: true } } });
    if (o.finalEvent) evs.push({ at: t, ev: o.finalEvent });
    return { events: evs, endAt: t + (o.tail ?? 10) };
  }

  function poll(req, res, task, from, waited = 0) {
    const now = Date.now() - task.start;
    if (o.minPollGap && waited === 0) {
      const last = task.lastPoll ?? 0;
      task.lastPoll = Date.now();
      if (Date.now() - last < o.minPollGap) return send(req, res, 429, { detail: 'polling too fast' }, { 'retry-after': '1' });
    }
    if (o.longPoll && waited < o.longPoll) {
      const have = task.events.filter((e) => e.at <= now).length;
      const idx = Math.floor(from / (o.offsetScale ?? 1));
      if (have <= idx && now < task.endAt) return setTimeout(() => poll(req, res, task, from, waited + 50), 50);
    }
    const availAll = task.events.filter((e) => e.at <= now);
    if (o.hiddenEvents) {
      // offsets count log entries, hidden ones included; a poll shows only the visible ones
      const page = availAll.slice(from); const ended = now >= task.endAt;
      return send(req, res, 200, { data: { status: ended ? 'completed' : 'running', next_offset: availAll.length > from ? availAll.length : from, events: page.filter((e) => !e.hidden).map((e) => e.ev) } });
    }
    const avail = availAll.map((e) => e.ev);
    const ended = o.neverEnds ? false : now >= task.endAt;
    if (o.pollHook && o.pollHook({ req, res, send, task, from, now, avail, ended }) === true) return;
    const scale = o.offsetScale ?? 1;
    const idx = Math.floor(from / scale);
    let page = avail.slice(idx);
    if (o.pageSize) page = page.slice(0, o.pageSize);
    const reachedEnd = idx + page.length >= avail.length;
    let status = ended && (reachedEnd || o.finalIgnoresPaging) ? o.doneStatus ?? 'completed' : 'running';
    if (ended && !reachedEnd && !o.finalIgnoresPaging) status = 'running';
    let next = (idx + page.length) * scale;
    if (from > avail.length * scale) next = from;
    task.polls = (task.polls ?? 0) + 1;
    let data = { status, next_offset: next, events: page };
    if (o.pollExtra) data = { task_id: task.id, ...data, created_at: new Date(task.start).toISOString(), progress: 0.5 };
    if (o.mutatePoll) data = o.mutatePoll(data, { task, from, now, avail, ended });
    return send(req, res, 200, o.unwrapPoll ? data : { data, ...(o.pollEnvelope ? { code: 0, msg: 'ok' } : {}) });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (o.log) console.error(req.method, req.url, req.headers.authorization, raw);
      const p = url.pathname;
      let m;
      const body = () => { try { return raw ? JSON.parse(raw) : {}; } catch { return null; } };
      if (req.method === 'POST' && p === '/api/v1/workspaces') {
        if (!authed(req, 'ws')) return deny(req, res);
        const b = body();
        if (!b || typeof b.workspace_id !== 'string' || !b.workspace_id) return send(req, res, 422, { detail: 'workspace_id is required' });
        const existed = workspaces.has(b.workspace_id);
        if (o.ws204) { if (!existed) workspaces.set(b.workspace_id, new Set()); res.writeHead(204); return res.end(); }
        if (existed && o.wsNotIdempotent) return send(req, res, 409, { detail: 'workspace exists' });
        if (!existed) workspaces.set(b.workspace_id, new Set());
        const ans = o.wsAnswer ? o.wsAnswer(b.workspace_id, existed) : { workspace_id: b.workspace_id, created: !existed };
        return send(req, res, existed ? 200 : o.created201 ? 201 : 200, ans);
      }
      if (req.method === 'POST' && (m = p.match(/^\/api\/v1\/workspaces\/([^/]+)\/conversations$/))) {
        if (!authed(req, 'conv')) return deny(req, res);
        const ws = decodeURIComponent(m[1]);
        if (o.convNeedsBody && !raw) return send(req, res, 422, { detail: [{ loc: ['body'], msg: 'field required', type: 'value_error.missing' }] });
        if (!workspaces.has(ws)) return send(req, res, 404, { detail: 'workspace not found' });
        const cid = o.numericConv ? 5000 + ++n : id('conv');
        workspaces.get(ws).add(cid);
        convs.set(cid, { ws, history: [] });
        const ans = o.wrapCreate ? { data: { conversation_id: cid } } : { conversation_id: cid, ...(o.createExtra ? { workspace_id: ws, created_at: new Date().toISOString() } : {}) };
        return send(req, res, o.created201 ? 201 : 200, ans);
      }
      if (req.method === 'POST' && (m = p.match(/^\/api\/v1\/workspaces\/([^/]+)\/messages$/))) {
        if (!authed(req, 'msg')) return deny(req, res);
        const ws = decodeURIComponent(m[1]);
        const b = body();
        if (!b) return send(req, res, 400, { detail: 'body is not JSON' });
        if (!workspaces.has(ws)) return send(req, res, 404, { detail: 'workspace not found' });
        const conv = convs.get(o.numericConv ? Number(b.conversation_id) : b.conversation_id);
        if (!conv || (conv.ws !== ws && !o.noWsCheck)) return send(req, res, o.unknownConvStatus ?? 404, { detail: 'conversation not found' });
        if (typeof b.message !== 'string' || !b.message) return send(req, res, o.noMessageStatus ?? 422, { detail: [{ loc: ['body', 'message'], msg: 'field required', type: 'value_error.missing' }] });
        if (o.requireMaxIter && !Number.isInteger(b.max_iterations)) return send(req, res, 422, { detail: [{ loc: ['body', 'max_iterations'], msg: 'field required', type: 'value_error.missing' }] });
        allMessages.push(b.message);
        conv.history.push(b.message);
        if (o.sameTask && conv.task) return send(req, res, 200, { task_id: conv.task });
        const tid = id('task');
        const s = script(b.message, ws);
        tasks.set(tid, { id: tid, start: Date.now(), ...s });
        conv.task = tid;
        const ans = o.taskIdKey ? { [o.taskIdKey]: tid } : o.wrapCreate ? { data: { task_id: tid } } : { task_id: tid, ...(o.createExtra ? { status: 'running', conversation_id: b.conversation_id } : {}) };
        return send(req, res, o.created201 ? 202 : 200, ans);
      }
      if (req.method === 'GET' && (m = p.match(/^\/api\/v1\/tasks\/([^/]+)$/))) {
        const tid = decodeURIComponent(m[1]);
        const task = tasks.get(tid);
        if (!authed(req, 'poll')) {
          if (o.leakOn401 && task) { const save = send; return poll(req, { writeHead: (st, h) => res.writeHead(401, h), end: (b) => res.end(b), write: (b) => res.write(b) }, task, 0); }
          return deny(req, res);
        }
        if (!task) return o.unknownTask ? o.unknownTask(req, res, send) : send(req, res, 404, { detail: 'task not found' });
        const fromS = url.searchParams.get('from') ?? '0';
        if (!/^\d+$/.test(fromS)) return send(req, res, 422, { detail: 'from must be an integer' });
        return poll(req, res, task, Number(fromS));
      }
      return send(req, res, 404, { detail: 'Not Found' });
    });
  });
  return server;
}
