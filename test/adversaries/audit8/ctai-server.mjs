// A faithful ctai server (002_cba551f1a5d093b7.txt) with one optional mutation: MUT=<name>.
// Extended by the tenth round's auditor with more mutations (see audit10/variants.mjs).
import http from 'node:http';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
const esc = (t) => t.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
let numId = Date.now() * 1000;
const skey = (sid) => (sid === undefined ? sid : m('session-case-fold') ? sid.toLowerCase() : m('session-trunc-16') ? sid.slice(0, 16) : sid);

const MUT = process.env.MUT || '';
const MUTS = new Set(MUT.split(','));
const m = (n) => MUTS.has(n);
const LANGS = ['zh_CN', 'en_US', 'ko_KR', 'ja_JP', 'th_TH'];
const sessions = new Map(); // session_id -> [questions]
let globalHist = [];
let reqNo = 0;
let lastQuery = '';
let snCounter = 0;
const turnsBySession = new Map();

function validate(b) {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return 'body must be a JSON object';
  if (typeof b.query_text !== 'string' || b.query_text === '') return 'query_text is required';
  for (const [k, v] of Object.entries(b)) if (typeof v !== 'string') return `${k} must be a string`;
  if (b.session_id !== undefined) {
    if (!m('accept-65-byte-session') && Buffer.byteLength(b.session_id) > 64) return 'session_id longer than 64 bytes';
    if (m('refuse-64-byte-session') && Buffer.byteLength(b.session_id) >= 64) return 'session_id too long';
    if (!/^[0-9A-Za-z._-]*$/.test(b.session_id)) return 'session_id may hold only [0-9A-Za-z._-]';
  }
  for (const f of ['enable_citation', 'enable_followup', 'enable_elaborate'])
    if (b[f] !== undefined && !['0', '1'].includes(b[f])) return `${f} must be "0" or "1"`;
  if (b.smart_temp !== undefined && !m('accept-smart-temp-42')) {
    if (!/^(10|[0-9])$/.test(b.smart_temp)) return 'smart_temp must be 0-10';
  }
  if (m('refuse-ko') && b.lang === 'ko_KR') return 'lang not supported';
  if (m('refuse-en-US') && b.lang === 'en_US') return 'lang not supported';
  if (m('refuse-doc-chat') && b.category === 'doc_chat') return 'category doc_chat must not be sent';
  if (m('refuse-writer') && b.ctprofile_id === 'writer') return 'ctprofile_id not supported';
  if (m('refuse-elaborate-0') && b.enable_elaborate === '0') return 'enable_elaborate must be 1';
  if (m('refuse-context') && b.context !== undefined) return 'context not supported';
  if (b.lang !== undefined && b.lang !== 'en' && !LANGS.includes(b.lang) && !m('accept-bad-lang')) return 'lang must be one of ' + LANGS.join('/');
  if (b.stream !== undefined && !['0', '1'].includes(b.stream)) return 'stream must be "0" or "1"';
  if (b.category !== undefined && !['doc_chat', 'tpl_chat'].includes(b.category)) return 'category must be doc_chat or tpl_chat';
  if (b.ctprofile_id !== undefined && !['creator', 'writer'].includes(b.ctprofile_id)) return 'ctprofile_id must be creator or writer';
  return null;
}

function refuse(res, why, streaming) {
  if (m('refusal-ret-zero')) { res.writeHead(400, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ ret: '0', msg: why })); }
  if (m('refusal-empty-msg')) { res.writeHead(400, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ ret: '100001', msg: '' })); }
  if (m('refusal-500-html')) { res.writeHead(500, { 'content-type': 'text/html' }); return res.end('<html><body>Internal Server Error</body></html>'); }
  if (m('refusal-500')) { res.writeHead(500, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ ret: '500', msg: why })); }
  if (m('legal-refusal-http200-envelope')) { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ ret: '100001', msg: why })); }
  if (m('legal-refusal-stream-error-packet') && streaming) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const id = crypto.randomUUID();
    return res.end(`id: ${id}\ndata: ${JSON.stringify({ ret: '100001', msg: why, data: {} })}\n\n`);
  }
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ret: '100001', msg: why }));
}

function answerParts(b) {
  // The answer: fixed text plus what this session was told before (multi-turn memory).
  const sid = b.session_id;
  let hist = [];
  if (m('global-history')) hist = globalHist.slice();
  else if (sid !== undefined) hist = (sessions.get(skey(sid)) || []).slice();
  else if (m('sessionless-shared')) hist = globalHist.slice();
  const parts = ['您好,', '这是', '关于', '您的', '问题', '的', '回答', '。', '请', '参考', '文档', '。'];
  if (m('legal-long-answer') || m('sn-gap-at-10') ) for (let i = 0; i < 40; i++) parts.push('字' + i);
  if (hist.length) parts.push('之前您说过:' + hist.join(' | '));
  return parts;
}

