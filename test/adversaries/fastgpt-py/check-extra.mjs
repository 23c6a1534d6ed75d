// Second-round self-checks (from the document and the digest alone), run by smoke.mjs after check.mjs:
// concurrent sessions must not read each other, a refused request must not touch its session, and an
// answer to a client that does not accept gzip must not be gzipped.
import http from 'node:http';
import { parseSse, post } from './check.mjs';

/** The reply text of one answer: text_delta texts joined (stream) or the JSON body's text. */
function replyText(r) {
  if (/^text\/event-stream/i.test(r.type))
    return parseSse(r.text)
      .filter((e) => e.event === 'text_delta')
      .map((e) => {
        try {
          return String(JSON.parse(e.data).text ?? '');
        } catch {
          return '';
        }
      })
      .join('');
  try {
    const d = JSON.parse(r.text);
    return String(d?.text ?? d?.data?.text ?? '');
  } catch {
    return '';
  }
}

/** A streaming request with plain node:http (no Accept-Encoding header at all). */
function rawPost(url, body) {
  return new Promise((resolve) => {
    const req = http.request(url + '/chat?stream=true', { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks = [];
      const done = () => (clearTimeout(timer), resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('data', (c) => chunks.push(c));
      res.on('end', done);
      res.on('close', done); // also after the hard timeout below
    });
    const timer = setTimeout(() => req.destroy(), 3000); // a hard bound: held-open streams keep sending bytes
    req.on('error', () => (clearTimeout(timer), resolve(null)));
    req.end(JSON.stringify(body));
  });
}

/** @returns {Promise<string[]>} findings (errors only). */
export async function checkExtra(url) {
  const out = [];
  const tag = Math.random().toString(36).slice(2, 8);
  const ts = () => new Date().toISOString();
  // 1. four fresh sessions, two turns each, every turn sent concurrently (both modes mixed)
  const ks = [0, 1, 2, 3].map((i) => `K${i}-${tag}`);
  await Promise.all(ks.map((sid, i) => post(url, { sessionId: sid, timeStamp: ts(), text: `发生了交通事故 MK${i}x` }, { stream: i % 2 === 0 })));
  const second = await Promise.all(ks.map((sid, i) => post(url, { sessionId: sid, timeStamp: ts(), text: '两车追尾' }, { stream: i % 2 === 1 })));
  second.forEach((r, i) => {
    const t = replyText(r);
    if (!t.includes(`MK${i}x`)) out.push(`concurrent session ${i}: 2nd reply does not continue its own session`);
    for (const j of [0, 1, 2, 3]) if (j !== i && t.includes(`MK${j}x`)) out.push(`concurrent session ${i} sees session ${j}`);
  });
  // 2. a refused request must not touch the session (stream mode: no timeStamp; plain mode: numeric timeStamp)
  for (const [mode, bad] of [
    ['stream', (sid) => post(url, { sessionId: sid, text: '追尾了 RFMARK' }, { stream: true })],
    ['plain', (sid) => post(url, { sessionId: sid, timeStamp: 1762567200, text: '追尾了 RFMARK' })],
  ]) {
    const sid = `R${mode}-${tag}`;
    await post(url, { sessionId: sid, timeStamp: ts(), text: '发生了交通事故 OKMARK' }, { stream: true });
    await bad(sid);
    const t = replyText(await post(url, { sessionId: sid, timeStamp: ts(), text: '两车追尾' }, { stream: true }));
    if (t.includes('RFMARK') || !t.includes('OKMARK')) out.push(`refused ${mode} request changed its session`);
  }
  // 3. no gzip for a client that did not ask for it
  const raw = await rawPost(url, { sessionId: `G-${tag}`, timeStamp: ts(), text: '你好' });
  const enc = raw?.headers['content-encoding'];
  if (enc && enc !== 'identity') out.push(`content-encoding ${enc} without Accept-Encoding`);
  return [...new Set(out)];
}
