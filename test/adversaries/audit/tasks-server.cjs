// Independent `tasks` protocol server (003_2215f6354d6789dc.txt). Node 20 built-ins only.
// Usage: MODE=<variant> node tasks-server.cjs   -> prints "PORT <n>"
// TOKEN is "T". MODE selects a conformant or faulty variant (the variants the corpus runs are in variants.mjs).
'use strict';
const http = require('http');
const zlib = require('zlib');
const crypto = require('crypto');

const MODE = process.env.MODE || 'base';
const FLAGS = new Set(MODE.split('+'));
const has = (f) => FLAGS.has(f);
const TOKEN = process.env.TOKEN || 'T';
const log = (...a) => { if (process.env.VERBOSE) console.error(...a); };

const workspaces = new Map(); // ws -> {convs: Map(convId -> {messages: []})}
const tasks = new Map(); // taskId -> {ws, conv, events: [], started, done, status}
let convCounter = 0;
let taskCounter = 0;
let globalSeq = 0; // for 'globalseq' mode
const allMessages = []; // for leak mode

function makeAnswer(ws, conv, message) {
  // the answer echoes the question, so isolation can be checked
  let text = `Answer in ${ws}: you asked "${message}". 明日方舟 终末地 is a game.`;
  if (has('huge')) text += ' 终末地'.repeat(6000);
  if (has('leak')) {
    // faulty: answer mentions the previous message of ANY workspace
    const prev = allMessages.filter((m) => m.ws !== ws).slice(-1)[0];
    if (prev) text += ` (earlier someone asked: ${prev.message})`;
  }
  if (has('leak-history')) {
    // faulty: server keeps history per conversation id only (ignores workspace) -- with per-ws numbering
    const prev = allMessages.filter((m) => m.conv === conv && m.ws !== ws).slice(-1)[0];
    if (prev) text += ` (history: ${prev.message})`;
  }
  // split into chunks of ~6 chars (code points)
  const cps = Array.from(text);
  const chunks = [];
  const CH = has('onechunk') ? 100000 : 6;
  for (let i = 0; i < cps.length; i += CH) chunks.push(cps.slice(i, i + CH).join(''));
  return chunks;
}

function buildEvents(chunks) {
  const evs = [];
  if (has('othertypes')) {
    evs.push({ type: 'task_started', data: { run_mode: 'fast' } });
    evs.push({ type: 'thinking', data: 'planning…' });
  }
  chunks.forEach((c, i) => {
    if (has('othertypes') && i === 2) evs.push({ type: 'tool_call', data: { name: 'search', args: { q: 'x' } }, id: 7 });
    if (has('othertypes') && i === 3) evs.push({ type: 'usage', data: null });
    const ev = { type: 'text_chunk', data: { content: c } };
    if (has('extrafields')) { ev.data.index = i; ev.ts = Date.now(); ev.seq = i; }
    if (has('fieldorder')) evs.push({ data: { content: c }, type: 'text_chunk' });
    else evs.push(ev);
  });
  if (has('othertypes')) evs.push({ type: 'done', data: { reason: 'finished' } });
  if (has('emptychunks')) {
    // legal: some text_chunk events carry empty content
    evs.splice(1, 0, { type: 'text_chunk', data: { content: '' } });
    evs.push({ type: 'text_chunk', data: { content: '' } });
  }
  if (has('typo-content-last')) {
    // faulty: the last text_chunk has content of the wrong type (object)
    evs.push({ type: 'text_chunk', data: { content: { text: 'end' } } });
  }
  if (has('nodata-last')) {
    evs.push({ type: 'text_chunk' });
  }
  return evs;
}

// per-mode timing: how many events are "available" at time t
function available(task) {
  const elapsed = Date.now() - task.started;
  const n = task.events.length;
  let per = 0; // ms per event; 0 = all at once
  let delay0 = 0;
  if (has('slow') || has('paging-slow')) per = 200;
  if (has('fast')) per = 30;
  if (has('longpause')) { delay0 = 3000; per = 50; }
  if (has('midpause')) {
    // 4 s pause in the middle of the answer
    const half = Math.floor(n / 2);
    if (elapsed < half * 50) return Math.floor(elapsed / 50);
    if (elapsed < half * 50 + 4000) return half;
    return Math.min(n, half + Math.floor((elapsed - half * 50 - 4000) / 50));
  }
  if (has('never-ends')) return n; // status never changes anyway
  if (elapsed < delay0) return 0;
  if (per === 0) return n;
  return Math.min(n, Math.floor((elapsed - delay0) / per));
}

