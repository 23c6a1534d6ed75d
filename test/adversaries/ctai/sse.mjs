// SSE writer: one frame per packet (an id: line equal to data.msg_id, then data: line(s)).
const rand = (a, b) => a + Math.floor(Math.random() * (b - a + 1));

export function frame(pkt, o) {
  const eol = o.eol;
  const sp = o.dataSpace ? ' ' : '';
  // JSON.stringify escapes CR/LF inside strings, so pretty-printing only breaks between tokens
  const json = o.multiLineData ? JSON.stringify(pkt, null, 1) : JSON.stringify(pkt);
  let s = '';
  if (o.commentBeforeFrame) s += `: ping${eol}`;
  if (pkt && pkt.data && pkt.data.msg_id !== undefined) s += `id:${sp}${pkt.data.msg_id}${eol}`;
  for (const line of json.split('\n')) s += `data:${sp}${line}${eol}`;
  return s + eol;
}

async function write(res, text, env) {
  const buf = Buffer.from(text, 'utf8');
  const piece = env.o.writePiece;
  if (!piece) { res.write(buf); return; }
  for (let i = 0; i < buf.length;) {
    if (res.destroyed || env.state.closed) return;
    const n = rand(1, piece);
    res.write(buf.subarray(i, i + n)); // may cut a multi-byte UTF-8 character
    i += n;
    await env.sleep(1);
  }
}

export async function sendFrames(res, packets, headers, env) {
  const { o, sleep, state } = env;
  const eol = o.eol;
  if (o.buffered) {
    let all = o.retryLine ? `retry: 3000${eol}${eol}` : '';
    for (const p of packets) all += frame(p, o);
    const buf = Buffer.from(all, 'utf8');
    res.writeHead(200, { ...headers, 'Content-Length': buf.length });
    if (o.afterStop === 'hold') { res.write(buf); return; }
    res.end(buf);
    return;
  }
  res.writeHead(200, headers);
  res.flushHeaders();
  if (o.retryLine) await write(res, `retry: 3000${eol}${eol}`, env);
  for (let i = 0; i < packets.length; i += 1) {
    if (i > 0) {
      const ms = rand(o.delay[0], o.delay[1]);
      if (o.keepAliveInPause) {
        await sleep(Math.floor(ms / 2));
        if (res.destroyed || state.closed) return;
        await write(res, `: keep-alive${eol}`, env);
        await sleep(ms - Math.floor(ms / 2));
      } else {
        await sleep(ms);
      }
    }
    if (res.destroyed || state.closed) return;
    await write(res, frame(packets[i], o), env);
  }
  if (o.afterStop === 'hold') return; // connection stays open; close() of the server destroys it
  res.end();
}
