// Configurable `tasks` server (003_2215f6354d6789dc.txt). Usage: OPTIONS=<json> node tasks.mjs, or node tasks.mjs '<json config>'
// Prints "PORT <n>" on stdout once listening. Every switch defaults to the plain, legal behaviour.
import http from 'node:http';
import zlib from 'node:zlib';
import crypto from 'node:crypto';

const C = Object.assign({
  token: 'tok-audit7',
  pageSize: 0,            // 0 = every available event per poll; k = at most k events per poll
  nEvents: 8,             // text chunks per task
  otherTypes: false,      // interleave undocumented event types (thinking, tool_call, done, no data)
  extraFields: false,     // extra JSON fields at every level
  nullOptional: false,    // extra optional fields present as null
  keyOrder: 'normal',     // normal | reversed  (data/status/... order)
  asciiEscape: false,     // \uXXXX escapes for every non-ASCII char (Python ensure_ascii)
  pretty: false,          // indented JSON
  idShape: 'prefixed',    // prefixed | uuid | int | long
  tsFormat: 'iso',        // iso | epoch | epochms | rfc1123 | isoOffset
  startDelay: 0,          // ms before the first event exists
  eventInterval: 0,       // ms between events (0 = all at once)
  burst: 1,               // events produced per tick
  pollDelay: 0,           // ms before a poll is answered
  createDelay: 0,
  gzip: false,            // gzip when Accept-Encoding asks for it
  chunked: false,         // chunked transfer instead of content-length
  connClose: false,       // Connection: close on every answer
  keepAliveTimeout: 5000, // server idle keep-alive timeout (ms)
  headerCase: 'normal',   // normal | lower | upper
  charset: 'none',        // none | utf8 | UTF8quoted
  finalStatus: 'completed',
  offsetUnit: 'events',   // events | chars (byte-ish cursor: sum of content lengths + 1 per event)
  createStatus: 200,      // 200 | 201
  wsBody: 'echo',         // echo | ok | empty
  autoCreateWs: false,    // conversations in an unknown workspace create it
  refuseStatus: 401,      // 401 | 403
  isoStatus: 404,         // status for a cross-workspace conversation: 404 | 403 | 400
  badInputStatus: 422,    // 422 | 400 | 404
  textMode: 'plain',      // plain | emoji | escapes (answer text with multibyte, emoji, quotes, newlines)
  emptyChunks: false,     // some text_chunk contents are ""
  echo: false,            // the answer quotes the task's own message
  historyEcho: false,     // the answer quotes earlier messages of the same conversation
  pollCode: 200,
  hiddenEvents: false,    // internal log entries (heartbeats) counted by next_offset but never returned
  fault: null,
}, JSON.parse(process.env.OPTIONS ?? process.argv[2] ?? '{}'));
const F = C.fault || '';

let idn = 0;
function newId(kind) {
  idn++;
  switch (C.idShape) {
    case 'uuid': return crypto.randomUUID();
    case 'int': return 1000 + idn;
    case 'long': return `${kind}-${crypto.randomBytes(24).toString('hex')}`;
    default: return `${kind}_${crypto.randomBytes(8).toString('hex')}`;
  }
}
function ts() {
  const d = new Date();
  switch (C.tsFormat) {
    case 'epoch': return Math.floor(d / 1000);
    case 'epochms': return +d;
    case 'rfc1123': return d.toUTCString();
    case 'isoOffset': return d.toISOString().replace('Z', '+00:00').replace(/\.\d+/, '');
    default: return d.toISOString();
  }
}
const hname = (n) => C.headerCase === 'lower' ? n.toLowerCase() : C.headerCase === 'upper' ? n.toUpperCase() : n;

function encode(obj) {
  let s = JSON.stringify(obj, null, C.pretty ? 2 : 0);
  if (C.asciiEscape) s = s.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  return s;
}
function reorder(o) {
  if (C.keyOrder !== 'reversed' || !o || typeof o !== 'object' || Array.isArray(o)) return o;
  const r = {};
  for (const k of Object.keys(o).reverse()) r[k] = o[k];
  return r;
}

