// Second-round self-check: a stricter independent reading of the document, applied to every variant
// (conformant ones must show no finding, each faulty one at least one). Adds to selfcheck.mjs: a WHATWG
// event-stream parser (leading BOM stripped, an unterminated last event discarded), concurrent multi-turn
// sessions, a refused turn inside a session, boundary values that must be accepted, and the document's own
// request example (either answer is fine, but it must be well-formed).
// Usage: node test/adversaries/ctai/extra-selfcheck.mjs [id...]
import { variants } from './servers.mjs';
import { post } from './wire.mjs';

const isObj = (x) => x && typeof x === 'object' && !Array.isArray(x);

// WHATWG event-stream interpretation.
export function parseEvents(text) {
  const events = [];
  let s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = s.split(/\r\n|\r|\n/);
  lines.pop(); // an unterminated last line is not processed
  let data = null;
  let type = '';
  let lastId = '';
  for (const line of lines) {
    if (line === '') {
      if (data !== null) events.push({ type: type || 'message', id: lastId, data: data.replace(/\n$/, '') });
      data = null; type = '';
      continue;
    }
    if (line.startsWith(':')) continue;
    const c = line.indexOf(':');
    const field = c < 0 ? line : line.slice(0, c);
    let value = c < 0 ? '' : line.slice(c + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data = (data ?? '') + value + '\n';
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) lastId = value;
  }
  return events; // a pending event without its blank line is discarded at EOF
}

function checkStream(r, want, seen, f, label) {
  if (r.status !== 200) f.push(`${label}: HTTP ${r.status}`);
  if (!/^text\/event-stream\s*(;|$)/i.test(r.type)) f.push(`${label}: content-type ${r.type}`);
  if (!r.ended) f.push(`${label}: not closed within 3 s`);
  const evs = parseEvents(r.text);
  if (!evs.length) { f.push(`${label}: no events`); return ''; }
  let text = '';
  let stops = 0;
  evs.forEach((ev, i) => {
    const at = `${label} packet ${i}`;
    if (ev.type !== 'message') f.push(`${at}: SSE event type ${ev.type}`);
    let p;
    try { p = JSON.parse(ev.data); } catch { f.push(`${at}: not JSON (${ev.data.slice(0, 30)})`); return; }
    if (!isObj(p)) { f.push(`${at}: not an object`); return; }
    if (p.ret !== '0') f.push(`${at}: ret ${JSON.stringify(p.ret)}`);
    if ('msg' in p && p.msg !== '') f.push(`${at}: msg not empty on success`);
    const d = p.data;
    if (!isObj(d)) { f.push(`${at}: data not an object`); return; }
    if (typeof d.msg_id !== 'string' || !d.msg_id) f.push(`${at}: msg_id missing`);
    else if (seen.has(d.msg_id)) f.push(`${at}: msg_id repeated`);
    seen.add(d.msg_id);
    if (ev.id !== d.msg_id) f.push(`${at}: id line ${JSON.stringify(ev.id)} != msg_id`);
    if (d.msg_sn !== String(i)) f.push(`${at}: msg_sn ${JSON.stringify(d.msg_sn)}`);
    if (typeof d.answer_text !== 'string') f.push(`${at}: answer_text not a string`);
    if (d.event === 'stop') {
      stops += 1;
      if (i !== evs.length - 1) f.push(`${at}: stop is not the last packet`);
      if (d.answer_text !== '') f.push(`${at}: stop carries text`);
    } else if (d.event !== '') f.push(`${at}: event ${JSON.stringify(d.event)}`);
    else text += d.answer_text;
    for (const k of ['ref_doc_list', 'follow_up_list']) if (k in d && !Array.isArray(d[k])) f.push(`${at}: ${k} type`);
    if ('extend_info' in d && !isObj(d.extend_info)) f.push(`${at}: extend_info type`);
    for (const c of d.ref_doc_list || []) {
      if (want.noCite) f.push(`${at}: citation although enable_citation "0"`);
      if (want.docs && !want.docs.includes(c.doc_id)) f.push(`${at}: cites ${c.doc_id} outside ctdoc_id`);
    }
  });
  if (stops !== 1) f.push(`${label}: ${stops} stop packets`);
  return text;
}

