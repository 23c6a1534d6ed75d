// A configurable ctai server (002_cba551f1a5d093b7.txt), written from the document only.
import http from 'node:http';
import zlib from 'node:zlib';
import crypto from 'node:crypto';

const LANGS = ['zh_CN', 'en_US', 'ko_KR', 'ja_JP', 'th_TH'];
const DOCS = ['doc_bus', 'doc_metro', 'doc_taxi'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function validate(body, o) {
  // returns an error message, or null
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'body must be a JSON object';
  const str = (k) => body[k] === undefined || typeof body[k] === 'string';
  for (const k of Object.keys(body)) if (!str(k)) return `${k} must be a string`;
  if (typeof body.query_text !== 'string' || body.query_text === '') return 'query_text is required';
  if (body.session_id !== undefined && !o.noSessionCheck) {
    if (Buffer.byteLength(body.session_id) > 64) return 'session_id is over 64 bytes';
    if (!/^[0-9A-Za-z._-]*$/.test(body.session_id)) return 'session_id may hold only digits, letters and -_.';
  }
  for (const k of ['enable_citation', 'enable_followup', 'enable_elaborate', 'stream'])
    if (body[k] !== undefined && !['0', '1'].includes(body[k])) return `${k} must be "0" or "1"`;
  if (body.smart_temp !== undefined && !o.noSmartTempCheck) {
    if (!/^(10|[0-9])$/.test(body.smart_temp)) return 'smart_temp must be 0-10';
  }
  if (body.lang !== undefined && !o.noLangCheck && !LANGS.includes(body.lang)) return `lang must be one of ${LANGS.join(', ')}`;
  if (body.category !== undefined && !['doc_chat', 'tpl_chat'].includes(body.category)) return 'category must be doc_chat or tpl_chat';
  if (body.ctprofile_id !== undefined && !['creator', 'writer'].includes(body.ctprofile_id)) return 'ctprofile_id must be creator or writer';
  return null;
}

let seq = 0;
// json.dumps(obj) as Python writes it by default: ", " and ": " separators, non-ASCII as \uXXXX
export function pyDumps(v) {
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
    .replace(/("(?:[^"\\]|\\.)*")|([,:])/g, (m, str, sep) => str ?? (sep === ',' ? ', ' : ': '));
}
export function makeCtai(o = {}) {
  const sessions = new Map(); // session_id -> list of questions
  const globalHistory = [];
  const eol = o.eol ?? '\n';

  function answerParts(body) {
    let text = o.answerText ?? '你好，2路汽车在火车站北广场乘坐。';
    const sid = body.session_id ?? o.defaultSession;
    const hist = o.sessionLeak ? globalHistory : sid ? sessions.get(sid) ?? [] : [];
    if (o.echoHistory && hist.length) text = `（上一轮：${hist[hist.length - 1]}）` + text;
    const parts = [];
    const n = o.chunk ?? 4;
    for (let i = 0; i < [...text].length; i += n) parts.push([...text].slice(i, i + n).join(''));
    return parts;
  }
  function remember(body) {
    const sid = body.session_id ?? o.defaultSession;
    globalHistory.push(body.query_text);
    if (sid) {
      if (!sessions.has(sid)) sessions.set(sid, []);
      sessions.get(sid).push(body.query_text);
    }
  }
  function docsFor(body) {
    if (body.enable_citation === '0' && !o.ignoreCitationOff) return [];
    let pool = DOCS;
    if (body.ctdoc_id && !o.ignoreScope) pool = body.ctdoc_id.split(',').map((s) => s.trim()).filter(Boolean);
    return pool.slice(0, 2);
  }
  const docItem = (d) => (o.refDocStrings ? d : { doc_id: d, doc_name: `${d}.pdf`, page: '3' });
  function follow(body) {
    if (body.enable_followup === '0' && !o.ignoreCitationOff) return [];
    return ['首班车几点发车？', '票价多少？'];
  }
  const newId = () => (o.uuidIds ? crypto.randomUUID() : `m${process.pid}_${Date.now().toString(36)}_${++seq}`);

  function buildPackets(body) {
    const parts = answerParts(body);
    const docs = docsFor(body);
    const pkts = parts.map((t, i) => ({
      ret: '0',
      msg: '',
      data: {
        msg_id: newId(),
        msg_sn: String(i),
        event: '',
        answer_text: t,
        ref_doc_list: i === 1 ? docs.map(docItem) : [],
        follow_up_list: [],
        illegal_status: '0',
        extend_info: { ialgo_extend_info: { return_type: 'llm_return', doc_score: docs.map((d) => ({ doc_id: d, score: '1.233' })) } },
      },
    }));
    pkts.push({
      ret: '0',
      msg: '',
      data: {
        msg_id: newId(),
        msg_sn: String(parts.length),
        event: 'stop',
        answer_text: '',
        ref_doc_list: docs.map(docItem),
        follow_up_list: follow(body),
        illegal_status: '0',
        extend_info: {},
      },
    });
    if (o.minimal) for (const p of pkts) { delete p.msg; for (const k of ['ref_doc_list', 'follow_up_list', 'illegal_status', 'extend_info']) delete p.data[k]; }
    if (o.extraFields) for (const p of pkts) { p.trace_id = crypto.randomUUID(); p.data.created = Date.now(); p.data.usage = { tokens: 3 }; p.data.extend_info.x_debug = { node: 'a' }; }
    return o.mutatePackets ? o.mutatePackets(pkts, body) : pkts;
  }

  function encodeEvent(p, i, last) {
    const json = o.multiline ? JSON.stringify(p, null, 2) : o.pythonJson ? pyDumps(p) : JSON.stringify(p);
    const sp = o.noSpace ? '' : ' ';
    let s = '';
    if (o.comments) s += `: keep-alive ${i}${eol}`;
    if (o.retry && i === 0) s += `retry:${sp}3000${eol}`;
    if (o.idLine !== false) s += `id:${sp}${o.idOf ? o.idOf(p, i) : p.data?.msg_id ?? i}${eol}`;
    if (o.eventLine) s += `event:${sp}${o.eventLine}${eol}`;
    for (const line of json.split('\n')) s += `data:${sp}${line}${eol}`;
    if (!(last && o.noTrailingBlank)) s += eol;
    return s;
  }

  async function writeOut(req, res, status, headers, chunks, sse = true) {
    // chunks: array of strings (each one logical write)
    const gz = o.gzip && /gzip/.test(req.headers['accept-encoding'] ?? '');
    if (gz) headers['content-encoding'] = 'gzip';
    if (o.connClose) headers['connection'] = 'close';
    if (o.contentLength && !gz) {
      const buf = Buffer.from((o.bom && sse ? '\ufeff' : '') + chunks.join(''));
      headers['content-length'] = buf.length;
      res.writeHead(status, headers);
      res.end(buf);
      return;
    }
    let sink = res;
    if (o.rawSocket && sse) {
      // HTTP/1.1 answer delimited by closing the connection: no Content-Length, no chunking
      const sock = res.socket; res.detachSocket?.(sock);
      sock.write(`HTTP/1.1 ${status} OK\r\n` + Object.entries({ ...headers, connection: 'close' }).map(([k, v]) => `${k}: ${v}`).join('\r\n') + '\r\n\r\n');
      sink = { write: (b) => sock.write(b), end: () => sock.end() };
    } else {
      res.writeHead(status, headers);
      if (o.flushHeadersFirst) res.flushHeaders();
    }
    let gzip;
    if (gz) { gzip = zlib.createGzip(); gzip.pipe(res); sink = gzip; }
    const write = async (s) => {
      const buf = Buffer.isBuffer(s) ? s : Buffer.from(s);
      if (o.splitBytes) {
        for (let k = 0; k < buf.length; k += o.splitBytes) { sink.write(buf.subarray(k, k + o.splitBytes)); if (gz) gzip.flush(); await new Promise((r) => setImmediate(r)); }
      } else { sink.write(buf); if (gz) gzip.flush(); }
    };
    if (o.bom && sse) await write('\ufeff');
    if (o.leadingComment && sse) await write(`:${' '.repeat(2048)}${eol}${eol}`);
    if (o.preDelayHeartbeats && sse) for (let k = 0; k < o.preDelayHeartbeats; k++) { await write(`:${eol}${eol}`); await sleep(100); }
    if (o.coalesce) chunks = [Buffer.concat(chunks.map((c) => Buffer.from(c)))];
    let k = 0;
    for (const c of chunks) {
      if (o.resetAfter && sse && k++ === o.resetAfter) { await sleep(20); res.socket.destroy(); return; }
      await write(c); if (o.delay) await sleep(o.delay);
    }
    if (o.holdOpen) { await sleep(o.holdOpen); }
    if (o.noTrailingBlank && o.closeWithoutEnd) { res.socket.destroy(); return; }
    sink.end();
  }

  async function handle(req, res, raw) {
    let body;
    try { body = JSON.parse(raw); } catch { body = undefined; }
    const isStream = body && typeof body === 'object' && (o.defaultStream ? body.stream !== '0' : body.stream === '1');
    const err = body === undefined ? 'the body is not valid JSON' : validate(body, o);
    if (o.rememberBeforeValidate && err && body && typeof body.query_text === 'string') remember(body); // the refused question joins the history
    if (err) {
      if (o.refuse) return o.refuse(req, res, err, isStream);
      if (isStream && o.refuseAsPacket) {
        const p = { ret: '10001', msg: err, data: {} };
        return writeOut(req, res, 200, { 'content-type': 'text/event-stream' }, [encodeEvent(p, 0, true)]);
      }
      const status = o.refuseStatus ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ ret: o.refuseRet ?? '10001', msg: o.emptyRefusalMsg ? '' : err, data: o.refuseData ?? {} }));
    }
    const pkts = buildPackets(body);
    remember(body);
    if (isStream && !o.streamAsJson) {
      const ct = o.streamCT === undefined ? 'text/event-stream' : o.streamCT;
      const headers = { ...(ct ? { 'content-type': ct } : {}), 'cache-control': 'no-cache', ...(o.extraHeaders ?? {}) };
      const chunks = pkts.map((p, i) => (o.rawEvent ? o.rawEvent(p, i, i === pkts.length - 1, encodeEvent) : encodeEvent(p, i, i === pkts.length - 1)));
      return writeOut(req, res, 200, headers, chunks);
    }
    if (o.plainAsStream) {
      const chunks = pkts.map((p, i) => encodeEvent(p, i, i === pkts.length - 1));
      return writeOut(req, res, 200, { 'content-type': 'text/event-stream' }, chunks);
    }
    // non-streaming answer
    const stop = pkts[pkts.length - 1];
    const text = pkts.map((p) => p.data?.answer_text ?? '').join('');
    let ans = {
      ret: '0',
      msg: '',
      data: { msg_id: newId(), answer_text: text, ref_doc_list: stop.data.ref_doc_list ?? [], follow_up_list: stop.data.follow_up_list ?? [], illegal_status: '0', extend_info: {} },
    };
    if (o.extraFields) ans.request_id = crypto.randomUUID();
    if (o.pythonJson) ans = pyDumps(ans);
    if (o.mutateAnswer) ans = o.mutateAnswer(ans, body);
    const s = typeof ans === 'string' ? ans : JSON.stringify(ans);
    return writeOut(req, res, 200, { 'content-type': o.answerCT ?? 'application/json' }, [s], false);
  }

  return http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (o.log) console.error(req.method, req.url, JSON.stringify(req.headers), raw);
      if (url.pathname !== '/v1/ctai/query_text_chat') { res.writeHead(404, { 'content-type': 'application/json' }); return res.end('{"ret":"404","msg":"not found"}'); }
      if (req.method !== 'POST') { res.writeHead(405, { allow: 'POST' }); return res.end(); }
      handle(req, res, raw).catch((e) => { console.error(e); res.destroy(); });
    });
  });
}
