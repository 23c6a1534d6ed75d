// An independent self-check written from the document and the digest alone: it judges one
// server and returns findings, so smoke.mjs can confirm each variant's seeded fault is on the wire.
import { STAGES } from './bot.mjs';

const EVENTS = new Set(['stage_code', 'text_delta', 'done', 'error']);

/** WHATWG event-stream parsing of a complete body. */
export function parseSse(text) {
  const events = [];
  let data = [], type = '';
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/); // a leading BOM is ignored (WHATWG)
  lines.pop(); // the text after the last line break is no complete line: discarded at the end of the stream
  for (const line of lines) {
    if (line === '') {
      if (data.length) events.push({ event: type || 'message', data: data.join('\n') });
      data = [];
      type = '';
      continue;
    }
    if (line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  return events;
}

export async function post(url, body, { stream = false, timeout = 3000 } = {}) {
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(), timeout);
  try {
    const res = await fetch(url + '/chat' + (stream ? '?stream=true' : ''), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: ac.signal,
    });
    const type = res.headers.get('content-type') ?? '';
    let text, timedOut = false;
    const chunks = [];
    try {
      for await (const c of res.body) chunks.push(c);
    } catch {
      timedOut = true;
    }
    text = Buffer.concat(chunks).toString('utf8');
    return { status: res.status, type, text, timedOut };
  } finally {
    clearTimeout(t);
  }
}

function checkStream(r, out, label) {
  if (r.status !== 200) out.push(`${label}: status ${r.status}`);
  if (!/^text\/event-stream/i.test(r.type)) out.push(`${label}: content-type ${r.type}`);
  if (r.timedOut) out.push(`${label}: stream not closed`);
  const evs = parseSse(r.text);
  const doneAt = evs.findIndex((e) => e.event === 'done');
  if (doneAt < 0) out.push(`${label}: no done`);
  else if (doneAt !== evs.length - 1) out.push(`${label}: events after done`);
  const stages = [];
  let text = '';
  for (const e of evs) {
    if (!EVENTS.has(e.event)) out.push(`${label}: unknown event ${e.event}`);
    let d;
    try {
      d = JSON.parse(e.data);
    } catch {
      out.push(`${label}: data not JSON`);
      continue;
    }
    if (e.event === 'stage_code') {
      if (typeof d.nextStageCode !== 'string' || !/^\d{4}$/.test(d.nextStageCode)) out.push(`${label}: bad nextStageCode`);
      else if (STAGES[d.nextStageCode] && d.nextStage !== STAGES[d.nextStageCode]) out.push(`${label}: wrong nextStage`);
      stages.push(d.nextStageCode);
    }
    if (e.event === 'text_delta') typeof d.text === 'string' ? (text += d.text) : out.push(`${label}: text_delta without text`);
    if (e.event === 'done' && d.status !== 'completed') out.push(`${label}: done status ${d.status}`);
    if (e.event === 'error') out.push(`${label}: error event on a valid request`);
  }
  return { stages, text };
}

function checkPlain(r, out, label) {
  if (r.status !== 200) out.push(`${label}: status ${r.status}`);
  if (!/^application\/json/i.test(r.type)) out.push(`${label}: content-type ${r.type}`);
  let d;
  try {
    d = JSON.parse(r.text);
  } catch {
    out.push(`${label}: body not JSON`);
    return { stages: [], text: '' };
  }
  if (d === null || typeof d !== 'object' || Array.isArray(d)) out.push(`${label}: body not an object`);
  const x = d?.nextStageCode !== undefined ? d : d?.data ?? {};
  if (x.nextStageCode !== undefined && (typeof x.nextStageCode !== 'string' || !/^\d{4}$/.test(x.nextStageCode))) out.push(`${label}: bad nextStageCode`);
  return { stages: [x.nextStageCode], text: String(x.text ?? '') };
}

function checkRefusal(r, out, label, stream) {
  if (r.status >= 400 && r.status < 500) {
    if (!/^text\/event-stream/i.test(r.type)) return;
  } else if (!stream || r.status !== 200) return void out.push(`${label}: accepted (status ${r.status})`);
  if (!/^text\/event-stream/i.test(r.type)) return void out.push(`${label}: 200 without an error`);
  const evs = parseSse(r.text);
  const err = evs.find((e) => e.event === 'error');
  if (!err) return void out.push(`${label}: accepted (no error event)`);
  if (evs.some((e) => e.event === 'stage_code' || e.event === 'text_delta')) out.push(`${label}: answered after error`);
  try {
    const d = JSON.parse(err.data);
    if (typeof d.msg !== 'string' || typeof d.code !== 'string') out.push(`${label}: error data shape ${err.data}`);
  } catch {
    out.push(`${label}: error data not JSON`);
  }
}

const BAD = {
  'no sessionId': { timeStamp: '2025-11-08T10:00:00', text: '你好' },
  'no timeStamp': { sessionId: 's', text: '你好' },
  'no text': { sessionId: 's', timeStamp: '2025-11-08T10:00:00' },
  'numeric sessionId': { sessionId: 123, timeStamp: '2025-11-08T10:00:00', text: '你好' },
  'numeric timeStamp': { sessionId: 's', timeStamp: 1762567200, text: '你好' },
  'null text': { sessionId: 's', timeStamp: '2025-11-08T10:00:00', text: null },
  'not JSON': '{oops',
};

/** @returns {Promise<string[]>} findings (errors only). */
export async function check(url) {
  const out = [];
  const tag = Math.random().toString(36).slice(2, 8);
  const ts = () => new Date().toISOString();
  const turn = (sid, text, stream) => post(url, { sessionId: sid, timeStamp: ts(), text }, { stream });
  // multi-turn, streaming, two sessions interleaved
  const a = `A-${tag}`, b = `B-${tag}`;
  const codes = { [a]: [], [b]: [] };
  const script = [[a, '发生了交通事故 MARK-A'], [b, '发生了交通事故 MARK-B'], [a, '两车追尾 MARK-A2'], [b, '追尾了 MARK-B2'], [a, '没有人受伤'], [a, '拍好了']];
  for (const [sid, text] of script) {
    const r = checkStream(await turn(sid, text, true), out, `stream ${sid[0]}`);
    codes[sid].push(...r.stages);
    if (sid === b && r.text.includes('MARK-A')) out.push(`session B sees session A's text`);
  }
  // a fresh session starts where any fresh session starts, and later turns do not read other sessions
  if (codes[a][0] !== codes[b][0] || codes[a][1] !== codes[b][1]) out.push(`sessions diverge: A ${codes[a]} / B ${codes[b]}`);
  if (codes[a].at(-1) !== '0000') out.push(`session A did not reach 0000: ${codes[a]}`);
  // non-streaming, two turns
  const c = `C-${tag}`;
  checkPlain(await turn(c, '发生了交通事故', false), out, 'plain');
  checkPlain(await turn(c, '有人受伤了', false), out, 'plain');
  // refusals in both modes
  for (const [name, body] of Object.entries(BAD)) {
    checkRefusal(await post(url, body, { stream: true }), out, `stream refusal (${name})`, true);
    checkRefusal(await post(url, body), out, `plain refusal (${name})`, false);
  }
  return [...new Set(out)];
}
