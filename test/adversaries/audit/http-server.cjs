// Independent test server for ctai (002) and fastgpt-py (000).
// Usage: VARIANT=name node http-server.cjs   -> prints the port on stdout.
// With AUDIT_LOG=<file>, requests are logged (one JSON line each) to that file.
'use strict';
const http = require('http');
const zlib = require('zlib');
const fs = require('fs');
const crypto = require('crypto');

const V = process.env.VARIANT || 'base';
const LOG = process.env.AUDIT_LOG;
if (LOG) fs.writeFileSync(LOG, '');
const log = (o) => LOG && fs.appendFileSync(LOG, JSON.stringify({ t: Date.now() % 100000, ...o }) + '\n');
const is = (...names) => names.includes(V);

// ---------------------------------------------------------------- transport
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// frames: array of strings; each is written as one write (unless byte mode)
async function sendStream(req, res, status, headers, frames, o = {}) {
  const eol = o.eol || '\n';
  frames = frames.map((f) => f.replace(/\n/g, eol));
  const gz = o.gzip && /gzip/.test(req.headers['accept-encoding'] || '');
  if (o.raw10) {
    // HTTP/1.0-style close-delimited body on the raw socket
    const s = req.socket;
    let h = `HTTP/1.0 ${status} OK\r\n`;
    for (const [k, v] of Object.entries(headers)) h += `${k}: ${v}\r\n`;
    h += 'Connection: close\r\n\r\n';
    s.write(h);
    for (const f of frames) { s.write(f); if (o.delay) await sleep(o.delay); }
    s.end();
    return;
  }
  if (gz) headers['Content-Encoding'] = 'gzip';
  if (o.contentLength) {
    let body = Buffer.from(frames.join(''));
    if (gz) body = zlib.gzipSync(body);
    headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    res.end(body);
    return;
  }
  if (o.close) headers['Connection'] = 'close';
  res.writeHead(status, headers);
  res.flushHeaders();
  let out = res;
  let z;
  if (gz) { z = zlib.createGzip(); z.pipe(res); out = z; }
  const w = (b) => { out.write(b); if (z) z.flush(); };
  if (o.firstDelay) await sleep(o.firstDelay);
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    if (o.bytewise) {
      const b = Buffer.from(f);
      for (let j = 0; j < b.length; j++) { w(b.subarray(j, j + 1)); await sleep(0); }
    } else if (o.splitUtf8) {
      const b = Buffer.from(f);
      // cut every 5 bytes, which falls inside 3-byte CJK characters
      for (let j = 0; j < b.length; j += 5) { w(b.subarray(j, j + 5)); await sleep(2); }
    } else w(f);
    if (o.delays && o.delays[i]) await sleep(o.delays[i]);
    else if (o.delay) await sleep(o.delay);
  }
  if (o.keepOpen) { await sleep(o.keepOpen); }
  if (o.destroy) { await sleep(20); req.socket.destroy(); return; }
  if (z) z.end(); else res.end();
}

function sendJson(req, res, status, obj, o = {}) {
  const body = Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj, null, o.indent));
  const h = { 'Content-Type': o.ctype || 'application/json', ...(o.headers || {}) };
  if (o.chunked) { res.writeHead(status, h); res.write(body.subarray(0, 3)); res.end(body.subarray(3)); return; }
  h['Content-Length'] = body.length;
  res.writeHead(status, h);
  res.end(body);
}

// ---------------------------------------------------------------- ctai
const LANGS = ['zh_CN', 'en_US', 'ko_KR', 'ja_JP', 'th_TH'];
const ctSessions = new Map(); // session_id -> [questions]
const globalHist = [];
let globalMsgId = 0;
const snBase = new Map();