function checkPlain(r, f, label) {
  if (r.status !== 200) f.push(`${label}: HTTP ${r.status}`);
  if (!/^application\/json\s*(;|$)/i.test(r.type)) f.push(`${label}: content-type ${r.type}`);
  let p;
  try { p = JSON.parse(r.text); } catch { f.push(`${label}: body not JSON`); return ''; }
  if (!isObj(p)) { f.push(`${label}: body not an object`); return ''; }
  if (p.ret !== '0') f.push(`${label}: ret ${JSON.stringify(p.ret)}`);
  if ('msg' in p && p.msg !== '') f.push(`${label}: msg not empty on success`);
  if (!isObj(p.data) || typeof p.data.answer_text !== 'string') { f.push(`${label}: no data.answer_text`); return ''; }
  return p.data.answer_text;
}

// Answer text of either mode (checked), or null when refused.
async function ask(url, body, f, label, seen) {
  const r = await post(url, body);
  return body.stream === '1' ? checkStream(r, {}, seen, f, label) : checkPlain(r, f, label);
}

function refusal(r) {
  let raw = r.text;
  if (/^text\/event-stream/i.test(r.type)) {
    const evs = parseEvents(r.text);
    if (evs.length !== 1) return `${evs.length} events`;
    raw = evs[0].data;
  }
  let p;
  try { p = JSON.parse(raw); } catch { return `not JSON (${r.status} ${r.text.slice(0, 40)})`; }
  if (!isObj(p)) return 'not an object';
  if (typeof p.ret !== 'string' || p.ret === '0') return `accepted or bad ret ${JSON.stringify(p.ret)}`;
  if (typeof p.msg !== 'string' || !p.msg) return 'refusal without msg';
  return null;
}

const INVALID = [
  ['missing query_text', { query_text: undefined }], ['lang xx_XX', { lang: 'xx_XX' }],
  ['smart_temp 11', { smart_temp: '11' }], ['session_id 65 bytes', { session_id: 'a'.repeat(65) }],
  ['session_id charset', { session_id: 'bad id!' }], ['enable_followup 2', { enable_followup: '2' }],
  ['category foo', { category: 'foo' }], ['tpl_chat profile', { category: 'tpl_chat', ctprofile_id: 'poet' }],
  ['query_text number', { query_text: 5 }],
];
const VALID = [
  ['session_id 64 bytes', { session_id: `b${'x'.repeat(63)}` }], ['smart_temp 10', { smart_temp: '10' }],
  ['lang th_TH', { lang: 'th_TH' }], ['creator', { category: 'tpl_chat', ctprofile_id: 'creator' }],
  ['flags off', { enable_citation: '0', enable_followup: '0', enable_elaborate: '0' }],
  ['context', { context: 'line1\nline2 "quoted" <b>&</b>', ctdoc_id: 'd1' }],
];

