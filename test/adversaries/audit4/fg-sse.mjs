// SSE writer helpers shared by both servers.
import zlib from 'node:zlib';

// o: {eol, comments, retry, ids, multiData, splitBytes, bom, noSpace}
export function encodeFrame(o, ev, data, idx) {
  const eol = o.eol ?? '\n';
  const lines = [];
  if (o.comments && idx % 2 === 0) lines.push(': ping');
  if (o.retry && idx === 0) lines.push('retry: 3000');
  if (o.ids) lines.push(`id: ${idx}`);
  const sp = o.noSpace ? '' : ' ';
  if (ev != null && !o.eventAfterData) lines.push(`event:${sp}${ev}`);
  if (o.commentInside) lines.push(': inside');
  let payload = typeof data === 'string' ? data : JSON.stringify(data);
  if (o.multiData && typeof data !== 'string') {
    for (const l of JSON.stringify(data, null, 1).split('\n')) lines.push(`data:${sp}${l}`);
  } else lines.push(`data:${sp}${payload}`);
  if (ev != null && o.eventAfterData) lines.push(`event:${sp}${ev}`);
  return lines.join(eol) + eol + eol + (o.extraBlank ? eol + eol : '');
}

// Wraps res into a writer honoring splitBytes / gzip / delays.
export function makeWriter(req, res, o) {
  let gz = null;
  const chunks = [];
  let out = (buf) => res.write(buf);
  if (o.deflate && /deflate/.test(req.headers['accept-encoding'] || '')) {
    gz = o.deflate === 'raw' ? zlib.createDeflateRaw({ flush: zlib.constants.Z_SYNC_FLUSH }) : zlib.createDeflate({ flush: zlib.constants.Z_SYNC_FLUSH });
    gz.pipe(res);
    out = (buf) => gz.write(buf);
  } else if (o.gzip && /gzip/.test(req.headers['accept-encoding'] || '')) {
    gz = zlib.createGzip({ flush: zlib.constants.Z_SYNC_FLUSH });
    gz.pipe(res);
    out = (buf) => gz.write(buf);
  }
  let first = true;
  const q = [];
  let busy = Promise.resolve();
  const w = {
    gzipped: !!gz,
    write(s) {
      if (o.batchAll) { chunks.push(s); return busy; }
      if (o.lastNoBlank && !w._flushing) { const prev = w._held; w._held = s; if (prev == null) return busy; s = prev; }
      let buf = Buffer.from(s, 'utf8');
      if (first && o.bom) buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]);
      first = false;
      busy = busy.then(async () => {
        if (o.splitBytes) {
          for (let i = 0; i < buf.length; i += o.splitBytes) {
            out(buf.subarray(i, i + o.splitBytes));
            await new Promise((r) => setTimeout(r, 1));
          }
        } else {
          out(buf);
          if (o.delay) await new Promise((r) => setTimeout(r, o.delay));
        }
      });
      return busy;
    },
    async end() {
      if (o.lastNoBlank && w._held != null) { const eol = o.eol ?? '\n'; let h = w._held; w._held = null; if (h.endsWith(eol)) h = h.slice(0, -eol.length); w._flushing = true; await w.write(h); }
      if (o.batchAll && chunks.length) { const all = chunks.join(''); chunks.length = 0; o = { ...o, batchAll: false }; await w.write(all); }
      await busy;
      if (o.endDelay) await new Promise((r) => setTimeout(r, o.endDelay));
      if (gz) gz.end();
      else res.end();
    },
  };
  return w;
}

// connection-level quirks
export function applyConnOpts(server, o) {
  if (o.idleClose != null) {
    server.keepAliveTimeout = 0; // no Keep-Alive hint header
    server.on('connection', (sock) => {
      let t = null;
      sock._busy = 0;
      sock._clearIdle = () => clearTimeout(t);
      sock._armIdle = () => { clearTimeout(t); t = setTimeout(() => { if (!sock._busy) { sock._idleClosed = (sock._idleClosed || 0) + 1; sock.destroy(); } }, o.idleClose); };
    });
    server.on('request', (req, res) => {
      const sock = req.socket;
      sock._clearIdle?.();
      sock._busy++;
      res.on('finish', () => { sock._busy--; sock._armIdle?.(); });
    });
  }
}
export function applyResOpts(res, o) {
  if (o.closeDelimited) { res.useChunkedEncodingByDefault = false; res.shouldKeepAlive = false; }
}