function ctValidate(b) {
  if (b === null || typeof b !== 'object' || Array.isArray(b)) return 'body must be a JSON object';
  for (const [k, v] of Object.entries(b)) if (typeof v !== 'string') return `${k} must be a string`;
  if (typeof b.query_text !== 'string' || b.query_text === '') return 'query_text is required';
  if (b.session_id !== undefined) {
    const lim = is('ct-f-sessionid-off-by-one') ? 63 : 64;
    if (Buffer.byteLength(b.session_id) > lim) return 'session_id too long';
    if (!/^[0-9A-Za-z._-]*$/.test(b.session_id)) return 'session_id has illegal characters';
  }
  for (const f of ['enable_citation', 'enable_followup', 'enable_elaborate', 'stream'])
    if (b[f] !== undefined && !['0', '1'].includes(b[f])) return `${f} must be "0" or "1"`;
  if (b.smart_temp !== undefined && !is('ct-f-accept-temp42')) {
    if (!(is('ct-f-temp-0-9') ? /^[0-9]$/ : /^(10|[0-9])$/).test(b.smart_temp)) return 'smart_temp must be 0-10';
  }
  if (b.lang !== undefined && !LANGS.includes(b.lang) && !(is('ct-c-lang-en') && b.lang === 'en')) return 'lang not supported';
  if (b.category !== undefined && !['doc_chat', 'tpl_chat'].includes(b.category)) return 'bad category';
  if (b.ctprofile_id !== undefined && !['creator', 'writer'].includes(b.ctprofile_id)) return 'bad ctprofile_id';
  return null;
}

function newMsgId(req) {
  if (is('ct-f-msgid-per-request')) return `m${req._seq++}`;
  if (is('ct-c-uuid-ids')) return crypto.randomUUID();
  return `msg_${process.pid}_${++globalMsgId}`;
}

// split a string into chunks of n code points
function chunks(s, n) { const a = Array.from(s); const r = []; for (let i = 0; i < a.length; i += n) r.push(a.slice(i, i + n).join('')); return r; }

