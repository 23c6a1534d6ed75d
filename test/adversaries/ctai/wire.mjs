// Client helpers for smoke.mjs / selfcheck.mjs: raw POST, WHATWG-style SSE parsing.
export const PATH = '/v1/ctai/query_text_chat';

// POST a JSON body; read the raw bytes until the server ends the body or `ms` elapses.
export async function post(url, body, ms = 3000) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  const out = { status: 0, type: '', bytes: Buffer.alloc(0), ended: false, error: null };
  try {
    const res = await fetch(url + PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: ac.signal,
    });
    out.status = res.status;
    out.type = res.headers.get('content-type') || '';
    const parts = [];
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) { out.ended = true; break; }
        parts.push(Buffer.from(value));
      }
    } catch { /* aborted: body not ended in time */ }
    out.bytes = Buffer.concat(parts);
  } catch (e) {
    out.error = String(e && e.message);
  } finally {
    clearTimeout(timer);
  }
  out.text = out.bytes.toString('utf8');
  return out;
}

// Parse an event stream (LF, CRLF, CR; comments; multi-line data) into [{event, id, data}].
export function parseSse(text) {
  const events = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // the last piece has no line ending: incomplete
  let data = [];
  let event = '';
  let id = null;
  let lastId = null;
  for (const line of lines) {
    if (line === '') {
      if (data.length) events.push({ event: event || 'message', id: lastId, data: data.join('\n') });
      data = []; event = '';
      continue;
    }
    if (line.startsWith(':')) continue;
    const c = line.indexOf(':');
    const field = c < 0 ? line : line.slice(0, c);
    let value = c < 0 ? '' : line.slice(c + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) { id = value; lastId = id; }
  }
  return events;
}
