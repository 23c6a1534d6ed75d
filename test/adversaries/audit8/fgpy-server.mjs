// A faithful fastgpt-py server (000_a17f2b116e8d969e.txt) with one optional mutation: MUT=<name>.
// Extended by the tenth round's auditor with more mutations (see audit10/variants.mjs).
import http from 'node:http';
import zlib from 'node:zlib';
const esc = (t) => t.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
let globalStage = '1002';

const MUT = process.env.MUT || '';
const MUTS = new Set(MUT.split(','));
const m = (n) => MUTS.has(n);
const NAMES = { '0000': '结束通话', '0001': '转接人工', '0002': '语义无法识别转接人工', '0003': '有人伤转接人工', '1001': '未准备好通话', '1002': '通话中', '2000': '进入单车拍照' };
const sessions = new Map();
let globalHist = [];
let lastText = '';
const turns = new Map();
const lastStageBySession = new Map();

function stageFor(text) {
  if (m('stages-never-photo')) return '1002';
  if (m('stage-global')) { if (/拍好|照片/.test(text)) globalStage = '0000'; else if (/一辆车/.test(text)) globalStage = '2000'; return globalStage; }
  if (/拍好|照片/.test(text)) return '0000';
  if (/一辆车/.test(text)) return '2000';
  return '1002';
}

function validate(b) {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return 'body must be an object';
  if (typeof b.sessionId !== 'string' || !b.sessionId) return 'sessionId is required';
  if ((typeof b.timeStamp !== 'string' || !b.timeStamp) && !m('accept-no-timestamp')) return 'timeStamp is required';
  if (typeof b.text !== 'string') {
    if (m('accept-text-number') && typeof b.text === 'number') { b.text = String(b.text); return null; }
    return 'text must be a string';
  }
  return null;
}

function refuse(res, why, streaming) {
  if (m('refusal-500-html')) { res.writeHead(500, { 'content-type': 'text/plain' }); return res.end('Internal Server Error'); }
  if (m('refusal-500')) { res.writeHead(500, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ detail: why })); }
  if (streaming && m('refusal-stream-raw-json')) { res.writeHead(200, { 'content-type': 'text/event-stream' }); return res.end(JSON.stringify({ detail: [{ loc: ['body'], msg: why, type: 'value_error' }] })); }
  if (streaming && m('refusal-stream-done-only')) { res.writeHead(200, { 'content-type': 'text/event-stream' }); return res.end('event: done\ndata: {"status": "completed"}\n\n'); }
  if (streaming && (m('refusal-error-event-code-number') || m('refusal-error-event-no-code') || m('refusal-error-event-text') || m('legal-refusal-error-event') || m('legal-refusal-error-then-done') || m('refusal-error-event-then-text'))) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let data = JSON.stringify({ msg: why, code: '422' });
    if (m('refusal-error-event-code-number')) data = JSON.stringify({ msg: why, code: 422 });
    if (m('refusal-error-event-no-code')) data = JSON.stringify({ msg: why });
    if (m('refusal-error-event-text')) data = why;
    let s = `event: error\ndata: ${data}\n\n`;
    if (m('legal-refusal-error-then-done')) s += `event: done\ndata: {"status": "completed"}\n\n`;
    if (m('refusal-error-event-then-text')) s += `event: text_delta\ndata: {"text": "您好"}\n\n`;
    return res.end(s);
  }
  if (m('legal-refusal-400-error')) { res.writeHead(400, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ error: why })); }
  if (m('legal-refusal-400-msg')) { res.writeHead(400, { 'content-type': 'application/json' }); return res.end(JSON.stringify({ code: '400', msg: why })); }
  res.writeHead(422, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ detail: [{ loc: ['body'], msg: why, type: 'value_error' }] }));
}

function turn(b) {
  let hist;
  if (m('global-history')) hist = globalHist.slice();
  else hist = (sessions.get(b.sessionId) || []).slice();
  const code = stageFor(b.text);
  const pieces = ['您好,', '请问', '发生了', '什么', '情况?'];
  if (m('legal-many-deltas') || m('text-after-done-long')) for (let i = 0; i < 60; i++) pieces.push('字' + i);
  if (hist.length) pieces.push('您之前说:' + hist.join(' | '));
  globalHist.push(b.text);
  const h = sessions.get(b.sessionId) || []; h.push(b.text); sessions.set(b.sessionId, h);
  return { code, pieces };
}