async function ctai(req, res, raw) {
  let b;
  try { b = JSON.parse(raw); } catch (e) { b = undefined; }
  let streaming = b && typeof b === 'object' && b.stream === '1';
  if (is('ct-f-stream-by-accept')) streaming = /text\/event-stream/.test(req.headers.accept || '');
  log({ proto: 'ctai', headers: req.headers, body: raw.slice(0, 500) });
  const err = b === undefined ? 'body is not JSON' : ctValidate(b);
  if (err) {
    if (is('ct-f-refusal-recorded') && b && b.session_id && typeof b.query_text === 'string') {
      const h = ctSessions.get(b.session_id) || []; h.push(b.query_text); ctSessions.set(b.session_id, h);
    }
    if (streaming && (is('ct-c-stream-refusal-packet') || is('ct-f-stream-refusal-nomsg') || is('ct-c-stream-refusal-packet-stop'))) {
      const pk = { ret: '40001', msg: is('ct-f-stream-refusal-nomsg') ? '' : err, data: { msg_id: newMsgId(req), msg_sn: '0', event: '', answer_text: '' } };
      const frames = [`id: ${pk.data.msg_id}\ndata: ${JSON.stringify(pk)}\n\n`];
      if (is('ct-c-stream-refusal-packet-stop')) {
        const st = { ret: '40001', msg: err, data: { msg_id: newMsgId(req), msg_sn: '1', event: 'stop', answer_text: '' } };
        frames.push(`id: ${st.data.msg_id}\ndata: ${JSON.stringify(st)}\n\n`);
      }
      return sendStream(req, res, 200, { 'Content-Type': 'text/event-stream' }, frames);
    }
    if (is('ct-c-refuse-http400')) return sendJson(req, res, 400, { ret: '400', msg: err });
    if (is('ct-c-refuse-422-plain')) return sendJson(req, res, 422, `invalid request: ${err}`, { ctype: 'text/plain' });
    return sendJson(req, res, 200, { ret: '10001', msg: err, data: {} });
  }
  let sid = b.session_id;
  if (is('ct-f-nosession-shared') && !sid) sid = 'default';
  if (is('ct-f-sid-truncate') && sid) sid = sid.slice(0, 14);
  let hist;
  if (is('ct-f-session-leak')) hist = globalHist;
  else if (sid) { hist = ctSessions.get(sid) || []; ctSessions.set(sid, hist); } else hist = [];
  // the answer: echo the question, and mention the earlier questions of the session (multi-turn memory)
  let answer = `您好,您问的是「${b.query_text}」。`;
  if (hist.length) answer += ` 之前您问过: ${hist.join(' / ')}。`;
  if (is('ct-f-session-leak-split')) {
    // leak other sessions' questions (global), but split so every packet has only a few chars
    if (globalHist.length) answer += ` 之前您问过: ${globalHist.join(' / ')}。`;
  }
  hist.push(b.query_text);
  if (is('ct-f-session-leak-split') && hist !== globalHist) globalHist.push(b.query_text);
  if (hist !== globalHist && is('ct-f-session-leak')) { /* noop */ }

  const cite = b.enable_citation !== '0' || is('ct-f-citations-when-off-stop');
  const follow = b.enable_followup !== '0';
  const docs = b.ctdoc_id ? b.ctdoc_id.split(',') : ['doc_all_1', 'doc_all_2'];
  const docObj = (d) => (is('ct-c-ref-strings') ? d : { doc_id: d, doc_name: `${d}.pdf`, score: '0.9' });
  let stopDocs = docs.map(docObj);
  if (is('ct-f-citation-scope') && b.ctdoc_id) stopDocs = stopDocs.concat([docObj('other_doc_zz')]);
  const followUps = ['2路汽车几点发车?', '票价多少?'];

  if (is('ct-f-leak-followup')) { followUps.push(`您的车牌号是${(globalHist[0] || '').replace(/\D*?(cw[0-9a-z]+).*/, '$1')}吗?`); }
  if (is('ct-f-leak-plain-only') && !streaming && globalHist.length) answer += ` (最近: ${globalHist.join(' / ')})`;
  if ((is('ct-f-leak-followup') || is('ct-f-leak-plain-only')) && hist !== globalHist) globalHist.push(b.query_text);
  if (!streaming) {
    if (is('ct-f-plain-as-sse')) {
      const pk = { ret: '0', msg: '', data: { msg_id: newMsgId(req), msg_sn: '0', event: 'stop', answer_text: answer } };
      return sendStream(req, res, 200, { 'Content-Type': 'text/event-stream' }, [`data: ${JSON.stringify(pk)}\n\n`]);
    }
    let data = { msg_id: newMsgId(req), answer_text: answer, ref_doc_list: cite ? stopDocs : [], follow_up_list: follow ? followUps : [], illegal_status: '0', extend_info: { ialgo_extend_info: { return_type: 'normal', doc_score: [] } } };
    if (is('ct-c-minimal')) data = { msg_id: data.msg_id, answer_text: answer };
    let env = { ret: '0', msg: '', data };
    if (is('ct-f-plain-not-object')) env = [env];
    if (is('ct-f-plain-ret-number')) env.ret = 0;
    if (is('ct-c-extra-fields')) env = { trace_id: 'abc', data, msg: '', ret: '0', cost_ms: 12 };
    if (is('ct-f-plain-no-data')) env = { ret: '0', msg: '' };
    if (is('ct-c-html-ctype')) return sendJson(req, res, 200, env, { ctype: 'text/html; charset=utf-8' });
    return sendJson(req, res, 200, env, { ctype: is('ct-c-charset') ? 'application/json; charset=UTF-8' : 'application/json', indent: is('ct-c-extra-fields') ? 2 : undefined, chunked: is('ct-c-extra-fields') });
  }

  // ---- streaming
  req._seq = 0;
  if (is('ct-f-hang') && hist.length >= 2) return; // never answer the second turn of a session
  if (is('ct-f-doc-example-literal') || is('ct-c-doc-example-unique')) {
    const u = is('ct-c-doc-example-unique') ? '_' + (++globalMsgId) : '';
    const ex = `id: test_id_1${u}\ndata: {"ret":"0","data":{"msg_id":"test_id_1${u}","msg_sn":"0","event":"","answer_text":"你"}}\n\nid: test_id_2${u}\ndata: {"ret":"0","data":{"msg_id":"test_id_2${u}","msg_sn":"1","event":"","answer_text":"好"}}\n\nid: test_id_3${u}\ndata: {"ret":"0","data":{"msg_id":"test_id_3${u}","msg_sn":"2","event":"stop","answer_text":""}}\n\n`;
    return sendStream(req, res, 200, { 'Content-Type': 'text/event-stream' }, [ex]);
  }
  if (is('ct-f-always-error')) {
    const pk = { ret: '50001', msg: 'model service unavailable', data: { msg_id: newMsgId(req), msg_sn: '0', event: '', answer_text: '' } };
    return sendStream(req, res, 200, { 'Content-Type': 'text/event-stream' }, [`id: ${pk.data.msg_id}\ndata: ${JSON.stringify(pk)}\n\n`]);
  }
  const pieces = chunks(answer, is('ct-c-one-char') ? 1 : 4);
  const packets = [];
  pieces.forEach((t, i) => {
    const d = { msg_id: newMsgId(req), msg_sn: String(i), event: '', answer_text: t, ref_doc_list: [], follow_up_list: [], illegal_status: '0', extend_info: {} };
    if (i === 1 && cite) d.ref_doc_list = [docObj(docs[0])];
    packets.push({ ret: '0', msg: '', data: d });
  });
  const stop = { ret: '0', msg: '', data: { msg_id: newMsgId(req), msg_sn: String(pieces.length), event: 'stop', answer_text: '', ref_doc_list: cite ? stopDocs : [], follow_up_list: follow ? followUps : [], illegal_status: '0', extend_info: { ialgo_extend_info: { return_type: 'normal', doc_score: [{ doc_id: docs[0], score: '1.233' }] } } } };
  packets.push(stop);

  // -------- mutations
  if (is('ct-c-minimal')) packets.forEach((p) => { p.data = { msg_id: p.data.msg_id, msg_sn: p.data.msg_sn, event: p.data.event, answer_text: p.data.answer_text, ...(p.data.ref_doc_list.length ? { ref_doc_list: p.data.ref_doc_list } : {}) }; delete p.msg; });
  if (is('ct-f-sn-from-1')) packets.forEach((p, i) => (p.data.msg_sn = String(i + 1)));
  if (is('ct-f-sn-gap')) packets.forEach((p, i) => (p.data.msg_sn = String(i >= 3 ? i + 1 : i)));
  if (is('ct-f-sn-repeat-last')) packets[packets.length - 1].data.msg_sn = packets[packets.length - 2].data.msg_sn;
  if (is('ct-f-sn-number-last')) packets[packets.length - 1].data.msg_sn = packets.length - 1;
  if (is('ct-f-sn-padded')) packets.forEach((p, i) => (p.data.msg_sn = i === packets.length - 1 ? String(i).padStart(2, '0') : String(i)));
  if (is('ct-f-no-stop')) packets.pop();
  if (is('ct-f-after-stop')) packets.push({ ret: '0', msg: '', data: { msg_id: newMsgId(req), msg_sn: String(packets.length), event: '', answer_text: '' } });
  if (is('ct-f-two-stops')) packets.push({ ret: '0', msg: '', data: { ...stop.data, msg_id: newMsgId(req), msg_sn: String(packets.length) } });
  if (is('ct-f-stop-text')) stop.data.answer_text = '。';
  if (is('ct-f-dup-msgid')) packets[2].data.msg_id = packets[1].data.msg_id;
  if (is('ct-f-msg-nonempty')) packets[packets.length - 1].msg = 'success';
  if (is('ct-f-ret-number-one')) packets[1].ret = 0;
  if (is('ct-f-refdoc-object-stop')) stop.data.ref_doc_list = { list: stopDocs };
  if (is('ct-f-citations-when-off-stop') && b.enable_citation === '0') packets.forEach((p) => { if (p.data.event !== 'stop') p.data.ref_doc_list = []; });
  if (is('ct-f-turn2-no-stop') && hist.length >= 2) packets.pop();
  if (is('ct-c-stop-no-answer-field')) delete stop.data.answer_text;
  if (is('ct-c-stop-no-cites')) stop.data.ref_doc_list = [];
  if (is('ct-f-scope-middle') && b.ctdoc_id) packets[0].data.ref_doc_list = [docObj('zz_other')];
  if (is('ct-f-followup-when-off') && b.enable_followup === '0') stop.data.follow_up_list = ['票价多少?'];
  if (is('ct-c-midstream-error')) { packets.pop(); packets.push({ ret: '50001', msg: 'LLM timeout', data: { msg_id: newMsgId(req), msg_sn: String(packets.length), event: '', answer_text: '' } }); }
  if (is('ct-f-sn-session-wide')) { const base = (snBase.get(sid) || 0); packets.forEach((p, i) => (p.data.msg_sn = String(base + i))); snBase.set(sid, base + packets.length); }
  if (is('ct-f-stop-event-case')) stop.data.event = 'STOP';
  if (is('ct-f-mid-event-null')) packets[0].data.event = null;
  if (is('ct-c-stop-first-field')) packets.forEach((p) => { p.data = { event: p.data.event, answer_text: p.data.answer_text, msg_sn: p.data.msg_sn, msg_id: p.data.msg_id, ...p.data, x_unknown: { a: 1 } }; });

  const frames = packets.map((p) => {
    let js = JSON.stringify(p);
    if (is('ct-f-data-array')) js = p === stop ? JSON.stringify([p]) : js;
    let f = '';
    if (is('ct-c-comments')) f += ': keep-alive\n';
    if (is('ct-c-event-message')) f += 'event: message\n';
    if (is('ct-c-sse-event-stop') && p.data.event === 'stop') f += 'event: stop\n';
    if (!is('ct-c-no-id') && !is('ct-c-id-after-data')) f += `id: ${is('ct-c-id-differs') ? 'pkt-' + p.data.msg_sn : p.data.msg_id}\n`;
    if (is('ct-c-multiline-data')) {
      const pretty = JSON.stringify(p, null, 1);
      f += pretty.split('\n').map((l) => `data: ${l}`).join('\n') + '\n';
    } else if (is('ct-c-data-nospace')) f += `data:${js}\n`;
    else f += `data: ${js}\n`;
    if (is('ct-c-id-after-data')) f += `id: ${p.data.msg_id}\n`;
    return f + '\n';
  });
  if (is('ct-f-stop-no-blank')) { const i = frames.length - 1; frames[i] = frames[i].replace(/\n\n$/, '\n'); }
  if (is('ct-f-stop-no-eol')) { const i = frames.length - 1; frames[i] = frames[i].replace(/\n\n$/, ''); }
  if (is('ct-c-bom')) frames[0] = '\ufeff' + frames[0];
  if (is('ct-c-comments')) frames.unshift('retry: 3000\n: connected\n\n');
  const o = {};
  if (is('ct-c-crlf-bytewise')) { o.eol = '\r\n'; o.bytewise = true; }
  if (is('ct-c-cr-split')) { o.eol = '\r'; o.splitUtf8 = true; }
  if (is('ct-c-slow')) o.delay = 200;
  if (is('ct-c-long-pause')) { o.delays = {}; o.delays[frames.length - 2] = 4000; o.firstDelay = 3000; }
  if (is('ct-c-raw10')) o.raw10 = true;
  if (is('ct-c-one-write')) o.contentLength = true;
  if (is('ct-c-gzip')) o.gzip = true;
  if (is('ct-c-close')) o.close = true;
  if (is('ct-f-keep-open')) o.keepOpen = 6000;
  if (is('ct-c-close-lag')) o.keepOpen = 1200;
  if (is('ct-x-destroy-after-stop')) o.destroy = true;
  if (is('ct-f-keep-open-short')) o.keepOpen = 2600;
  let ctype = 'text/event-stream';
  if (is('ct-c-charset')) ctype = 'text/event-stream; charset=utf-8';
  if (is('ct-f-ctype-plain')) ctype = 'text/plain; charset=utf-8';
  if (is('ct-c-comments')) {
    // heartbeat comment lines between packets
    for (let i = frames.length - 1; i > 0; i--) frames.splice(i, 0, ': ping\n\n');
  }
  if (is('ct-c-comment-after-stop')) frames.push(': end of stream\n\n\n\n');
  if (is('ct-f-empty-data-after-stop')) frames.push('data: \n\n');
  const hdrs = { 'Content-Type': ctype, 'Cache-Control': 'no-cache' };
  return sendStream(req, res, 200, hdrs, frames, o);
}

