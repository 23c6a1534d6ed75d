// Plain node:http servers for ctai and tasks, with switches for whole-run behaviour.
import http from 'node:http';
import crypto from 'node:crypto';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rnd = (a, b) => a + Math.random() * (b - a);

function wrap(o, handler) {
  let inflight = 0;
  const srv = http.createServer(async (req, res) => {
    let url = new URL(req.url, 'http://x');
    let path = url.pathname;
    if (o.redirect && !path.startsWith('/new')) {
      res.writeHead(o.redirect, { location: '/new' + req.url });
      return res.end();
    }
    if (o.redirect) path = path.slice(4);
    if (o.prefix) {
      if (!path.startsWith(o.prefix + '/')) { res.writeHead(404, { 'content-type': 'application/json' }); return res.end('{"error":"not found"}'); }
      path = path.slice(o.prefix.length);
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString('utf8');
    if (o.rateLimit && inflight >= o.rateLimit) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      return res.end(o.rateBody || '{"ret":"429","msg":"too many requests"}');
    }
    inflight++;
    try { await handler(req, res, path, url, body); } catch (e) { console.error(e); try { res.writeHead(500); res.end(); } catch {} }
    finally { inflight--; }
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r({ port: srv.address().port, close: () => new Promise((rr) => { srv.closeAllConnections(); srv.close(() => rr()); }) })));
}

// ---------------- ctai ----------------
const LANGS = ['zh_CN', 'en_US', 'ko_KR', 'ja_JP', 'th_TH'];
function ctaiValidate(b) {
  if (!b || typeof b !== 'object' || Array.isArray(b)) return 'body must be a JSON object';
  for (const [k, v] of Object.entries(b)) if (typeof v !== 'string') return `${k} must be a string`;
  if (!b.query_text) return 'query_text is required';
  if (b.session_id !== undefined && (Buffer.byteLength(b.session_id) > 64 || !/^[0-9A-Za-z._-]*$/.test(b.session_id))) return 'session_id invalid';
  for (const k of ['enable_citation', 'enable_followup', 'enable_elaborate']) if (b[k] !== undefined && !['0', '1'].includes(b[k])) return `${k} must be "0" or "1"`;
  if (b.smart_temp !== undefined && !/^(10|[0-9])$/.test(b.smart_temp)) return 'smart_temp must be "0".."10"';
  if (b.lang !== undefined && !LANGS.includes(b.lang)) return 'lang invalid';
  if (b.stream !== undefined && !['0', '1'].includes(b.stream)) return 'stream must be "0" or "1"';
  if (b.category !== undefined && !['doc_chat', 'tpl_chat'].includes(b.category)) return 'category invalid';
  if (b.ctprofile_id !== undefined && !['creator', 'writer'].includes(b.ctprofile_id)) return 'ctprofile_id invalid';
  return null;
}
export function startCtai(o = {}) {
  const sessions = new Map();
  let current = null; // for the mixing fault
  return wrap(o, async (req, res, path, url, body) => {
    if (path !== '/v1/ctai/query_text_chat') { res.writeHead(404, { 'content-type': 'application/json' }); return res.end('{"ret":"404","msg":"not found"}'); }
    if (req.method !== 'POST') { res.writeHead(405); return res.end(); }
    let b;
    try { b = JSON.parse(body); } catch { b = undefined; }
    const err = b === undefined ? 'body is not JSON' : ctaiValidate(b);
    if (err) { res.writeHead(400, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ ret: '1001', msg: err })); }
    if (o.slow) await sleep(rnd(o.slow[0], o.slow[1]));
    const hist = b.session_id ? sessions.get(b.session_id) || [] : [];
    let q = b.query_text;
    if (o.mix) { current = b; await sleep(o.mix); q = current.query_text; }
    const answer = `您问的是「${q}」。请携带户口簿到派出所补办。`;
    if (b.session_id) { hist.push(q); sessions.set(b.session_id, hist); }
    const base = crypto.randomUUID();
    if (b.stream === '1') {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'close' });
      const parts = [...answer.match(/.{1,5}/gsu)];
      let sn = 0;
      for (const t of parts) {
        const id = `${base}-${sn}`;
        res.write(`id: ${id}\ndata: ${JSON.stringify({ ret: '0', msg: '', data: { msg_id: id, msg_sn: String(sn), event: '', answer_text: t } })}\n\n`);
        sn++;
        if (o.gap) await sleep(o.gap);
      }
      const id = `${base}-${sn}`;
      res.write(`id: ${id}\ndata: ${JSON.stringify({ ret: '0', msg: '', data: { msg_id: id, msg_sn: String(sn), event: 'stop', answer_text: '', ref_doc_list: [], follow_up_list: [] } })}\n\n`);
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ ret: '0', msg: '', data: { msg_id: base, answer_text: answer, ref_doc_list: [], follow_up_list: [] } }));
  });
}

