// Response writers of the second-round CTAI servers: header casing, chunked / close-delimited /
// Content-Length framing, gzip, BOM, and the write patterns of real stacks (one write per frame,
// flush per line as Go's fmt.Fprintf + Flush does, fixed-size coalesced writes as a buffering proxy does).
import zlib from 'node:zlib';

// 'id: <msg_id>' then one 'data: <json>' line, LF endings (the document's example).
export function defaultFrame(pkt, json) {
  const id = pkt && pkt.data && pkt.data.msg_id !== undefined ? `id: ${pkt.data.msg_id}\n` : '';
  return `${id}data: ${json}\n\n`;
}

const acceptsGzip = (req) => /\bgzip\b/i.test(String(req.headers['accept-encoding'] || ''));
const toObject = (pairs) => Object.fromEntries(pairs);

// A whole (non-streamed) answer: Content-Length or close-delimited, optionally gzip-encoded.
export function sendWhole(req, res, env, status, headerPairs, raw, transport) {
  const { o } = env;
  const headers = toObject(headerPairs);
  let buf = Buffer.from(raw, 'utf8');
  let length = o.lengthOf(raw);
  if (o.gzip && acceptsGzip(req)) {
    buf = zlib.gzipSync(buf);
    length = buf.length;
    headers['Content-Encoding'] = 'gzip';
    headers.Vary = 'Accept-Encoding';
  }
  if (transport === 'close') {
    res.useChunkedEncodingByDefault = false;
    headers.Connection = 'close';
  } else {
    headers['Content-Length'] = length;
  }
  res.writeHead(status, headers);
  res.end(buf);
}

function stripFinalEol(s) {
  return s.replace(/(\r\n|\r|\n)$/, '');
}

export async function sendStream(req, res, env, packets, { refusal = false } = {}) {
  const { o, sleep, state, rand } = env;
  const frames = packets.map((p) => o.frame(p, o.json(p), o));
  const faulty = !refusal; // fault hooks act on answers, not on refusals
  if (faulty && o.cutLast === 'eol') frames[frames.length - 1] = stripFinalEol(frames[frames.length - 1]);
  if (o.bom) frames[0] = `\uFEFF${frames[0]}`;
  const headers = toObject(o.streamHeaders);
  const gzip = o.gzip && acceptsGzip(req);
  if (gzip) { headers['Content-Encoding'] = 'gzip'; headers.Vary = 'Accept-Encoding'; }

  if (o.transport === 'length') {
    let all = frames.join('');
    if (faulty && o.tail) all += o.tail;
    let buf = Buffer.from(all, 'utf8');
    let length = o.lengthOf(all);
    if (gzip) { buf = zlib.gzipSync(buf); length = buf.length; }
    headers['Content-Length'] = length;
    res.writeHead(200, headers);
    if (o.lingerMs) { res.write(buf); await sleep(o.lingerMs); res.end(); } else res.end(buf);
    return;
  }
  if (o.transport === 'close') {
    res.useChunkedEncodingByDefault = false;
    headers.Connection = 'close';
  }
  res.writeHead(200, headers);
  res.flushHeaders();

  const gone = () => res.destroyed || state.closed;
  let gz = null;
  if (gzip) {
    gz = zlib.createGzip();
    gz.on('data', (c) => { if (!gone()) res.write(c); });
    gz.on('error', () => res.destroy());
  }
  const raw = async (buf) => {
    if (gone()) return;
    if (!gz) { res.write(buf); return; }
    gz.write(buf);
    await new Promise((r) => gz.flush(zlib.constants.Z_SYNC_FLUSH, r));
  };
  let pending = Buffer.alloc(0);
  const emit = async (text) => {
    const buf = Buffer.from(text, 'utf8');
    if (o.writeMode === 'line') {
      for (const line of text.match(/[^\r\n]*(\r\n|\r|\n)|[^\r\n]+$/g) || []) {
        await raw(Buffer.from(line, 'utf8'));
        await sleep(1);
      }
    } else if (o.writeMode === 'coalesce') {
      pending = Buffer.concat([pending, buf]);
      while (pending.length >= o.coalesceBytes) {
        await raw(pending.subarray(0, o.coalesceBytes)); // may cut a frame or a UTF-8 character
        pending = pending.subarray(o.coalesceBytes);
      }
    } else {
      await raw(buf);
    }
  };

  for (let i = 0; i < frames.length; i += 1) {
    if (i === 0 && o.firstDelay) await sleep(o.firstDelay);
    if (i > 0 && i % o.burst === 0) {
      const ms = rand(o.delay[0], o.delay[1]);
      if (faulty && o.between) {
        await sleep(Math.floor(ms / 2));
        if (gone()) return;
        await emit(o.between);
        await sleep(ms - Math.floor(ms / 2));
      } else {
        await sleep(ms);
      }
    }
    if (gone()) return;
    const last = i === frames.length - 1;
    if (faulty && last && o.cutLast === 'half') {
      // the process tears the socket down before the last frame is fully flushed
      if (pending.length) { await raw(pending); pending = Buffer.alloc(0); }
      const buf = Buffer.from(frames[i], 'utf8');
      await raw(buf.subarray(0, Math.floor(buf.length / 2)));
      await sleep(20);
      res.socket?.destroy();
      res.destroy();
      return;
    }
    await emit(frames[i]);
  }
  if (faulty && o.tail) await emit(o.tail);
  if (pending.length) { await raw(pending); pending = Buffer.alloc(0); }
  if (gone()) return;
  if (o.lingerMs) await sleep(o.lingerMs);
  if (gz) {
    await new Promise((r) => { gz.on('end', r); gz.end(); });
  }
  if (!res.destroyed) res.end();
}