// ---------------------------------------------------------------- fastgpt-py
const STAGES = { '0000': '结束通话', '0001': '转接人工', '0002': '语义无法识别转接人工', '0003': '有人伤转接人工', '1001': '未准备好通话', '1002': '通话中', '2000': '进入单车拍照' };
const fgSessions = new Map();
const fgGlobal = [];
let fpCur = '';
const fgGlobalTurns = [];
let fpCurSid = '';

function fgValidate(b) {
  if (b === null || typeof b !== 'object' || Array.isArray(b)) return 'body must be an object';
  for (const f of ['sessionId', 'timeStamp', 'text']) {
    if (b[f] === undefined) return `${f} is required`;
    if (typeof b[f] !== 'string') {
      if (is('fp-f-coerce-text') && f === 'text' && typeof b[f] === 'number') { b[f] = String(b[f]); continue; }
      return `${f} must be a string`;
    }
  }
  return null;
}

function nextStage(sessHist, text) {
  // accident-report call: first turn in call, photo step once the accident was told, end when the user says goodbye
  if (/再见|结束|挂|bye|拍好/i.test(text)) return '0000';
  if (/受伤|人伤/.test(text) && !/没有人受伤|没人受伤/.test(text)) return '0003';
  if (/拍照|照片|单车|车辆/.test(text) || sessHist.length >= 2) return '2000';
  return '1002';
}