function send(req, res, status, obj, extraHeaders = {}) {
  let body = typeof obj === 'string' ? obj : JSON.stringify(obj, null, has('pretty') ? 2 : 0);
  if (has('pretty') && typeof obj !== 'string') body = '\n' + body.replace(/:/g, ' : ') + '\n\n';
  if (has('ascii-json')) body = body.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  let buf = Buffer.from(body, 'utf8');
  const headers = { 'Content-Type': 'application/json', ...extraHeaders };
  if (has('charset')) headers['Content-Type'] = 'application/json; charset=UTF-8';
  if (has('textplain')) headers['Content-Type'] = 'text/plain; charset=utf-8';
  if (has('gzip') && /gzip/.test(req.headers['accept-encoding'] || '')) {
    buf = zlib.gzipSync(buf);
    headers['Content-Encoding'] = 'gzip';
  }
  if (has('close')) headers.Connection = 'close';
  if (has('chunked') || has('bytewise')) {
    res.writeHead(status, headers);
    let i = 0;
    const step = has('bytewise') ? 1 : 7;
    const tick = () => {
      if (i >= buf.length) return res.end();
      res.write(buf.subarray(i, i + step));
      i += step;
      setImmediate(tick);
    };
    return tick();
  }
  if (has('http10close')) {
    // close-delimited body: no Content-Length, no chunked
    res.useChunkedEncodingByDefault = false;
    res.shouldKeepAlive = false;
    headers.Connection = 'close';
    res.writeHead(status, headers);
    res.write(buf.subarray(0, 3));
    setTimeout(() => res.end(buf.subarray(3)), 20);
    return;
  }
  headers['Content-Length'] = buf.length;
  res.writeHead(status, headers);
  res.end(buf);
}

function authOk(req, path) {
  const h = req.headers.authorization;
  if (has('poll-noauth') && path.startsWith('/api/v1/tasks/')) return true; // faulty
  if (has('conv-noauth') && /\/conversations$/.test(path)) return true; // faulty
  if (has('poll-anytoken') && path.startsWith('/api/v1/tasks/') && h && /^Bearer /.test(h)) return true; // faulty
  if (has('msg-anytoken') && /\/messages$/.test(path) && h && /^Bearer /.test(h)) return true; // faulty
  if (has('bearer-case')) return !!h && /^bearer\s+/i.test(h) && h.replace(/^bearer\s+/i, '').trim() === TOKEN;
  return h === `Bearer ${TOKEN}`;
}