function send(req, res, status, obj) {
  let body = Buffer.from(encode(obj), 'utf8');
  const headers = {};
  const ct = C.charset === 'utf8' ? 'application/json; charset=utf-8' : C.charset === 'UTF8quoted' ? 'application/json;charset="UTF-8"' : 'application/json';
  headers[hname('Content-Type')] = ct;
  if (C.gzip && /gzip/.test(req.headers['accept-encoding'] || '')) {
    body = zlib.gzipSync(body);
    headers[hname('Content-Encoding')] = 'gzip';
    headers[hname('Vary')] = 'Accept-Encoding';
  }
  if (C.connClose) headers[hname('Connection')] = 'close';
  if (C.extraFields) headers[hname('X-Request-Id')] = crypto.randomUUID();
  if (!C.chunked) headers[hname('Content-Length')] = body.length;
  res.writeHead(status, headers);
  if (C.chunked) {
    const mid = Math.floor(body.length / 2);
    res.write(body.subarray(0, mid));
    setTimeout(() => res.end(body.subarray(mid)), 5);
  } else res.end(body);
}

const workspaces = new Set();
const convs = new Map();   // id -> {ws, msgs:[]}
const tasks = new Map();   // id -> task
let taskCount = 0;
const running = new Set();

function answerChunks(task) {
  const base = {
    plain: ['《明日方舟：终末地》', '是鹰角网络开发的', '即时策略角色扮演游戏，', '背景设定在塔卫二。', '玩家扮演管理员，', '探索未知区域，', '建设基地，', '与同伴并肩作战。', '游戏采用', '实时战斗系统。', '更多内容', '敬请期待。'],
    emoji: ['Hello 👋 ', '世界🌏', ' "quoted" ', 'tab\there ', 'new\nline ', '😀😃', 'é à ü ', '\\backslash ', '中文', '𝄞 clef ', '🇨🇳 flag', '。'],
    escapes: ['<script>', '</script>', '&amp;', '\u2028sep\u2029', '\u0000nul', '"', '\'', '{"json":1}', '\\u0041', '\r\n', ' ', 'end'],
  }[C.textMode];
  const out = [];
  if (C.echo) out.push(`你问的是：${task.message}。`);
  if (C.historyEcho && task.history.length) out.push(`（此前：${task.history.join('/')}）`);
  for (let i = 0; i < C.nEvents; i++) {
    out.push(base[i % base.length]);
    if (C.emptyChunks && i % 3 === 1) out.push('');
  }
  return out;
}

function makeEvent(type, content, i) {
  let ev;
  if (type === 'text_chunk') ev = { type, data: { content } };
  else if (type === 'thinking') ev = { type, data: { text: '思考中…', step: i } };
  else if (type === 'tool_call') ev = { type, data: { name: 'search', args: { q: 'x' }, result: null } };
  else if (type === 'done') ev = { type };
  else if (type === 'usage') ev = { type, data: null };
  if (C.extraFields) { ev.id = `ev${i}`; ev.ts = ts(); if (ev.data && typeof ev.data === 'object') ev.data.index = i; }
  if (C.nullOptional) ev.meta = null;
  return reorder(ev);
}

function startTask(task) {
  const chunks = answerChunks(task);
  const plan = [];
  let i = 0;
  if (C.otherTypes) plan.push(['thinking']), plan.push(['tool_call']);
  for (const c of chunks) {
    plan.push(['text_chunk', c]);
    if (C.otherTypes && i === 2) plan.push(['thinking']);
    i++;
  }
  if (C.otherTypes) plan.push(['usage']), plan.push(['done']);
  // fault: concurrency leak: chunks of another running task get copied into this one
  task.plan = plan;
  task.events = [];
  task.status = 'running';
  running.add(task);
  let k = 0;
  const produce = () => {
    for (let b = 0; b < C.burst && k < plan.length; b++, k++) {
      const [type, content] = plan[k];
      task.events.push(makeEvent(type, content, k));
      if (C.hiddenEvents && k % 2 === 0) task.events.push({ _hidden: true, type: 'heartbeat' });
      if (F === 'concurrency-leak' && type === 'text_chunk' && k === 3) {
        for (const other of running) if (other !== task && other.ws !== task.ws) {
          task.events.push(makeEvent('text_chunk', `[${other.message}]`, k));
        }
      }
    }
    if (k >= plan.length) {
      const finish = () => {
        task.status = (F === 'second-task-never-ends' && task.seq === 2) ? 'running' : C.finalStatus;
        running.delete(task);
        task.endedAt = Date.now();
        if (F === 'late-event') setTimeout(() => task.events.push(makeEvent('text_chunk', '（补充）', 99)), 250);
      };
      if (F === 'concurrency-leak' || F === 'crosstalk-history') setTimeout(finish, 400); else finish();
      return;
    }
    setTimeout(produce, C.eventInterval);
  };
  setTimeout(produce, C.startDelay);
}