function remember(b) {
  globalHist.push(b.query_text);
  if (b.session_id !== undefined) {
    const h = sessions.get(skey(b.session_id)) || [];
    h.push(b.query_text);
    sessions.set(skey(b.session_id), h);
  }
}

function citeIds(b) {
  const cite = (m('flags-swapped') ? b.enable_followup !== '0' : b.enable_citation !== '0') || m('cite-when-disabled');
  if (!cite) return [];
  if (b.ctdoc_id) {
    const ids = b.ctdoc_id.split(',').filter(Boolean);
    if (m('cite-outside-scope')) return [ids[0], 'doc_other'];
    if (m('cite-ctdoc-unsplit')) return [b.ctdoc_id];
    return ids;
  }
  return ['doc_a', 'doc_b'];
}

function serveStream(req, res, b) {
  const parts = answerParts(b);
  lastQuery = b.query_text;
  const turn = (turnsBySession.get(b.session_id) || 0) + 1; if (b.session_id !== undefined) turnsBySession.set(b.session_id, turn);
  const ids = citeIds(b);
  const followOn = (m('flags-swapped') ? b.enable_citation !== '0' : b.enable_followup !== '0') || m('followup-when-disabled');
  const follow = followOn ? ['还有什么问题?'] : [];
  remember(b);
  const rid = m('msgid-per-request-index') ? '' : crypto.randomUUID().slice(0, 8) + '-';
  let ct = 'text/event-stream';
  if (m('stream-ct-json')) ct = 'application/json';
  if (m('stream-ct-plain')) ct = 'text/plain';
  if (m('legal-ct-charset')) ct = 'text/event-stream; charset=utf-8';
  const gz = m('legal-gzip') && /gzip/.test(req.headers['accept-encoding'] || '');
  let out = res;
  if (m('legal-close-delimited')) {
    // HTTP/1.1 response delimited by closing the connection (no chunked, no Content-Length)
    req.socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n');
    out = { write: (x) => req.socket.write(x), end: () => req.socket.end(), on: () => {} };
  } else if (m('stream-no-ct')) res.writeHead(200, { 'cache-control': 'no-cache' });
  else if (m('legal-header-case')) res.writeHead(200, { 'Content-Type': 'Text/Event-Stream; Charset="UTF-8"', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no', 'Server': 'nginx/1.24.0', 'X-Request-Id': crypto.randomUUID(), 'Access-Control-Allow-Origin': '*' });
  else if (gz) { res.writeHead(200, { 'content-type': ct, 'cache-control': 'no-cache', 'content-encoding': 'gzip', vary: 'Accept-Encoding' }); const z = zlib.createGzip(); z.pipe(res); out = { write: (x) => { z.write(x); z.flush(zlib.constants.Z_SYNC_FLUSH); }, end: () => z.end(), on: (...a) => res.on(...a) }; }
  else res.writeHead(200, { 'content-type': ct, 'cache-control': 'no-cache' });
  const packets = [];
  parts.forEach((t, i) => {
    const d = { msg_id: rid + 'p' + i, msg_sn: String(i), event: '', answer_text: t,
      ref_doc_list: i === 1 && ids.length ? ids.map((id) => ({ doc_id: id, doc_name: id + '.pdf' })) : [],
      follow_up_list: [], illegal_status: '0',
      extend_info: { ialgo_extend_info: { return_type: 'normal', doc_score: [] } } };
    packets.push(d);
  });
  const stop = { msg_id: rid + 'p' + parts.length, msg_sn: String(parts.length), event: 'stop', answer_text: '',
    ref_doc_list: ids.map((id) => ({ doc_id: id, doc_name: id + '.pdf' })), follow_up_list: follow, illegal_status: '0',
    extend_info: { ialgo_extend_info: { return_type: 'normal', doc_score: ids.map((id) => ({ doc_id: id, score: '1.233' })) } } };
  packets.push(stop);
  // mutations on the packet list
  const mid = packets[3];
  if (m('no-stop')) packets.pop();
  if (m('stop-with-text')) stop.answer_text = '。';
  if (m('stop-not-last')) packets.push({ ...packets[0], msg_id: rid + 'late', msg_sn: String(packets.length), answer_text: '晚' });
  if (m('two-stops')) packets.push({ ...stop, msg_id: rid + 'stop2', msg_sn: String(packets.length) });
  if (m('sn-from-1')) packets.forEach((p, i) => (p.msg_sn = String(i + 1)));
  if (m('sn-number')) packets.forEach((p, i) => (p.msg_sn = i));
  if (m('sn-gap-at-10')) packets.forEach((p, i) => (p.msg_sn = String(i >= 10 ? i + 1 : i)));
  if (m('sn-repeat')) packets.forEach((p, i) => (p.msg_sn = String(i >= 5 ? i - 1 : i)));
  if (m('sn-padded')) packets.forEach((p, i) => (p.msg_sn = String(i).padStart(2, '0')));
  if (m('msgid-hash-session')) packets.forEach((p, i) => (p.msg_id = (b.session_id || 'anon') + '-' + i));
  if (m('sn-continues')) packets.forEach((p) => (p.msg_sn = String(snCounter++)));
  if (m('stop-missing-second-turn') && turn >= 2) packets.pop();
  if (m('stop-text-newline')) stop.answer_text = '\n';
  if (m('msgid-same')) packets.forEach((p) => (p.msg_id = rid + 'x'));
  if (m('msgid-empty')) packets.forEach((p) => (p.msg_id = ''));
  if (m('ret-number')) packets.forEach((p) => (p._ret = 0));
  if (m('event-null')) mid.event = null;
  if (m('event-missing')) delete mid.event;
  if (m('event-other')) mid.event = 'message';
  if (m('stop-event-uppercase')) stop.event = 'STOP';
  if (m('answer-text-missing')) delete mid.answer_text;
  if (m('answer-text-null')) mid.answer_text = null;
  if (m('ref-null')) mid.ref_doc_list = null;
  if (m('ref-object')) stop.ref_doc_list = {};
  if (m('follow-string')) stop.follow_up_list = '还有什么问题?';
  if (m('extend-array')) mid.extend_info = [];
  if (m('stop-missing-citations')) stop.ref_doc_list = [];
  if (m('legal-msgid-numeric')) packets.forEach((p) => (p.msg_id = String(numId++)));
  if (m('legal-extra-fields')) packets.forEach((p) => { p.session_id = b.session_id || ''; p.created_at = Math.floor(Date.now() / 1000); p.model = 'ctai-13b'; p.extend_info.trace = { span: 'x' }; });
  if (m('stop-sn-repeat')) stop.msg_sn = String(parts.length - 1);
  if (m('ret-padded')) packets.forEach((p) => (p._ret = '0000'));
  if (m('mid-failure-empty-msg')) { packets.splice(5); packets.push({ msg_id: rid + 'fail', msg_sn: '5', event: '', answer_text: '', _ret: '500', _msg: '' }); }
  if (m('legal-no-optional-fields')) packets.forEach((p) => { delete p.ref_doc_list; delete p.follow_up_list; delete p.illegal_status; delete p.extend_info; });
  if (m('illegal-status-number')) packets.forEach((p) => (p.illegal_status = 0));
  if (m('race-echo') || m('legal-echo')) packets.splice(packets.length - 1, 0, { msg_id: rid + 'echo', msg_sn: '', event: '', answer_text: '', ref_doc_list: [], follow_up_list: [], _echo: true });
  packets.forEach((p, i) => { if (m('race-echo') || m('legal-echo')) p.msg_sn = m('sn-continues') ? p.msg_sn : String(i); });
  const frames = packets.map((d) => {
    let env = { ret: d._ret !== undefined ? d._ret : '0', msg: d._msg !== undefined ? d._msg : '', data: d };
    delete d._ret; delete d._msg;
    if (m('legal-extra-fields')) { env.request_id = crypto.randomUUID(); env.cost = 12; }
    if (m('legal-key-order')) { const rev = (o) => Object.fromEntries(Object.entries(o).reverse()); env = rev({ ...env, data: rev(d) }); }
    if (d._echo) { delete d._echo; d.answer_text = '(您问的是:' + (m('race-echo') ? '@@ECHO@@' : b.query_text) + ')'; }
    if (m('msg-success')) env.msg = 'success';
    if (m('legal-no-optional-fields')) delete env.msg;
    if (m('msg-null')) env.msg = null;
    if (m('data-null-middle') && d === mid) env.data = null;
    let id = d.msg_id;
    if (m('legal-id-mismatch')) id = 'evt-' + d.msg_sn;
    let s = '';
    if (m('legal-retry-line')) s += 'retry: 3000\n';
    if (!m('legal-no-id-line')) s += `id: ${id}\n`;
    let json = m('legal-pretty-json') ? JSON.stringify(env, null, 2) : JSON.stringify(env);
    if (m('legal-unicode-escapes')) json = esc(json);
    if (m('legal-multiline-data')) { const k = json.indexOf(',"') + 1; s += `data: ${json.slice(0, k)}\ndata: ${json.slice(k)}\n\n`; }
    else if (m('legal-pretty-json')) s += json.split('\n').map((l) => 'data: ' + l).join('\n') + '\n\n';
    else s += `data: ${json}\n\n`;
    if (m('legal-no-space')) s = s.replace(/(^|\n)(id|data|retry): /g, '$1$2:');
    if (m('legal-cr-only')) s = s.replace(/\n/g, '\r');
    if (m('legal-crlf')) s = s.replace(/\n/g, '\r\n');
    if (m('legal-comments')) s = ': ping\n\n' + s;
    if (m('not-json-packet') && d === mid) s = `id: ${id}\ndata: {"ret":"0","data":\n\n`;
    return s;
  });
  let i = 0;
  if (m('legal-one-write')) { setTimeout(() => { out.write(frames.join('')); out.end(); }, 5); return; }
  if (m('legal-byte-writes')) { const buf = Buffer.from(frames.join('')); let k = 0; const step = () => { if (k < buf.length) { out.write(buf.subarray(k, k + 1)); k++; setImmediate(step); } else out.end(); }; setTimeout(step, 1); return; }
  const tick = () => {
    if (i < frames.length) {
      let f = frames[i++];
      if (f.includes('@@ECHO@@')) f = f.replace('@@ECHO@@', JSON.stringify(lastQuery).slice(1, -1));
      if (m('legal-split-utf8')) {
        const buf = Buffer.from(f);
        const k = Math.max(1, Math.floor(buf.length / 2) + 1);
        out.write(buf.subarray(0, k));
        setTimeout(() => { out.write(buf.subarray(k)); setTimeout(tick, 3); }, 3);
        return;
      }
      out.write(f);
      setTimeout(tick, m('legal-slow-packets') ? 400 : 3);
    } else {
      if (m('legal-comment-after-stop')) out.write(': bye\n\n');
      if (m('held-open')) { const t = setTimeout(() => res.end(), 20000); res.on('close', () => clearTimeout(t)); return; }
      out.end();
    }
  };
  setTimeout(tick, m('legal-slow-start') ? 1000 : (m('race-echo') ? 30 : 1));
}

function servePlain(req, res, b) {
  if (m('plain-as-stream')) return serveStream(req, res, b);
  const parts = answerParts(b);
  const ids = citeIds(b);
  const followOn = (m('flags-swapped') ? b.enable_citation !== '0' : b.enable_followup !== '0') || m('followup-when-disabled');
  remember(b);
  const env = { ret: '0', msg: '', data: { msg_id: crypto.randomUUID(), answer_text: parts.join(''),
    ref_doc_list: ids.map((id) => ({ doc_id: id, doc_name: id + '.pdf' })), follow_up_list: followOn ? ['还有什么问题?'] : [],
    illegal_status: '0', extend_info: { ialgo_extend_info: { return_type: 'normal', doc_score: [] } } } };
  if (m('plain-ret-number')) env.ret = 0;
  if (m('plain-msg-ok')) env.msg = 'ok';
  if (m('plain-no-data')) { delete env.data; env.answer_text = parts.join(''); }
  if (m('plain-answer-text-number')) env.data.answer_text = 42;
  if (m('ret-padded')) env.ret = '0000';
  if (m('legal-extra-fields')) { env.request_id = crypto.randomUUID(); env.data.session_id = b.session_id || ''; }
  let ct = 'application/json';
  if (m('legal-plain-ct-text')) ct = 'text/plain; charset=utf-8';
  let body = m('legal-pretty-json') ? JSON.stringify(env, null, 4) : JSON.stringify(env);
  if (m('legal-unicode-escapes')) body = esc(body);
  if (m('legal-gzip') && /gzip/.test(req.headers['accept-encoding'] || '')) { const z = zlib.gzipSync(body); res.writeHead(200, { 'content-type': ct, 'content-encoding': 'gzip', 'content-length': z.length }); return res.end(z); }
  if (m('legal-header-case')) { res.writeHead(200, { 'Content-Type': 'Application/JSON; Charset=utf-8', 'Content-Length': Buffer.byteLength(body), Server: 'nginx' }); return res.end(body); }
  res.writeHead(200, { 'content-type': ct });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/v1/ctai/query_text_chat') { res.writeHead(404); return res.end(); }
  if (req.method !== 'POST') { res.writeHead(405); return res.end(); }
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    reqNo++; if (process.env.LOGREQ) console.error('REQ ' + raw);
    let b;
    try { b = JSON.parse(raw); } catch { return refuse(res, 'body is not JSON', false); }
    const streaming = b && b.stream === '1';
    const why = validate(b);
    if (why) {
      if (m('refused-remembered') && b && typeof b.query_text === 'string') remember(b);
      return refuse(res, why, streaming);
    }
    if (m('plain-stream-0-streams') && b.stream !== undefined) return serveStream(req, res, b);
    if (streaming) serveStream(req, res, b); else servePlain(req, res, b);
  });
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
