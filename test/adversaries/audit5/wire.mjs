// Raw HTTP/1.1 server with full control over the wire: header case, transfer mode, split writes, gzip.
import net from 'node:net';
import zlib from 'node:zlib';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function mkRng(seed) {
  let s = (seed >>> 0) || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
}

// ---------- JSON serialisation with switches ----------
export function addExtra(v, on) {
  if (!on) return v;
  if (Array.isArray(v)) return v.map((x) => addExtra(x, on));
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = addExtra(x, on);
    o.x_vendor_ext = { trace: 'abc', n: 1 };
    return o;
  }
  return v;
}

export function toJSON(v, cfg, rng) {
  const ws = cfg.ws || 'compact';
  const order = cfg.keyorder || 'doc';
  const ind = (d) => (ws === 'pretty' ? '\n' + '  '.repeat(d) : '');
  const ser = (x, d) => {
    if (x === null || typeof x !== 'object') {
      let s = JSON.stringify(x);
      if (s === undefined) s = 'null';
      return s;
    }
    if (Array.isArray(x)) {
      if (!x.length) return '[]';
      const parts = x.map((y) => ind(d + 1) + ser(y, d + 1));
      return '[' + parts.join(ws === 'spaced' ? ', ' : ',') + ind(d) + ']';
    }
    let keys = Object.keys(x);
    if (order === 'reverse') keys = keys.reverse();
    else if (order === 'shuffle') {
      keys = keys.slice();
      for (let i = keys.length - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [keys[i], keys[j]] = [keys[j], keys[i]]; }
    }
    if (!keys.length) return '{}';
    const colon = ws === 'compact' ? ':' : ': ';
    const parts = keys.map((k) => ind(d + 1) + JSON.stringify(k) + colon + ser(x[k], d + 1));
    return '{' + parts.join(ws === 'spaced' ? ', ' : ',') + ind(d) + '}';
  };
  let s = ser(v, 0);
  if (cfg.ascii) s = s.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  return s;
}

// ---------- SSE serialisation ----------
// ev: {event?, data (object|string), id?} or {comment} or {raw}
export function sseText(events, cfg, rng) {
  const eol = { lf: '\n', crlf: '\r\n', cr: '\r' }[cfg.eol || 'lf'];
  const sp = cfg.nospace ? '' : ' ';
  const dsp = cfg.dsp ? '  ' : sp;
  const out = [];
  let first = true;
  for (const ev of events) {
    let t = '';
    if (first) {
      if (cfg.bom) t += '\uFEFF';
      if (cfg.retry) t += 'retry:' + sp + '3000' + eol + eol;
      if (cfg.comments) t += ':' + sp + 'connected' + eol;
      first = false;
    }
    if (ev.raw !== undefined) { out.push({ text: t + ev.raw, delay: ev.delay }); continue; }
    if (cfg.comments && rng() < 0.5) t += ':' + sp + 'ping' + eol + eol;
    if (cfg.blank) t += eol;
    if (cfg.dataless && rng() < 0.3) t += 'event:' + sp + 'keepalive' + eol + eol;
    if (ev.id !== undefined && ev.id !== null) t += 'id:' + sp + ev.id + eol;
    if (ev.event) t += 'event:' + sp + ev.event + eol;
    if (cfg.midcomment) t += ':' + eol;
    const payload = typeof ev.data === 'string' ? ev.data : toJSON(ev.data, cfg, rng);
    for (const line of payload.split('\n')) t += 'data:' + (ev.data === '[DONE]' ? sp : dsp) + line + eol;
    t += eol;
    out.push({ text: t, delay: ev.delay });
  }
  return out;
}

// ---------- splitting ----------
function splitPieces(buf, mode, rng, eolMode) {
  if (mode === 'frame' || !mode || mode === 'batch') return [buf];
  const cuts = new Set();
  if (mode === 'utf8') {
    for (let i = 0; i < buf.length; i++) if (buf[i] >= 0xc0 && i + 2 < buf.length) { cuts.add(i + 1); if (rng() < 0.5) break; }
  } else if (mode === 'crlf') {
    for (let i = 0; i < buf.length - 1; i++) if (buf[i] === 13 && buf[i + 1] === 10) cuts.add(i + 1);
    if (!cuts.size) for (let i = 0; i < buf.length - 1; i++) if (buf[i] === 10 || buf[i] === 13) cuts.add(i + 1);
  } else if (mode === 'line') {
    for (let i = 0; i < buf.length - 1; i++) if (buf[i] === 10 || buf[i] === 13) cuts.add(i + 1);
  } else if (mode === 'bytes') {
    let i = 0;
    while (i < buf.length) { i += 1 + Math.floor(rng() * 12); if (i < buf.length) cuts.add(i); }
  }
  const c = [...cuts].sort((a, b) => a - b);
  const out = [];
  let p = 0;
  for (const x of c) { if (x > p && x < buf.length) { out.push(buf.subarray(p, x)); p = x; } }
  out.push(buf.subarray(p));
  return out;
}

