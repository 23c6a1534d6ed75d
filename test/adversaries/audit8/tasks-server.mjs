// A faithful tasks server (003_2215f6354d6789dc.txt) with one optional mutation: MUT=<name>.
// Extended by the tenth round's auditor with more mutations (see audit10/variants.mjs).
import http from 'node:http';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
const esc = (t) => t.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
const wsTaskNo = new Map();

const MUT = process.env.MUT || '';
const MUTS = new Set(MUT.split(','));
const m = (n) => MUTS.has(n);
const TOKEN = process.env.TOKEN || 'secret-token';
const workspaces = new Set();
const convs = new Map(); // conv id -> {ws, msgs:[]}
const tasks = new Map(); // task id -> {events:[], start, chunks, status}
let globalMsgs = [];
let taskNo = 0, pollNo = 0;
let lastTaskId = null;
let lastMessage = '';
const seenAuth = new Set();

function send(res, code, obj, extra = {}) {
  let body = obj === undefined ? '' : m('legal-py-json') ? esc(JSON.stringify(obj, null, 2)) : JSON.stringify(obj);
  if (m('legal-conn-close')) extra = { ...extra, connection: 'close' };
  if (m('legal-gzip') && body && /gzip/.test(res.req.headers['accept-encoding'] || '')) {
    const z = zlib.gzipSync(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-encoding': 'gzip', vary: 'Accept-Encoding', 'content-length': z.length, ...extra });
    return res.end(z);
  }
  if (m('legal-byte-writes') && body) {
    res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', ...extra });
    const buf = Buffer.from(body); let k = 0;
    const step = () => { if (k < buf.length) { res.write(buf.subarray(k, k + 1)); k++; setImmediate(step); } else res.end(); };
    return step();
  }
  res.writeHead(code, { 'content-type': 'application/json', ...extra });
  res.end(body);
}
function authed(req) {
  let a = req.headers.authorization || '';
  if (m('legal-scheme-case')) a = a.replace(/^bearer +/i, 'Bearer ');
  if (m('no-auth-on-polls') && req._poll) return true;
  if (m('empty-bearer-accepted') && /^Bearer\s*$/.test(a)) return true;
  if (m('token-prefix')) return a.startsWith('Bearer ' + TOKEN);
  if (m('token-truncated')) return a.length > 7 && ('Bearer ' + TOKEN).startsWith(a);
  if (m('token-case')) return a.toLowerCase() === ('Bearer ' + TOKEN).toLowerCase();
  if (m('wrong-token-accepted')) return a.startsWith('Bearer ') && a.length > 7;
  return a === 'Bearer ' + TOKEN;
}

function makeTask(conv, text) {
  const hist = m('global-history') ? globalMsgs.slice() : conv.msgs.slice();
  conv.msgs.push(text); globalMsgs.push(text);
  lastMessage = text;
  const chunks = ['您好,', '关于', '您的', '问题:', '这是', '回答', '。'];
  if (m('legal-long')) for (let i = 0; i < 40; i++) chunks.push('字' + i);
  if (hist.length) chunks.push('此前您说过:' + hist.join(' | '));
  if (m('task2-includes-task1') && conv.lastEvs) chunks.unshift(...conv.lastEvs);
  if (m('race-echo') || m('legal-echo')) chunks.push('@@ECHO@@:' + text);
  conv.lastEvs = chunks.slice();
  const evs = [];
  if (m('legal-other-events')) evs.push({ type: 'thinking', data: { text: '思考中' } }, { type: 'tool_call', data: null });
  for (const c of chunks) evs.push({ type: 'text_chunk', data: { content: c } });
  const t0 = { evs, start: Date.now() + (m('race-echo') ? 100 : 0) };
  if (m('legal-other-events')) evs.push({ type: 'done' });
  const wn = (wsTaskNo.get(conv.ws) || 0) + 1; wsTaskNo.set(conv.ws, wn);
  const id = m('task-id-per-ws-counter') ? 't' + wn : m('same-task-id') && lastTaskId ? lastTaskId : (m('legal-int-ids') ? ++taskNo : 'task_' + crypto.randomUUID().replace(/-/g, '').slice(0, 16));
  lastTaskId = id;
  tasks.set(String(id), { evs, start: t0.start, polls: 0, endedSeen: false });
  return id;
}

// The log grows over time: one event per 40 ms; the task ends once every event is out.
function view(t) {
  const n = Math.min(t.evs.length, Math.floor((Date.now() - t.start) / (m('legal-slow-task') ? 500 : 40)));
  let ended = n >= t.evs.length;
  if (m('never-ends')) ended = false;
  return { avail: t.evs.slice(0, n), ended };
}

function poll(req, res, id, from) {
  const t = tasks.get(id);
  if (!t) {
    if (m('unknown-task-200')) return send(res, 200, { data: { status: 'running', next_offset: 0, events: [] } });
    return send(res, 404, { detail: 'task not found' });
  }
  pollNo++;
  if (m('poll-500-once') && pollNo === 3) return send(res, 500, { detail: 'internal error' });
  let { avail, ended } = view(t);
  let status = ended ? 'completed' : 'running';
  if (m('legal-status-failed') && ended) status = 'failed';
  // final-early: says completed while the last 2 events are still to come
  if (m('final-early')) { const n = avail.length; ended = n >= t.evs.length - 2; status = ended ? 'completed' : 'running'; }
  // race-echo: the echo event is filled in lazily from a global, at first delivery
  for (const e of avail) if (e.type === 'text_chunk' && typeof e.data.content === 'string' && e.data.content.startsWith('@@ECHO@@:')) e.data.content = '(您说的是:' + (m('race-echo') ? lastMessage : e.data.content.slice(9)) + ')';
  if (m('status-queued-first') && t.polls2 === undefined) { t.polls2 = 1; return send(res, 200, { data: { status: 'queued', next_offset: from, events: [] } }); }
  if (m('status-capital-running') && status === 'running') status = 'Running';
  let events = avail.slice(from);
  if (m('final-dup') && ended && from > 0) events = avail.slice(from - 1);
  if (m('from-ignored')) events = avail.slice();
  if (m('task-404-after-complete') && t.doneSent) return send(res, 404, { detail: 'task not found' });
  if (ended) t.doneSent = true;
  if (m('paging-final-short')) { events = events.slice(0, 2); }
  if (m('page2-skip')) { t.pg = (t.pg || 0) + 1; }
  if (m('legal-paging')) { events = events.slice(0, 2); if (from + events.length < avail.length || !ended) status = 'running'; }
  let next = from + events.length;
  if (m('final-full-log') && ended) { events = avail.slice(); next = avail.length; }
  if (m('past-end-repeats-last') && ended && from >= avail.length && avail.length) { events = avail.slice(-1); next = avail.length; }
  if (m('legal-all-at-end') && !ended) { events = []; next = from; }
  if (m('back-to-running') && ended) { t.polls++; if (t.polls === 2) status = 'running'; }
  if (m('offset-stuck')) next = from;
  if (m('page2-skip') && t.pg === 2 && events.length) next = from + events.length + 1;
  if (m('status-from-page') && ended && events.length === 0) status = 'running';
  if (m('offset-plus-one') && events.length) next = from + events.length + 1;
  if (m('offset-minus-one') && events.length > 1) next = from + events.length - 1;
  if (m('offset-reset-on-end') && ended) next = 0;
  if (m('next-offset-page-relative')) next = events.length;
  if (m('from-ignored')) next = avail.length;
  if (m('events-reversed')) events = events.slice().reverse();
  let body = { status, next_offset: next, events };
  if (m('legal-extra-fields')) { body = { task_id: id, created_at: new Date(t.start).toISOString(), progress: ended ? 1 : 0.5, ...body, total: avail.length }; body.events = events.map((e, k) => ({ seq: from + k, ts: t.start / 1000 + from + k, ...e, data: e.data && typeof e.data === 'object' ? { ...e.data, index: from + k } : e.data })); }
  if (m('next-offset-string')) body.next_offset = String(next);
  if (m('status-empty') && ended) body.status = '';
  if (m('status-missing')) delete body.status;
  if (m('events-null') && !events.length) body.events = null;
  if (m('chunk-no-content')) body.events = events.map((e, i) => (i === 0 && e.type === 'text_chunk' ? { type: 'text_chunk', data: { text: e.data.content } } : e));
  if (m('chunk-content-number')) body.events = events.map((e, i) => (i === 0 && e.type === 'text_chunk' ? { type: 'text_chunk', data: { content: 7 } } : e));
  if (m('event-no-type')) body.events = events.map((e) => ({ data: e.data }));
  if (m('legal-extra-envelope')) return send(res, 200, { code: 0, message: 'ok', data: body });
  if (m('poll-unwrapped')) return send(res, 200, body);
  const code = m('legal-202-running') && status === 'running' ? 202 : 200;
  send(res, code, { data: body });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const p = url.pathname;
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    let mm; if (process.env.LOGREQ) console.error('REQ ' + req.method + ' ' + req.url + ' auth=' + JSON.stringify(req.headers.authorization ?? null) + ' body=' + raw);
    req._poll = /^\/api\/v1\/tasks\/[^/]+$/.test(p);
    const known = p === '/api/v1/workspaces' || /^\/api\/v1\/workspaces\/[^/]+\/(conversations|messages)$/.test(p) || req._poll;
    if (!known) return send(res, 404, { detail: 'Not Found' });
    if (!authed(req)) {
      if (m('unauth-200-error-body')) return send(res, 200, { error: 'invalid token' });
      if (m('unauth-with-data')) return send(res, 401, { detail: 'unauthorized', data: { status: 'running' } });
      if (m('unauth-400')) return send(res, 400, { detail: 'missing token' });
      if (m('legal-unauth-403')) return send(res, 403, { detail: 'forbidden' });
      return send(res, 401, { detail: 'Not authenticated' }, { 'www-authenticate': 'Bearer' });
    }
    let body = {};
    if (raw) { try { body = JSON.parse(raw); } catch { return send(res, 422, { detail: 'body is not JSON' }); } }
    if (req.method === 'POST' && p === '/api/v1/workspaces') {
      if (typeof body.workspace_id !== 'string' || !body.workspace_id) return send(res, 422, { detail: 'workspace_id required' });
      if (m('workspace-409') && workspaces.has(body.workspace_id)) return send(res, 409, { detail: 'workspace exists' });
      const existed = workspaces.has(body.workspace_id);
      if (m('ws-reensure-wipes') && existed) for (const [k, c] of convs) if (c.ws === body.workspace_id) convs.delete(k);
      if (m('legal-ws-empty-object')) { workspaces.add(body.workspace_id); return send(res, 200, {}); }
      workspaces.add(body.workspace_id);
      if (m('workspace-204')) { res.writeHead(204); return res.end(); }
      return send(res, existed ? 200 : (m('legal-201') ? 201 : 200), { workspace_id: body.workspace_id, created: !existed });
    }
    if (req.method === 'POST' && (mm = p.match(/^\/api\/v1\/workspaces\/([^/]+)\/conversations$/))) {
      const ws = decodeURIComponent(mm[1]);
      if (!workspaces.has(ws) && !m('legal-autocreate-ws')) workspaces.add(ws); // lenient: conversation ensures its workspace
      const id = m('legal-int-ids') ? 1000 + convs.size : 'conv_' + crypto.randomUUID().replace(/-/g, '').slice(0, 16);
      convs.set(String(id), { ws, msgs: [] });
      if (m('conv-wrapped')) return send(res, 200, { data: { conversation_id: id } });
      if (m('conv-id-empty')) return send(res, 200, { conversation_id: '' });
      if (m('legal-extra-fields')) return send(res, 200, { workspace_id: ws, created_at: new Date().toISOString(), conversation_id: id, title: null });
      return send(res, m('legal-201') ? 201 : 200, { conversation_id: id });
    }
    if (req.method === 'POST' && (mm = p.match(/^\/api\/v1\/workspaces\/([^/]+)\/messages$/))) {
      const ws = decodeURIComponent(mm[1]);
      if (!convs.get(String(body.conversation_id)) && m('autocreate-conversation')) { const c = { ws, msgs: [] }; convs.set(String(body.conversation_id), c); }
      const conv2 = convs.get(String(body.conversation_id));
      if (!conv2) return send(res, 404, { detail: 'conversation not found' });
      if (conv2.ws !== ws && !m('cross-workspace')) return send(res, 404, { detail: 'conversation not found' });
      if ((typeof body.message !== 'string' || !body.message) && !m('accept-no-message')) return send(res, 422, { detail: 'message required' });
      if (typeof body.message !== 'string') body.message = '';
      const id = makeTask(conv2, body.message);
      if (m('task-wrapped')) return send(res, 200, { data: { task_id: id } });
      if (m('task-id-null')) return send(res, 200, { task_id: null, id });
      if (m('legal-extra-fields')) return send(res, 202, { status: 'running', task_id: id, poll_url: `/api/v1/tasks/${id}?from=0` });
      return send(res, m('legal-201') ? 201 : 200, { task_id: id });
    }
    if (req.method === 'GET' && req._poll) {
      const id = decodeURIComponent(p.split('/').pop());
      const f = url.searchParams.get('from');
      const from = f === null ? 0 : Number(f);
      if (!Number.isInteger(from) || from < 0) return send(res, 422, { detail: 'from must be an integer' });
      return poll(req, res, id, from);
    }
    return send(res, 405, { detail: 'Method Not Allowed' });
  });
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