export async function selfcheck(v) {
  const f = [];
  const s = await v.start();
  const seen = new Set();
  const tag = Math.random().toString(36).slice(2, 8);
  const u = s.url;
  try {
    const mA = `MARKA${tag}`;
    const t1 = checkStream(await post(u, { query_text: `2路汽车 ${mA}`, session_id: `sA-${tag}`, ctdoc_id: 'doc_a,doc_b', stream: '1' }),
      { docs: ['doc_a', 'doc_b'] }, seen, f, 'stream');
    if (!t1.includes(mA)) f.push('stream: answer does not echo the question');
    checkStream(await post(u, { query_text: 'no cites', enable_citation: '0', stream: '1' }), { noCite: true }, seen, f, 'nocite');
    const t2 = await ask(u, { query_text: `second ${tag}`, session_id: `sA-${tag}`, stream: '0' }, f, 'plain', seen);
    if (!t2.includes(mA)) f.push('multi-turn: turn 2 does not see turn 1');
    const t3 = await ask(u, { query_text: 'third', session_id: `sA-${tag}`, stream: '1' }, f, 'turn3', seen);
    if (!t3.includes(`second ${tag}`)) f.push('multi-turn: turn 3 does not see turn 2');

    // concurrent sessions: two rounds of 8 parallel turns
    const ids = Array.from({ length: 8 }, (_, i) => `c${i}-${tag}`);
    await Promise.all(ids.map((id, i) => ask(u, { query_text: `C1 ${id}`, session_id: id, stream: String(i % 2) }, f, 'conc1', seen)));
    const round2 = await Promise.all(ids.map((id, i) => ask(u, { query_text: `C2 ${id}`, session_id: id, stream: String((i + 1) % 2) }, f, 'conc2', seen)));
    round2.forEach((t, i) => {
      if (!t.includes(`C1 ${ids[i]}`)) f.push('concurrency: turn 2 does not see its own turn 1');
      if (ids.some((o, j) => j !== i && t.includes(o))) f.push('concurrency: answer quotes another session');
    });

    // a refused turn inside a session is not performed
    const sC = `sC-${tag}`;
    await ask(u, { query_text: `R1 ${tag}`, session_id: sC, stream: '0' }, f, 'refused-seq', seen);
    const rx = await post(u, { query_text: `RX ${tag}`, session_id: sC, lang: 'xx_XX', stream: '1' });
    const why = refusal(rx);
    if (why) f.push(`refused-seq: lang xx_XX ${why}`);
    const r3 = await ask(u, { query_text: `R3 ${tag}`, session_id: sC, stream: '1' }, f, 'refused-seq', seen);
    if (r3.includes(`RX ${tag}`)) f.push('refused-seq: the refused turn entered the session history');

    const jobs = [];
    for (const [label, extra] of VALID) {
      for (const stream of ['0', '1']) jobs.push(ask(u, { query_text: `ok ${label}`, ...extra, stream }, f, `${label} s=${stream}`, seen));
    }
    for (const [label, extra] of INVALID) {
      for (const stream of ['0', '1']) {
        jobs.push(post(u, { query_text: 'q', ...extra, stream }).then((r) => {
          const w = refusal(r); if (w) f.push(`${label} s=${stream}: ${w}`);
        }));
      }
    }
    jobs.push(post(u, { query_text: 'q', stream: '2' }).then((r) => { const w = refusal(r); if (w) f.push(`stream 2: ${w}`); }));
    jobs.push(post(u, '{"query_text": "q"').then((r) => { const w = refusal(r); if (w) f.push(`broken JSON: ${w}`); }));
    jobs.push(post(u, '["q"]').then((r) => { const w = refusal(r); if (w) f.push(`array body: ${w}`); }));
    // the document's own example (lang "en", trailing comma): accepting or refusing are both fine
    const example = '{"query_text":"你好,请问2路汽车在哪里乘坐","ctdoc_id":"test_doc_id","session_id":"test_id",'
      + '"enable_citation":"1","enable_followup":"1","smart_temp":"0","lang":"en","context":"test_context","stream":"1",}';
    jobs.push(post(u, example).then((r) => {
      if (refusal(r) === null) return;
      checkStream(r, { docs: ['test_doc_id'] }, seen, f, 'doc example');
    }));
    await Promise.all(jobs);
  } finally {
    await s.close();
  }
  return f;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv.slice(2);
  let wrong = 0;
  const todo = variants.filter((v) => !only.length || only.includes(v.id));
  const width = Number(process.env.CHECK_PARALLEL || 6); // variants checked at once (the machine may be shared)
  const lanes = Array.from({ length: width }, async () => {
    for (let v = todo.shift(); v; v = todo.shift()) await judge(v);
  });
  async function judge(v) {
    const f = await selfcheck(v);
    const verdict = f.length ? 'fail' : 'pass';
    if (verdict !== v.expect) wrong += 1;
    const u = [...new Set(f)];
    console.log(`${verdict === v.expect ? 'ok ' : 'BAD'} ${v.id.padEnd(32)} expect=${v.expect} got=${verdict}`
      + (u.length ? `  [${u.slice(0, 3).join('; ')}${u.length > 3 ? ` …+${u.length - 3}` : ''}]` : ''));
  }
  await Promise.all(lanes);
  console.log(wrong ? `${wrong} variant(s) misjudged` : 'all variants judged as expected');
  process.exit(wrong ? 1 : 0);
}