// ---------- headers ----------
function hname(n, c) {
  if (c === 'lower') return n.toLowerCase();
  if (c === 'upper') return n.toUpperCase();
  return n.split('-').map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join('-');
}
export function ctype(base, cfg) {
  if (cfg.ctcase) base = base.split('/').map((x) => x.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('-')).join('/');
  switch (cfg.charset || 'none') {
    case 'utf8': return base + '; charset=utf-8';
    case 'UTF8nospace': return base + ';charset=UTF-8';
    case 'quoted': return base + '; charset="utf-8"';
    default: return base;
  }
}

// resp: {status, headers: [[n,v]], body?: string|Buffer, events?: [{text, delay}], sse?: bool, closeAfter?: ms hold}
export async function writeResponse(sock, req, resp, cfg, rng) {
  const reasons = { 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 422: 'Unprocessable Entity', 500: 'Internal Server Error' };
  const ka = cfg.keepalive !== false && !/close/i.test(req.headers['connection'] || '');
  let transfer = cfg.transfer || 'chunked';
  if (resp.forceTransfer) transfer = resp.forceTransfer;
  const defl = cfg.gzip === 'deflate' && /deflate/i.test(req.headers['accept-encoding'] || '');
  const gz = (cfg.gzip && /gzip/i.test(req.headers['accept-encoding'] || '')) || defl;
  const hc = cfg.hcase || 'canonical';
  const H = [];
  H.push([hname('Date', hc), new Date().toUTCString()]);
  for (const [n, v] of resp.headers || []) H.push([hname(n, hc), v]);
  if (gz) H.push([hname('Content-Encoding', hc), defl ? 'deflate' : 'gzip']);
  // pieces
  let frames;
  if (resp.events) frames = resp.events.map((e) => ({ buf: Buffer.from(e.text, 'utf8'), delay: e.delay }));
  else frames = [{ buf: Buffer.isBuffer(resp.body) ? resp.body : Buffer.from(resp.body || '', 'utf8') }];
  if (cfg.split === 'batch' && frames.length > 2) {
    const nf = [];
    for (let i = 0; i < frames.length; i += 3) nf.push({ buf: Buffer.concat(frames.slice(i, i + 3).map((f) => f.buf)), delay: frames[i].delay });
    frames = nf;
  }
  const closeConn = !ka || transfer === 'close';
  if (closeConn) H.push([hname('Connection', hc), 'close']);
  else H.push([hname('Connection', hc), 'keep-alive']);
  let head = (bodyLen) => {
    const hs = H.slice();
    if (transfer === 'length') hs.push([hname('Content-Length', hc), String(bodyLen)]);
    if (transfer === 'chunked') hs.push([hname('Transfer-Encoding', hc), 'chunked']);
    return `HTTP/1.1 ${resp.status} ${reasons[resp.status] || 'Status'}\r\n` + hs.map(([n, v]) => `${n}: ${v}`).join('\r\n') + '\r\n\r\n';
  };
  const w = (b) => new Promise((r) => { if (sock.destroyed) return r(); sock.write(b, () => r()); });
  if (cfg.early) await w('HTTP/1.1 103 Early Hints\r\nLink: </x.css>; rel=preload\r\n\r\n');
  const slow = async (f) => { const d = f.delay ?? (cfg.slow ? 30 + Math.floor(rng() * 120) : 0); if (d) await sleep(d); };
  if (transfer === 'length') {
    let body = Buffer.concat(frames.map((f) => f.buf));
    if (gz) body = defl ? zlib.deflateSync(body) : zlib.gzipSync(body);
    await w(head(body.length));
    if (gz) { // write compressed in slices aligned to frames count
      const n = frames.length; const step = Math.max(1, Math.ceil(body.length / n));
      for (let i = 0; i < body.length; i += step) { await slow(frames[Math.min(frames.length - 1, Math.floor(i / step))]); await w(body.subarray(i, i + step)); }
    } else {
      for (const f of frames) { await slow(f); for (const p of splitPieces(f.buf, cfg.split, rng)) { await w(p); if (cfg.split !== 'frame') await sleep(1); } }
    }
  } else {
    await w(head());
    let gzs, gzq = [];
    if (gz) { gzs = defl ? zlib.createDeflate() : zlib.createGzip(); gzs.on('data', (d) => gzq.push(d)); }
    const emit = async (b) => {
      if (!b.length) return;
      if (transfer === 'chunked') await w(Buffer.concat([Buffer.from((cfg.chunkext ? b.length.toString(16).toUpperCase() + ';ext="a b"' : b.length.toString(16)) + '\r\n'), b, Buffer.from('\r\n')]));
      else await w(b);
    };
    for (const f of frames) {
      await slow(f);
      let bufs = [f.buf];
      if (gz) {
        await new Promise((r) => gzs.write(f.buf, () => gzs.flush(zlib.constants.Z_SYNC_FLUSH, r)));
        bufs = gzq.splice(0); bufs = [Buffer.concat(bufs)];
      }
      for (const b of bufs) for (const p of splitPieces(b, gz ? 'frame' : cfg.split, rng)) { await emit(p); if (cfg.split && cfg.split !== 'frame' && cfg.split !== 'batch') await sleep(1); }
    }
    if (gz) { await new Promise((r) => { gzs.on('end', r); gzs.end(); }); await emit(Buffer.concat(gzq.splice(0))); }
    if (resp.holdOpen) await sleep(resp.holdOpen);
    if (transfer === 'chunked') await w(Buffer.from(cfg.chunkext ? '0\r\nX-Trailer: done\r\n\r\n' : '0\r\n\r\n'));
  }
  if (resp.holdOpen && transfer === 'length') await sleep(resp.holdOpen);
  if (closeConn) sock.end();
  return !closeConn;
}