// ---------------- tasks ----------------
export function startTasks(o = {}) {
  const token = o.token || 'good';
  const ws = new Map(); // id -> {convs:Set}
  const convs = new Map(); // id -> ws
  const tasks = new Map(); // id -> {events, start, total}
  let current = null;
  const json = (res, code, obj, h = {}) => { res.writeHead(code, { 'content-type': 'application/json', ...h }); res.end(JSON.stringify(obj)); };
  return wrap(o, async (req, res, path, url, body) => {
    if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { detail: 'unauthorized' });
    let b = {};
    if (body) { try { b = JSON.parse(body); } catch { return json(res, 400, { detail: 'bad json' }); } }
    let m;
    if (req.method === 'POST' && path === '/api/v1/workspaces') {
      if (typeof b.workspace_id !== 'string' || !b.workspace_id) return json(res, 422, { detail: 'workspace_id required' });
      if (!ws.has(b.workspace_id)) ws.set(b.workspace_id, { convs: new Set() });
      return json(res, 200, { workspace_id: b.workspace_id });
    }
    if (req.method === 'POST' && (m = path.match(/^\/api\/v1\/workspaces\/([^/]+)\/conversations$/))) {
      const w = decodeURIComponent(m[1]);
      if (!ws.has(w)) ws.set(w, { convs: new Set() });
      const id = 'c_' + crypto.randomUUID();
      ws.get(w).convs.add(id); convs.set(id, w);
      return json(res, 200, { conversation_id: id });
    }
    if (req.method === 'POST' && (m = path.match(/^\/api\/v1\/workspaces\/([^/]+)\/messages$/))) {
      const w = decodeURIComponent(m[1]);
      if (typeof b.message !== 'string' || !b.message) return json(res, 422, { detail: 'message required' });
      if (typeof b.conversation_id !== 'string' || convs.get(b.conversation_id) !== w) return json(res, 404, { detail: 'conversation not found' });
      if (o.slow) await sleep(rnd(o.slow[0], o.slow[1]));
      let msg = b.message;
      if (o.mix) { current = b; await sleep(o.mix); msg = current.message; }
      const answer = `收到:「${msg}」。处理完成。`;
      const events = [...answer.match(/.{1,4}/gsu)].map((c) => ({ type: 'text_chunk', data: { content: c } }));
      const id = 't_' + crypto.randomUUID();
      tasks.set(id, { events, start: Date.now(), dur: o.taskMs ?? 300 });
      return json(res, 200, { task_id: id });
    }
    if (req.method === 'GET' && (m = path.match(/^\/api\/v1\/tasks\/([^/]+)$/))) {
      const t = tasks.get(decodeURIComponent(m[1]));
      if (!t) return json(res, 404, { detail: 'task not found' });
      const from = Number(url.searchParams.get('from') || 0);
      const frac = Math.min(1, (Date.now() - t.start) / t.dur);
      const avail = Math.floor(t.events.length * frac);
      const done = avail >= t.events.length;
      const evs = t.events.slice(from, avail);
      return json(res, 200, { data: { status: done ? 'completed' : 'running', next_offset: Math.max(from, avail), events: evs } });
    }
    return json(res, 404, { detail: 'not found' });
  });
}