function readBody(req) {
  return new Promise((resolve) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}

function newConvId(ws) {
  convCounter++;
  if (has('perws-ids') || has('leak-history')) {
    // per-workspace numbering: c1, c2, ... in every workspace
    return `c${workspaces.get(ws).convs.size + 1}`;
  }
  if (has('int-ids')) return convCounter;
  if (has('weird-ids')) return `对话 ${convCounter}/"q"`;
  return 'conv_' + crypto.randomBytes(6).toString('hex');
}

function newTaskId() {
  taskCounter++;
  if (has('int-ids')) return 1000 + taskCounter;
  if (has('weird-ids')) return `t+${taskCounter}:Ab~_.-` + crypto.randomBytes(3).toString('hex');
  if (has('dup-taskid')) return 'task_1'; // faulty: every message gets the same task id
  return 'task_' + crypto.randomBytes(6).toString('hex');
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  const body = await readBody(req);
  log(req.method, req.url, JSON.stringify(req.headers.authorization), body);
  if (has('close') || has('http10close')) res.shouldKeepAlive = false;
  if (has('ka-drop')) res.on('finish', () => setTimeout(() => req.socket.destroy(), 5));

  if (!authOk(req, path)) {
    if (has('poll-401-with-data') && path.startsWith('/api/v1/tasks/')) {
      // faulty: refuses with 401 but still sends the task's data
      const t = tasks.get(decodeURIComponent(path.split('/').pop()));
      if (t) return send(req, res, 401, { error: 'unauthorized', data: { status: 'completed', next_offset: t.events.length, events: t.events } });
    }
    return send(req, res, has('forbid403') ? 403 : 401, { error: 'unauthorized', detail: 'missing or invalid token' },
      has('forbid403') ? {} : { 'WWW-Authenticate': 'Bearer' });
  }
  let m;
  // POST /api/v1/workspaces
  if (req.method === 'POST' && path === '/api/v1/workspaces') {
    let j;
    try { j = JSON.parse(body); } catch { return send(req, res, 400, { error: 'bad json' }); }
    const ws = j && j.workspace_id;
    if (typeof ws !== 'string' || !ws) return send(req, res, 400, { error: 'workspace_id required' });
    const existed = workspaces.has(ws);
    if (has('ws-reset') && existed) workspaces.delete(ws); // faulty: 'ensure' wipes the workspace's conversations
    if (!workspaces.has(ws)) workspaces.set(ws, { convs: new Map() });
    if (has('ws-conflict') && existed) return send(req, res, 409, { error: 'workspace exists' }); // faulty
    if (has('ws-created')) return send(req, res, existed ? 200 : 201, { workspace_id: ws, created: !existed });
    if (has('ws-nocontent')) { res.writeHead(204); return res.end(); }
    if (has('ws-wrapped')) return send(req, res, 200, { code: 0, data: { workspace_id: ws, created: !existed } });
    return send(req, res, 200, { workspace_id: ws, ok: true });
  }
  if (req.method === 'POST' && (m = path.match(/^\/api\/v1\/workspaces\/([^/]+)\/conversations$/))) {
    const ws = decodeURIComponent(m[1]);
    if (!workspaces.has(ws)) {
      if (has('strict-ws')) return send(req, res, 404, { error: 'unknown workspace' });
      workspaces.set(ws, { convs: new Map() });
    }
    const id = newConvId(ws);
    workspaces.get(ws).convs.set(String(id), { messages: [] });
    if (has('create-wrapped')) return send(req, res, 200, { data: { conversation_id: id } }); // faulty
    if (has('create-201')) return send(req, res, 201, { conversation_id: id, workspace_id: ws, created_at: new Date().toISOString() });
    return send(req, res, 200, { conversation_id: id });
  }
  if (req.method === 'POST' && (m = path.match(/^\/api\/v1\/workspaces\/([^/]+)\/messages$/))) {
    const ws = decodeURIComponent(m[1]);
    let j;
    try { j = JSON.parse(body); } catch { return send(req, res, 400, { error: 'bad json' }); }
    if (!j || typeof j !== 'object') return send(req, res, 400, { error: 'bad body' });
    const convKey = String(j.conversation_id);
    let conv = workspaces.has(ws) ? workspaces.get(ws).convs.get(convKey) : undefined;
    if (!conv && has('cross-ws')) {
      // faulty: looks the conversation up in every workspace
      for (const w of workspaces.values()) if (w.convs.has(convKey)) conv = w.convs.get(convKey);
    }
    if (!conv) return send(req, res, 404, { error: 'conversation not found' });
    if (typeof j.message !== 'string' || (!j.message && !has('lax-input'))) {
      if (!has('lax-input')) return send(req, res, 400, { error: 'message required' });
    }
    if (has('require-maxiter') && typeof j.max_iterations !== 'number') return send(req, res, 400, { error: 'max_iterations required' }); // faulty
    if (has('reject-maxiter') && 'max_iterations' in j) return send(req, res, 400, { error: 'unknown field max_iterations' }); // faulty
    if (has('require-runmode') && j.run_mode !== 'fast') return send(req, res, 400, { error: 'run_mode required' });
    if (has('busy-ws-409') && [...tasks.values()].some((t) => t.ws === ws && available(t) < t.events.length)) {
      return send(req, res, 409, { error: 'workspace busy: one task at a time per workspace' }); // legal policy?
    }
    if (has('busy-409') && [...tasks.values()].some((t) => t.ws === ws && t.conv === convKey && available(t) < t.events.length)) {
      return send(req, res, 409, { error: 'conversation busy: a task is still running' });
    }
    const message = String(j.message ?? '');
    conv.messages.push(message);
    allMessages.push({ ws, conv: convKey, message });
    if (has('slow-create')) await new Promise((r) => setTimeout(r, 2500));
    const id = newTaskId();
    const events = buildEvents(makeAnswer(ws, convKey, message));
    if (!(has('dup-taskid') && tasks.has(String(id)))) {
      tasks.set(String(id), { ws, conv: convKey, events, started: Date.now(), polls: 0, doneFlag: false });
    }
    if (has('create-wrapped-task')) return send(req, res, 200, { data: { task_id: id } });
    if (has('create-201')) return send(req, res, 202, { task_id: id, status: 'queued', conversation_id: j.conversation_id });
    return send(req, res, 200, { task_id: id });
  }
  if (req.method === 'GET' && (m = path.match(/^\/api\/v1\/tasks\/([^/]+)$/))) {
    const id = decodeURIComponent(m[1]);
    const task = tasks.get(id);
    if (!task || task.evicted) {
      if (has('unknown-200')) return send(req, res, 200, { data: { status: 'failed', next_offset: 0, events: [] } });
      return send(req, res, 404, { error: 'task not found' });
    }
    task.polls++;
    const fromRaw = url.searchParams.get('from');
    const from = fromRaw === null ? 0 : parseInt(fromRaw, 10);
    return poll(req, res, task, from);
  }
  if (has('slowpath')) return; // never answer unknown paths
  send(req, res, 404, { error: 'not found', path });
});