function offsetOf(task, idx) { // cursor for "events before idx"
  if (C.offsetUnit === 'events') return idx;
  let n = 0;
  for (let i = 0; i < idx; i++) n += 1 + (task.events[i].data?.content?.length || 0);
  return n;
}
function indexOf(task, off) {
  if (C.offsetUnit === 'events') return off;
  let n = 0, i = 0;
  while (i < task.events.length && n < off) { n += 1 + (task.events[i].data?.content?.length || 0); i++; }
  return i;
}

function auth(req) {
  const h = req.headers['authorization'] || '';
  const m = /^Bearer\s+(.+)$/i.exec(h);
  if (F === 'any-token' && m) return true;
  return !!m && m[1] === C.token;
}

function readBody(req) {
  return new Promise((resolve) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
  });
}
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  const raw = await readBody(req);
  const isPoll = req.method === 'GET' && /^\/api\/v1\/tasks\/[^/]+$/.test(p);
  const authed = auth(req) || (F === 'poll-no-auth' && isPoll && !req.headers['authorization']);
  if (!authed) return send(req, res, C.refuseStatus, { detail: 'Not authenticated' });
  let body = null;
  if (raw.length) { try { body = JSON.parse(raw); } catch { return send(req, res, 400, { detail: 'invalid JSON' }); } }
  let m;
  if (req.method === 'POST' && p === '/api/v1/workspaces') {
    if (!body || typeof body.workspace_id !== 'string' || !body.workspace_id) return send(req, res, C.badInputStatus, { detail: 'workspace_id required' });
    const existed = workspaces.has(body.workspace_id);
    if (existed && F === 'ws-not-idempotent') return send(req, res, 409, { detail: 'workspace exists' });
    workspaces.add(body.workspace_id);
    await delay(C.createDelay);
    const b = C.wsBody === 'echo' ? { workspace_id: body.workspace_id, created: !existed } : C.wsBody === 'ok' ? { ok: true } : {};
    if (C.extraFields) b.created_at = ts();
    return send(req, res, existed ? 200 : C.createStatus, reorder(b));
  }
  if (req.method === 'POST' && (m = /^\/api\/v1\/workspaces\/([^/]+)\/conversations$/.exec(p))) {
    const ws = decodeURIComponent(m[1]);
    if (!workspaces.has(ws)) { if (C.autoCreateWs) workspaces.add(ws); else return send(req, res, 404, { detail: 'workspace not found' }); }
    const id = newId('conv');
    convs.set(String(id), { ws, msgs: [] });
    await delay(C.createDelay);
    const b = { conversation_id: id };
    if (C.extraFields) Object.assign(b, { workspace_id: ws, created_at: ts(), title: null });
    if (C.nullOptional) b.title = null;
    return send(req, res, C.createStatus, reorder(b));
  }
  if (req.method === 'POST' && (m = /^\/api\/v1\/workspaces\/([^/]+)\/messages$/.exec(p))) {
    const ws = decodeURIComponent(m[1]);
    if (!body || typeof body.message !== 'string' || !body.message || body.conversation_id == null) return send(req, res, C.badInputStatus, { detail: [{ loc: ['body', 'message'], msg: 'field required' }] });
    const conv = convs.get(String(body.conversation_id));
    if (!conv) return send(req, res, 404, { detail: 'conversation not found' });
    if (conv.ws !== ws && F !== 'ws-cross') return send(req, res, C.isoStatus, { detail: 'conversation not in workspace' });
    let id = newId('task');
    if (F === 'same-task-id' && conv.lastTask) id = conv.lastTask;
    conv.lastTask = id;
    const task = { id, ws, message: body.message, history: [...conv.msgs], seq: conv.msgs.length + 1, created: Date.now() };
    taskCount++;
    task.n = taskCount;
    conv.msgs.push(body.message);
    if (F === 'crosstalk-history') { for (const t of running) if (t.ws !== ws) task.history.push(t.message); }
    if (!(F === 'same-task-id' && tasks.has(String(id)))) { tasks.set(String(id), task); startTask(task); }
    await delay(C.createDelay);
    let b = { task_id: id };
    if (C.extraFields) Object.assign(b, { conversation_id: body.conversation_id, status: 'running', created_at: ts() });
    if (F === 'second-task-wrapped' && task.seq === 2) b = { data: b };
    return send(req, res, C.createStatus, reorder(b));
  }
  if (req.method === 'GET' && (m = /^\/api\/v1\/tasks\/([^/]+)$/.exec(p))) {
    const task = tasks.get(decodeURIComponent(m[1]));
    if (!task) return send(req, res, 404, { detail: 'task not found' });
    if (F === 'poll-404-early' && Date.now() - task.created < 300) return send(req, res, 404, { detail: 'task not found' });
    await delay(C.pollDelay);
    const from = Number(url.searchParams.get('from') || 0);
    if (!Number.isInteger(from) || from < 0) return send(req, res, 422, { detail: 'bad from' });
    let start = indexOf(task, from);
    const statusNow = task.status;
    const avail = task.events.length;
    if (F === 'past-end-500' && start >= avail && statusNow !== 'running') return send(req, res, 500, { detail: "KeyError: 'events'" });
    let end = C.pageSize ? Math.min(avail, start + C.pageSize) : avail;
    let evs = task.events.slice(start, end).filter((e) => !e._hidden);
    let next = offsetOf(task, end);
    let status = (end < avail) ? 'running' : statusNow;
    // ---- faults ----
    if (F === 'second-task-repeat' && task.seq === 2 && evs.length > 1) next -= 1;
    if (F === 'page2-gap' && from > 0 && from === (C.pageSize || 3) && evs.length) next += 1;
    if (F === 'stuck-after-10' && from >= 10 && evs.length && end < avail) next = from;
    if (F === 'final-short' && status !== 'running' && evs.length > 1) { evs = evs.slice(0, -1); next = offsetOf(task, end - 1); }
    if (F === 'back-to-running' && status !== 'running') { task.backs = (task.backs || 0) + 1; if (task.backs === 2) status = 'running'; }
    if (F === 'queued-first' && !task.queuedShown) { task.queuedShown = true; status = 'queued'; evs = []; next = from; }
    if (F === 'offset-string-late' && next >= 10) next = String(next);
    if (F === 'null-content-10' ) evs = evs.map((e) => (e.type === 'text_chunk' && task.events.indexOf(e) === 9) ? { ...e, data: { content: null } } : e);
    if (F === 'past-end-offset0' && start >= avail && statusNow !== 'running') next = 0;
    if (F === 'completed-early' && status === 'running' && task.events.length >= Math.floor(task.plan.length / 2)) status = C.finalStatus; // says ended while still producing
    let data = { status, next_offset: next, events: evs };
    if (C.extraFields) Object.assign(data, { task_id: task.id, from, total: avail, updated_at: ts(), progress: { done: end, of: task.plan.length } });
    if (C.nullOptional) Object.assign(data, { error: null, result: null });
    let top = { data: reorder(data) };
    if (C.extraFields) Object.assign(top, { code: 0, message: 'ok', request_id: crypto.randomUUID() });
    if (C.nullOptional) top.error = null;
    const code = (status === 'running' && C.pollCode !== 200) ? C.pollCode : 200;
    return send(req, res, code, reorder(top));
  }
  return send(req, res, 404, { detail: 'Not Found' });
});
server.keepAliveTimeout = C.keepAliveTimeout;
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
