// Second-round transport layer: how different web stacks put the same frames and JSON bodies on
// the wire. A "wire style" `w` (see variants-extra.mjs) chooses header casing, content types,
// line endings, field order, BOM, keep-alive comments, write granularity (per frame, per line,
// nginx-style coalescing, fully buffered with Content-Length), gzip, close-delimited bodies,
// JSON serializer style and timing. Wire faults: w.fault = 'truncate-end' | 'never-close-pings' |
// 'content-length-chars' | 'json-text-html'.
import zlib from 'node:zlib';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export class Gone extends Error {}

const hex4 = (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');

// JSON the way other serializers write it.
export function ser(obj, style = 'compact', { body = false } = {}) {
  if (style === 'pretty' && body) return JSON.stringify(obj, null, 2);
  const s = JSON.stringify(obj);
  if (style === 'ascii') return s.replace(/[\u007f-\uffff]/g, hex4); // Python ensure_ascii / Jackson ESCAPE_NON_ASCII
  if (style === 'go') return s.replace(/[<>&\u2028\u2029]/g, hex4) + (body ? '\n' : ''); // encoding/json Encoder
  return s;
}

function caseName(name, how) {
  if (how === 'lower') return name.toLowerCase();
  if (how === 'upper') return name.toUpperCase();
  return name;
}

function headerObj(w, base) {
  const h = {};
  for (const [k, v] of Object.entries({ ...base, ...(w.extraHeaders || {}) })) if (v !== undefined) h[caseName(k, w.headerCase)] = v;
  return h;
}

const acceptsGzip = (req) => /\bgzip\b/i.test(String(req.headers['accept-encoding'] || ''));

// One complete non-streamed body (JSON answers, envelopes, the legacy pre-stream error frame).
export function sendBody(req, res, w, status, contentType, text) {
  if (res.headersSent || res.destroyed) return;
  let buf = Buffer.from(text, 'utf8');
  const base = {};
  if (contentType) base['Content-Type'] = w.fault === 'json-text-html' && /json/.test(contentType) ? 'text/html; charset=utf-8' : contentType;
  if (w.gzip && acceptsGzip(req)) {
    buf = zlib.gzipSync(buf);
    base['Content-Encoding'] = 'gzip';
    base.Vary = 'Accept-Encoding';
  }
  if (w.closeDelimited) {
    res.useChunkedEncodingByDefault = false; // HTTP/1.0 style: the body ends when the connection closes
    res.shouldKeepAlive = false;
  } else {
    // Fault 'content-length-chars': counts UTF-16 code units instead of bytes (non-ASCII bodies get cut).
    base['Content-Length'] = w.fault === 'content-length-chars' && !base['Content-Encoding'] ? text.length : buf.length;
  }
  res.writeHead(status, headerObj(w, base));
  res.end(buf);
}

// The event-stream writer.
export class WireSse {
  constructor(req, res, w) {
    this.req = req;
    this.res = res;
    this.w = w;
    this.eol = w.eol || '\n';
    this.first = true;
    this.buf = Buffer.alloc(0); // bytes held back (coalescing / buffering)
    this.held = null;           // for 'truncate-end': the latest frame, written when the next one comes
    this.timers = [];
    this.gz = null;
    this.opened = false;
    res.on('close', () => this.stopTimers());
  }

  stopTimers() { for (const t of this.timers) clearInterval(t); this.timers = []; }

  open(status = 200, contentType = this.w.sseType || 'text/event-stream;charset=utf-8') {
    const { w, res } = this;
    const base = {
      'Content-Type': contentType,
      'Cache-Control': w.cacheControl || 'no-cache, no-transform',
      ...(w.noAccel ? {} : { 'X-Accel-Buffering': 'no' }),
      'Access-Control-Allow-Origin': '*'
    };
    if (w.gzip && acceptsGzip(this.req)) {
      base['Content-Encoding'] = 'gzip';
      base.Vary = 'Accept-Encoding';
      this.gz = zlib.createGzip();
      this.gz.on('data', (c) => { if (!res.destroyed) res.write(c); });
    }
    this.status = status;
    this.base = base;
    this.opened = true;
    if (w.writes === 'buffer') return; // headers go out with Content-Length at the end
    if (w.closeDelimited) { res.useChunkedEncodingByDefault = false; res.shouldKeepAlive = false; }
    res.writeHead(status, headerObj(w, base));
    res.flushHeaders?.();
    res.socket?.setNoDelay(true);
    if (w.bom) this.raw('\uFEFF');
    if (w.ping) {
      this.raw(this.pingText());
      this.timers.push(setInterval(() => { if (!res.destroyed && !res.writableEnded) this.raw(this.pingText()); }, w.ping.every));
    }
    if (w.writes === 'coalesce') this.timers.push(setInterval(() => this.drainSome(), w.coalesceMs || 40));
  }

  pingText() {
    const stamp = new Date().toISOString().replace('T', ' ').replace('Z', '000+00:00');
    return `: ${this.w.ping.text || 'ping'} - ${stamp}${this.eol}${this.eol}`;
  }

  render(event, data) {
    const { w } = this;
    const e = this.eol;
    const sp = w.space === false ? '' : ' ';
    const ev = event ? `event:${sp}${event}${e}` : '';
    const da = `data:${sp}${data}${e}`;
    return (w.dataFirst ? da + ev : ev + da) + e;
  }

  // Low-level output, honouring gzip and write granularity.
  raw(text) {
    const { res, w } = this;
    if (res.destroyed || res.writableEnded) throw new Gone();
    if (w.writes === 'coalesce' || w.writes === 'buffer') { this.buf = Buffer.concat([this.buf, Buffer.from(text, 'utf8')]); return; }
    this.put(text);
  }

  put(text) {
    if (this.gz) { this.gz.write(text); this.gz.flush(zlib.constants.Z_SYNC_FLUSH); return; }
    this.res.write(text);
  }

  // nginx-like: pass on what is buffered, cut at an arbitrary byte (often inside a frame or a character).
  drainSome() {
    if (!this.buf.length || this.res.destroyed) return;
    const cut = Math.max(1, Math.floor(this.buf.length * (0.5 + Math.random() / 2)));
    const out = this.buf.subarray(0, cut);
    this.buf = this.buf.subarray(cut);
    this.put(out);
  }

  async frame(event, data) {
    const { w } = this;
    if (this.first) { this.first = false; if (w.firstDelay) await sleep(w.firstDelay); }
    const text = this.render(event, data);
    if (w.fault === 'truncate-end') { if (this.held) this.raw(this.held); this.held = text; }
    else if (w.writes === 'line') await this.byLine(text);
    else this.raw(text);
    const [a, b] = w.delay || [5, 15];
    const d = a + Math.floor(Math.random() * (b - a + 1));
    if (d > 0) await sleep(d); else await new Promise((r) => setImmediate(r));
  }

  // Go/FastGPT-style: every line is its own write (and its own TCP segment).
  async byLine(text) {
    const parts = text.split(this.eol);
    parts.pop();
    for (const p of parts) { this.raw(p + this.eol); await new Promise((r) => setImmediate(r)); }
  }

  async end() {
    const { res, w } = this;
    if (res.destroyed || res.writableEnded) return;
    if (w.fault === 'truncate-end' && this.held) {
      // Ends the process/socket before the last frame is fully flushed.
      const b = Buffer.from(this.held, 'utf8');
      this.put(b.subarray(0, Math.floor(b.length / 2)));
      await sleep(20);
      this.stopTimers();
      res.socket?.destroy();
      return;
    }
    if (w.writes === 'coalesce') this.flushAllPending();
    if (w.writes === 'buffer') return this.endBuffered();
    if (w.fault === 'never-close-pings') {
      if (!this.timers.length) this.timers.push(setInterval(() => { if (!res.destroyed) this.put(`: ping${this.eol}${this.eol}`); }, 400));
      return;
    }
    if (w.linger) await sleep(w.linger);
    this.stopTimers();
    if (res.destroyed || res.writableEnded) return;
    if (this.gz) { this.gz.end(); await new Promise((r) => this.gz.on('end', r)); }
    res.end();
  }

  flushAllPending() {
    this.stopTimers();
    const out = this.buf;
    this.buf = Buffer.alloc(0);
    if (out.length && !this.res.destroyed) this.put(out);
  }

  endBuffered() {
    const { res, w } = this;
    this.stopTimers();
    let buf = Buffer.concat([Buffer.from(w.bom ? '\uFEFF' : '', 'utf8'), this.buf]);
    const base = { ...this.base };
    if (this.gz) { buf = zlib.gzipSync(buf); this.gz = null; }
    base['Content-Length'] = buf.length;
    res.writeHead(this.status, headerObj(w, base));
    res.end(buf);
  }
}