// ---------- raw server ----------
export function startRaw(handler, cfg, log) {
  const rng = mkRng(cfg.seed || 12345);
  const socks = new Set();
  const server = net.createServer((sock) => {
    socks.add(sock); sock.on('close', () => socks.delete(sock));
    sock.setNoDelay(true);
    let buf = Buffer.alloc(0);
    let busy = false;
    const pump = async () => {
      if (busy) return;
      busy = true;
      try {
        for (;;) {
          const he = buf.indexOf('\r\n\r\n');
          if (he < 0) break;
          const headText = buf.subarray(0, he).toString('latin1');
          const [reqLine, ...hl] = headText.split('\r\n');
          const [method, target] = reqLine.split(' ');
          const headers = {};
          for (const l of hl) { const i = l.indexOf(':'); if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim(); }
          let body, consumed;
          if (/chunked/i.test(headers['transfer-encoding'] || '')) {
            let p = he + 4; const parts = []; let done = false;
            for (;;) {
              const le = buf.indexOf('\r\n', p); if (le < 0) break;
              const n = parseInt(buf.subarray(p, le).toString(), 16);
              if (n === 0) { const end = buf.indexOf('\r\n', le + 2); if (end < 0) break; consumed = end + 2; done = true; break; }
              if (buf.length < le + 2 + n + 2) break;
              parts.push(buf.subarray(le + 2, le + 2 + n)); p = le + 2 + n + 2;
            }
            if (!done) break;
            body = Buffer.concat(parts);
          } else {
            const n = parseInt(headers['content-length'] || '0', 10);
            if (buf.length < he + 4 + n) break;
            body = buf.subarray(he + 4, he + 4 + n); consumed = he + 4 + n;
          }
          buf = buf.subarray(consumed);
          const u = new URL(target, 'http://x');
          const req = { method, path: u.pathname, query: Object.fromEntries(u.searchParams), headers, body: body.toString('utf8') };
          if (log) log(req);
          let resp;
          try { resp = await handler(req); } catch (e) { console.error('handler error', e); resp = { status: 500, headers: [['Content-Type', 'application/json']], body: '{"error":"internal"}' }; }
          const keep = await writeResponse(sock, req, resp, cfg, rng);
          if (!keep) { buf = Buffer.alloc(0); break; }
          if (cfg.idleClose) { clearTimeout(sock._idle); sock._idle = setTimeout(() => { if (!buf.length) sock.end(); }, cfg.idleClose); }
        }
      } finally { busy = false; }
      if (buf.indexOf('\r\n\r\n') >= 0 && !sock.destroyed) pump();
    };
    sock.on('data', (d) => { clearTimeout(sock._idle); buf = Buffer.concat([buf, d]); pump(); });
    sock.on('error', () => {});
  });
  return new Promise((res) => server.listen(0, '127.0.0.1', () => {
    const port = server.address().port;
    res({ port, close: () => new Promise((r) => { server.close(() => r()); for (const x of socks) x.destroy(); setTimeout(r, 300); }), server });
  }));
}