function ev(name, obj) {
  let s = '';
  if (m('legal-id-lines')) s += `id: ${Math.random().toString(36).slice(2)}\n`;
  if (name !== null) s += `event: ${name}\n`;
  let data = typeof obj === 'string' ? obj : (m('legal-py-json') ? JSON.stringify(obj).replace(/","/g, '", "').replace(/":/g, '": ') : JSON.stringify(obj));
  if (m('legal-unicode-escapes') || m('legal-py-json')) data = esc(data);
  if (m('legal-multiline-data') && data.length > 10) { const k = data.indexOf(':') + 1; s += `data: ${data.slice(0, k)}\ndata: ${data.slice(k)}\n\n`; }
  else s += `data: ${data}\n\n`;
  if (m('legal-no-space')) s = s.replace(/(^|\n)(id|event|data): /g, '$1$2:');
  if (m('legal-crlf')) s = s.replace(/\n/g, '\r\n');
  if (m('legal-cr-only')) s = s.replace(/\n/g, '\r');
  if (m('legal-comments')) s = ': keep-alive\n\n' + s;
  return s;
}

function serveStream(res, b) {
  const { code, pieces } = turn(b);
  lastText = b.text;
  const tn = (turns.get(b.sessionId) || 0) + 1; turns.set(b.sessionId, tn);
  const prevStage = lastStageBySession.get(b.sessionId); lastStageBySession.set(b.sessionId, code);
  let ct = 'text/event-stream';
  if (m('stream-ct-json')) ct = 'application/json';
  if (m('legal-ct-charset')) ct = 'text/event-stream; charset=utf-8';
  res.writeHead(m('legal-status-201') ? 201 : 200, { 'content-type': ct, 'cache-control': 'no-cache' });
  const frames = [];
  let stage = { nextStageCode: code, nextStage: NAMES[code] };
  if (m('stage-code-number')) stage.nextStageCode = Number(code);
  if (m('stage-code-3-digits')) stage.nextStageCode = String(Number(code) || 0).padStart(3, '0').slice(-3);
  if (m('stage-code-5-digits')) stage.nextStageCode = '0' + code;
  if (m('stage-name-wrong')) stage.nextStage = code === '1002' ? '通话' : stage.nextStage;
  if (m('stage-name-swapped')) stage.nextStage = NAMES['0000'];
  if (m('stage-no-code')) delete stage.nextStageCode;
  if (m('stage-no-name')) delete stage.nextStage;
  if (m('stage-name-null')) stage.nextStage = null;
  if (m('stage-name-trailing-space')) stage.nextStage = stage.nextStage + ' ';
  if (m('stage-name-english') && code === '1002') stage.nextStage = 'in call';
  if (m('legal-unknown-stage')) stage = { nextStageCode: '3000', nextStage: '进入双车拍照' };
  const stageName = m('event-name-dash') ? 'stage-code' : 'stage_code';
  const deltaName = m('event-name-camel') ? 'textDelta' : 'text_delta';
  const doneName = m('event-name-upper-done') ? 'DONE' : 'done';
  const skipStage = m('legal-stage-only-on-change') && prevStage === code;
  if (!m('legal-stage-after-text') && !skipStage) frames.push(m('unnamed-events') ? ev(null, { event: 'stage_code', ...stage }) : ev(stageName, stage));
  let acc = '';
  pieces.forEach((t) => {
    acc += t;
    let d = { text: m('delta-cumulative') ? acc : t };
    if (m('delta-text-number')) d = { text: 1 };
    if (m('delta-key-content')) d = { content: t };
    if (m('delta-text-null')) d = { text: null };
    frames.push(m('unnamed-events') ? ev(null, { event: 'text_delta', ...d }) : ev(deltaName, d));
  });
  if (m('legal-stage-after-text')) frames.push(ev('stage_code', stage));
  if (m('race-echo') || m('legal-echo')) frames.push('@@ECHO@@');
  if (m('legal-stage-twice')) frames.push(ev('stage_code', stage));
  if (m('legal-extra-event')) frames.push(ev('usage', { tokens: 12 }));
  if (m('delta-not-json')) frames.splice(2, 0, ev('text_delta', '您好'));
  let done = { status: 'completed' };
  if (m('done-status-complete')) done = { status: 'complete' };
  if (m('done-empty')) done = {};
  if (m('done-status-uppercase')) done = { status: 'COMPLETED' };
  if (m('done-status-success-extra')) done = { status: 'success', completed: true };
  if (m('legal-done-extra-field')) done = { status: 'completed', elapsed_ms: 812 };
  if (m('error-mid-code-number')) frames.push(ev('error', { msg: '部分失败', code: 500 }));
  if (m('error-instead-of-done')) frames.push(ev('error', { msg: '工作流失败', code: '500' }));
  else if (m('no-done-later-turns') && tn >= 2) {}
  else if (!m('no-done')) frames.push(m('unnamed-events') ? ev(null, { event: 'done', ...done }) : ev(doneName, done));
  if (m('text-after-done') || m('text-after-done-long')) frames.push(ev('text_delta', { text: '再见' }));
  if (m('done-twice')) frames.push(ev('done', done));
  if (m('error-after-done')) frames.push(ev('error', { msg: '清理失败', code: '500' }));
  let i = 0;
  if (m('legal-one-write')) { setTimeout(() => { res.end(frames.map((f) => (f === '@@ECHO@@' ? ev('text_delta', { text: '(您说的是:' + b.text + ')' }) : f)).join('')); }, 5); return; }
  if (m('legal-byte-writes')) { const buf = Buffer.from(frames.map((f) => (f === '@@ECHO@@' ? '' : f)).join('')); let k = 0; const step = () => { if (k < buf.length) { res.write(buf.subarray(k, k + 1)); k++; setImmediate(step); } else res.end(); }; setTimeout(step, 1); return; }
  if (m('legal-slow-first-token')) { let n = 0; const ping = setInterval(() => res.write(': ping - ' + new Date().toISOString() + '\r\n\r\n'), 300); res.write(frames[i++]); setTimeout(() => { clearInterval(ping); tick(); }, 3000); }
  const tick = () => {
    if (i < frames.length) { let f = frames[i++]; if (f === '@@ECHO@@') f = ev('text_delta', { text: '(您说的是:' + (m('race-echo') ? lastText : b.text) + ')' }); res.write(f); setTimeout(tick, 3); return; }
    if (m('held-open')) { const t = setTimeout(() => res.end(), 20000); res.on('close', () => clearTimeout(t)); return; }
    res.end();
  };
  if (!m('legal-slow-first-token')) setTimeout(tick, m('race-echo') ? 30 : 1);
}

function servePlain(res, b) {
  const { code, pieces } = turn(b);
  let body = { nextStageCode: code, nextStage: NAMES[code], text: pieces.join('') };
  if (m('plain-code-number')) body.nextStageCode = Number(code);
  if (m('plain-stage-name-wrong')) body.nextStage = '通话';
  let out = JSON.stringify(body);
  if (m('plain-array')) out = JSON.stringify([body]);
  if (m('plain-sse')) { res.writeHead(200, { 'content-type': 'text/event-stream' }); return res.end(`event: text_delta\ndata: ${JSON.stringify({ text: body.text })}\n\nevent: done\ndata: {"status": "completed"}\n\n`); }
  if (m('legal-plain-wrapped')) out = JSON.stringify({ code: 0, data: body });
  if (m('legal-py-json') || m('legal-unicode-escapes')) out = esc(m('legal-py-json') ? JSON.stringify(JSON.parse(out), null, 2) : out);
  if (m('legal-gzip') && /gzip/.test(res.req.headers['accept-encoding'] || '')) { const z = zlib.gzipSync(out); res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': z.length, vary: 'Accept-Encoding' }); return res.end(z); }
  res.writeHead(200, { 'content-type': m('plain-ct-text') ? 'text/plain' : 'application/json' });
  res.end(out);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/chat') { res.writeHead(404, { 'content-type': 'application/json' }); return res.end('{"detail":"Not Found"}'); }
  if (req.method !== 'POST') { res.writeHead(405, { 'content-type': 'application/json' }); return res.end('{"detail":"Method Not Allowed"}'); }
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const q = url.searchParams.get('stream'); if (process.env.LOGREQ) console.error('REQ ' + req.url + ' ' + raw);
    let b;
    try { b = JSON.parse(raw); } catch { return refuse(res, 'body is not JSON', q === 'true' || q === '1'); }
    let streaming = q === 'true' || q === '1' || q === 'True';
    if (!m('stream-query-only') && b && b.stream === true) streaming = true;
    if (m('stream-false-streams') && (q !== null || (b && 'stream' in b))) streaming = true;
    const why = validate(b);
    if (why) {
      if (m('refused-remembered') && b && typeof b.sessionId === 'string' && typeof b.text === 'string') { const h = sessions.get(b.sessionId) || []; h.push(b.text); sessions.set(b.sessionId, h); }
      return refuse(res, why, streaming);
    }
    if (streaming) serveStream(res, b); else servePlain(res, b);
  });
});
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