function poll(req, res, task, from) {
  const avail = available(task);
  const n = task.events.length;
  let end = avail;
  const PAGE = 2;
  const paging = has('paging') || has('paging-slow') || has('paging1');
  if (paging) end = Math.min(avail, from + (has('paging1') ? 1 : PAGE));
  if (has('final-only') && avail < n) end = from; // hold events until done
  let events = task.events.slice(from, Math.max(from, end));
  let next = Math.max(from, end);
  const finished = avail >= n;
  let status = finished && end >= n ? 'completed' : 'running';
  if (has('never-ends')) status = 'running';
  if (has('status-done')) status = status === 'completed' ? 'done' : status;
  if (has('status-failed') && status === 'completed') status = 'failed';
  if (has('lagging-status')) {
    // legal: the poll that delivers the last events still says running; the next one says completed
    if (finished && end >= n && !task.sawAll) { task.sawAll = true; status = 'running'; }
  }
  if (has('queued-first') && task.polls <= 1) status = 'queued'; // faulty for the doc's loop
  // faults on offsets
  if (has('offset-repeat') && events.length > 1 && status !== 'running') next = next - 1;
  if (has('offset-gap') && events.length > 0 && status === 'running') next = next + 1;
  if (has('offset-back') && status !== 'running' && from > 0) next = from - 1;
  if (has('dup-last') && status !== 'running' && events.length) events = events.concat([events[events.length - 1]]);
  if (has('final-incomplete') && status !== 'running' && from < n - 2) {
    // faulty: says completed while holding back the last two events
    events = task.events.slice(from, n - 2); next = n - 2;
  }
  if (has('final-status-changes') && status !== 'running') {
    task.ended = (task.ended || 0) + 1;
    if (task.ended >= 2) status = 'failed'; // faulty: final status changes from completed to failed
  }
  if (has('late-append') && status !== 'running' && !task.appendTimer) {
    // faulty: 1 s after the final poll a further event is appended to the finished task
    task.appendTimer = setTimeout(() => task.events.push({ type: 'text_chunk', data: { content: ' (late)' } }), +(process.env.LATE_MS || 1000));
  }
  if (has('reopen') && status !== 'running') {
    task.ended = (task.ended || 0) + 1;
    if (task.ended === 2) status = 'running'; // faulty: goes back to running once
  }
  if (has('replay-shuffle') && from === 0 && task.deliveredOnce) {
    events = events.slice().reverse();
  }
  if (has('compact-after') && status !== 'running') {
    // legal reading: once finished, the server stores the answer compacted into one text_chunk
    if (task.compacted) { events = task.compact.slice(from); next = Math.max(from, task.compact.length); }
    else { task.compacted = true; task.compact = [{ type: 'text_chunk', data: { content: task.events.map((e) => e.data.content).join('') } }]; }
  }
  if (status !== 'running') task.deliveredOnce = true;
  if (has('evict-after-final') && status !== 'running') task.evicted = true; // consumed: later polls 404
  if (has('globalseq')) {
    // offsets are positions in a server-wide log with other tasks' events interleaved (gaps in numbering)
    // event i of this task has global position base + 3*i
    const base = task.base ?? (task.base = (globalSeq += 1000));
    const toLocal = (off) => (off <= base ? 0 : Math.ceil((off - base) / 3));
    const lf = toLocal(from);
    const le = Math.max(lf, avail);
    events = task.events.slice(lf, le);
    next = le === 0 ? from : base + 3 * (le - 1) + 1;
    if (next < from) next = from;
    status = avail >= n && le >= n ? 'completed' : 'running';
  }
  if (has('final-sentinel') && status !== 'running') next = Math.max(next, n + 1000); // legal if offsets are opaque
  let payload = { data: { status, next_offset: next, events } };
  if (has('extrafields')) payload = { code: 0, msg: 'ok', data: { task_id: 'x', events, next_offset: next, status, progress: 0.5 }, request_id: 'r1' };
  if (has('offset-string-last') && status !== 'running') payload.data.next_offset = String(next);
  if (has('events-null-last') && status !== 'running') payload.data.events = null;
  if (has('unwrapped-last') && status !== 'running') payload = payload.data;
  if (has('array-last') && status !== 'running') payload = [payload];
  if (has('status-missing-last') && status !== 'running') delete payload.data.status;
  let code = 200;
  if (has('poll-202') && status === 'running') code = 202;
  if (has('poll-500-once') && !task.failedOnce) { task.failedOnce = true; return send(req, res, 503, { error: 'busy, retry' }); }
  if (has('ratelimit-once') && !task.failedOnce) { task.failedOnce = true; return send(req, res, 429, { error: 'slow down' }, { 'Retry-After': '1' }); }
  return send(req, res, code, payload);
}

if (has('ka-1s')) { server.keepAliveTimeout = 1000; }
if (has('nohint')) { server.keepAliveTimeout = 0; }
if (has('ka-100ms')) { server.keepAliveTimeout = 100; }
server.listen(0, '127.0.0.1', () => {
  console.log(`PORT ${server.address().port}`);
});