function sse(ev, data, eol) {
  return `event: ${ev}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

async function fastgptPy(req, res, raw, url) {
  let b;
  try { b = JSON.parse(raw); } catch (e) { b = undefined; }
  const q = url.searchParams.get('stream');
  let streaming = q === 'true' || (b && typeof b === 'object' && b.stream === true);
  if (is('fp-c-query-only')) streaming = q === 'true';
  if (is('fp-f-stream-by-accept')) streaming = /text\/event-stream/.test(req.headers.accept || '');
  if (is('fp-c-body-only')) streaming = !!(b && b.stream === true);
  log({ proto: 'fastgpt-py', url: req.url, headers: req.headers, body: raw.slice(0, 500) });
  let err = b === undefined ? 'body is not valid JSON' : fgValidate(b);
  if ((is('fp-f-accept-missing-ts') || is('fp-f-accept-missing-ts-msg')) && err === 'timeStamp is required') err = null;
  if (err) {
    if (is('fp-f-refusal-recorded') && b && typeof b.sessionId === 'string' && b.text !== undefined) {
      const h = fgSessions.get(b.sessionId) || []; h.push(String(b.text)); fgSessions.set(b.sessionId, h);
    }
    if (!streaming && is('fp-c-refuse-200-json')) return sendJson(req, res, 200, { code: '400', msg: err });
    if (streaming && !is('fp-c-refuse-422')) {
      const frames = [];
      let e = { msg: err, code: is('fp-f-error-code-number') ? 400 : '400' };
      if (is('fp-f-error-no-msg')) e = { message: err, code: '400' };
      frames.push(sse('error', e));
      if (is('fp-c-error-then-done')) frames.push(sse('done', { status: 'completed' }));
      return sendStream(req, res, 200, { 'Content-Type': 'text/event-stream' }, frames);
    }
    // FastAPI/pydantic style refusal
    return sendJson(req, res, 422, { detail: [{ type: 'missing', loc: ['body', 'text'], msg: err, input: null }] });
  }
  let raceSid = b.sessionId;
  if (is('fp-f-race2')) { fpCurSid = b.sessionId; await sleep(5); raceSid = fpCurSid; }
  const hist = is('fp-f-race2') ? (fgSessions.get(raceSid) || []) : is('fp-f-session-leak') || is('fp-f-session-leak-split') ? fgGlobal : (fgSessions.get(b.sessionId) || []);
  if (!fgSessions.has(b.sessionId)) fgSessions.set(b.sessionId, hist);
  let code = nextStage(is('fp-f-global-turns') ? fgGlobalTurns : hist, b.text);
  fgGlobalTurns.push(b.text);
  let echo = b.text;
  if (is('fp-f-race')) { fpCur = b.text; await sleep(150); echo = fpCur; }
  let text = `您好,收到「${echo}」。`;
  if (is('fp-f-leak-plain-only') && !streaming && fgGlobal.length) text += `(最近: ${fgGlobal.join(' / ')})`;
  if (is('fp-f-leak-plain-only')) fgGlobal.push(b.text);
  if (hist.length) text += `您之前说过: ${hist.join(' / ')}。`;
  if (code === '2000') text += '请拍摄车辆照片。';
  if (code === '0000') text += '感谢来电,再见。';
  hist.push(b.text);

  if (!streaming) {
    let body = { nextStageCode: code, nextStage: STAGES[code], text };
    if (is('fp-f-accept-missing-ts-msg')) body = { code: '200', msg: 'success', ...body };
    if (is('fp-c-plain-extra')) body = { sessionId: b.sessionId, text, nextStage: STAGES[code], nextStageCode: code, timeStamp: new Date().toISOString(), done: true };
    if (is('fp-c-plain-minimal')) body = { reply: text };
    if (is('fp-f-plain-array')) body = [body];
    if (is('fp-f-plain-string')) body = JSON.stringify(text);
    if (is('fp-f-plain-code-number') && true) body.nextStageCode = Number(code);
    return sendJson(req, res, 200, is('fp-f-plain-string') ? body : body, { ctype: is('fp-f-plain-ctype-text') ? 'text/plain' : is('fp-c-plain-charset') ? 'application/json; charset=utf-8' : 'application/json' });
  }
  // ---- stream
  const ev = [];
  if (is('fp-f-always-error')) return sendStream(req, res, 200, { 'Content-Type': 'text/event-stream' }, [sse('error', { msg: 'FastGPT workflow unavailable', code: '503' })]);
  let stage = { nextStageCode: code, nextStage: STAGES[code] };
  if (is('fp-f-code-number')) stage.nextStageCode = Number(code);
  if (is('fp-f-code-3digit')) stage.nextStageCode = code.slice(1);
  if (is('fp-f-stage-wrong-name')) stage.nextStage = STAGES[code === '1002' ? '0000' : '1002'];
  if (is('fp-c-unknown-stage')) stage = { nextStageCode: '3001', nextStage: '进入双车拍照' };
  if (!is('fp-c-no-stage')) ev.push(['stage_code', stage]);
  if (is('fp-c-unknown-event')) ev.push(['heartbeat', { ts: Date.now() }]);
  let parts = chunks(text, is('fp-c-tiny-deltas') ? 1 : 5);
  if (is('fp-c-tiny-deltas')) parts = [''].concat(parts);
  parts.forEach((p) => ev.push(['text_delta', { text: p }]));
  if (is('fp-c-no-text-on-end') && (code === '0000')) { for (let i = ev.length - 1; i >= 0; i--) if (ev[i][0] === 'text_delta') ev.splice(i, 1); }
  if (is('fp-c-midstream-error')) { ev.push(['error', { msg: 'FastGPT workflow timeout', code: '504' }]); }
  if (is('fp-c-stage-late')) { ev.push(ev.shift()); }
  if (is('fp-f-delta-number-last')) ev[ev.length - 1][1] = { text: 7 };
  if (is('fp-f-stage-no-name')) delete stage.nextStage;
  if (is('fp-f-code-whitespace')) stage.nextStageCode = code + ' ';
  if (is('fp-f-end-name') && code === '0000') stage.nextStage = '结束';
  if (is('fp-c-midstream-error') || is('fp-f-no-done') || (is('fp-f-no-done-on-end') && code === '0000')) { /* nothing */ } else if (is('fp-f-done-status')) ev.push(['done', { status: 'complete' }]);
  else if (is('fp-c-done-extra')) ev.push(['done', { sessionId: b.sessionId, status: 'completed', elapsed: 0.42 }]);
  else ev.push(['done', { status: 'completed' }]);
  if (is('fp-f-after-done')) ev.push(['text_delta', { text: '还有' }]);
  if (is('fp-f-two-done')) ev.push(['done', { status: 'completed' }]);
  if (is('fp-f-event-name')) ev.forEach((e) => { if (e[0] === 'text_delta') e[0] = 'textDelta'; });
  if (is('fp-f-data-not-object')) ev.forEach((e) => { if (e[0] === 'done') e[1] = '"completed"'; });

  const eol = is('fp-c-starlette') ? '\r\n' : '\n';
  let frames = ev.map(([n, d]) => {
    let js = typeof d === 'string' ? d : JSON.stringify(d);
    if (is('fp-c-starlette') || is('fp-c-ascii-json')) js = js.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    if (is('fp-c-starlette')) js = js.replace(/,"/g, ', "').replace(/":/g, '": ');
    if (is('fp-c-data-first')) return `data: ${js}\nevent: ${n}\n\n`;
    return `event: ${n}\ndata: ${js}\n\n`;
  });
  if (is('fp-f-event-trailing-space')) frames = frames.map((f) => f.replace('event: done\n', 'event: done \n'));
  if (is('fp-f-two-data-lines')) { const i = frames.findIndex((f) => f.startsWith('event: text_delta')); frames[i] = frames[i].replace(/\n\n$/, '\ndata: {"text": "。"}\n\n'); }
  if (is('fp-f-no-blank-between')) { const i = frames.length - 2; frames[i] = frames[i].replace(/\n\n$/, '\n'); }
  if (is('fp-f-done-no-blank')) { const i = frames.length - 1; frames[i] = frames[i].replace(/\n\n$/, '\n'); }
  if (is('fp-f-done-no-eol')) { const i = frames.length - 1; frames[i] = frames[i].replace(/\n\n$/, ''); }
  if (is('fp-c-comment-after-done')) frames.push(': stream closed\n\n');
  if (is('fp-c-bom')) frames[0] = '\ufeff' + frames[0];
  if (is('fp-c-multiline')) frames = ev.map(([n, d]) => `event: ${n}\n` + JSON.stringify(d, null, 2).split('\n').map((l) => `data: ${l}`).join('\n') + '\n\n');
  if (is('fp-c-starlette')) frames = frames.flatMap((f, i) => (i % 2 ? [': ping - 2025-11-08 10:00:00.000000+00:00\n\n', f] : [f]));
  const o = { eol };
  if (is('fp-c-slow')) o.delay = 200;
  if (is('fp-c-long-first')) o.firstDelay = 5000;
  if (is('fp-c-raw10')) o.raw10 = true;
  if (is('fp-c-bytewise')) o.bytewise = true;
  if (is('fp-c-gzip')) o.gzip = true;
  if (is('fp-f-keep-open')) o.keepOpen = 6000;
  if (is('fp-f-stall') && hist.length >= 2) { frames = frames.slice(0, 3); o.keepOpen = 600000; }
  if (is('fp-c-close-lag')) o.keepOpen = 1200;
  let ctype = 'text/event-stream; charset=utf-8';
  if (is('fp-f-ctype-json')) ctype = 'application/json';
  const hdrs = { 'content-type': ctype, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };
  return sendStream(req, res, 200, hdrs, frames, o);
}

// ---------------------------------------------------------------- server
const server = http.createServer((req, res) => {
  const chunksIn = [];
  req.on('data', (c) => chunksIn.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunksIn).toString('utf8');
    const url = new URL(req.url, 'http://x');
    const p = (fn) => fn.catch((e) => { console.error(e); try { res.destroy(); } catch (_) {} });
    if (req.method === 'POST' && url.pathname === '/v1/ctai/query_text_chat') return p(ctai(req, res, raw));
    if (req.method === 'POST' && url.pathname === '/chat') return p(fastgptPy(req, res, raw, url));
    log({ unknown: req.method + ' ' + req.url });
    sendJson(req, res, 404, { detail: 'Not Found' });
  });
});
if (V.endsWith('-noka')) server.keepAliveTimeout = 1;
server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
