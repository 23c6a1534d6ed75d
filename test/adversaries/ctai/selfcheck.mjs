// An independent reading of the document, applied to every variant: conformant variants must show no
// finding, each faulty one at least one. Usage: node test/adversaries/ctai/selfcheck.mjs [id...]
import { variants } from './servers.mjs';
import { post, parseSse } from './wire.mjs';

const isObj = (x) => x && typeof x === 'object' && !Array.isArray(x);

function checkStream(r, want, seen, f) {
  if (r.status !== 200) f.push(`stream: HTTP ${r.status}`);
  if (!/^text\/event-stream\b/i.test(r.type)) f.push(`stream: content-type ${r.type}`);
  if (!r.ended) f.push('stream: connection not closed within 3 s');
  const evs = parseSse(r.text);
  if (!evs.length) { f.push('stream: no events'); return ''; }
  let text = '';
  let stops = 0;
  evs.forEach((ev, i) => {
    let p;
    try { p = JSON.parse(ev.data); } catch { f.push(`packet ${i}: not JSON`); return; }
    if (p.ret !== '0') f.push(`packet ${i}: ret ${JSON.stringify(p.ret)}`);
    if ('msg' in p && p.msg !== '') f.push(`packet ${i}: msg not empty on success`);
    const d = p.data;
    if (!isObj(d)) { f.push(`packet ${i}: data not an object`); return; }
    if (typeof d.msg_id !== 'string' || !d.msg_id) f.push(`packet ${i}: msg_id missing`);
    else if (seen.has(d.msg_id)) f.push(`packet ${i}: msg_id ${d.msg_id} repeated`);
    seen.add(d.msg_id);
    if (ev.id !== d.msg_id) f.push(`packet ${i}: id line ${ev.id} != msg_id`);
    if (d.msg_sn !== String(i)) f.push(`packet ${i}: msg_sn ${JSON.stringify(d.msg_sn)}`);
    if (typeof d.answer_text !== 'string') f.push(`packet ${i}: answer_text not a string`);
    const last = i === evs.length - 1;
    if (d.event === 'stop') {
      stops += 1;
      if (!last) f.push(`packet ${i}: stop packet is not the last`);
      if (d.answer_text !== '') f.push(`packet ${i}: stop packet carries text`);
    } else if (d.event !== '') f.push(`packet ${i}: event ${JSON.stringify(d.event)}`);
    else text += d.answer_text;
    if ('ref_doc_list' in d && !Array.isArray(d.ref_doc_list)) f.push(`packet ${i}: ref_doc_list type`);
    if ('follow_up_list' in d && !Array.isArray(d.follow_up_list)) f.push(`packet ${i}: follow_up_list type`);
    if ('extend_info' in d && !isObj(d.extend_info)) f.push(`packet ${i}: extend_info type`);
    for (const r2 of d.ref_doc_list || []) {
      if (want.noCite) f.push(`packet ${i}: citation although enable_citation "0"`);
      if (want.docs && !want.docs.includes(r2.doc_id)) f.push(`packet ${i}: cites ${r2.doc_id} outside ctdoc_id`);
    }
  });
  if (stops !== 1) f.push(`stream: ${stops} stop packets`);
  return text;
}

function checkPlain(r, f) {
  if (r.status !== 200) f.push(`plain: HTTP ${r.status}`);
  if (!/^application\/json\b/i.test(r.type)) f.push(`plain: content-type ${r.type}`);
  let p;
  try { p = JSON.parse(r.text); } catch { f.push('plain: body not JSON'); return ''; }
  if (p.ret !== '0') f.push(`plain: ret ${JSON.stringify(p.ret)}`);
  if (!isObj(p.data) || typeof p.data.answer_text !== 'string') { f.push('plain: no data.answer_text'); return ''; }
  return p.data.answer_text;
}

function checkRefusal(r, label, f) {
  let packets;
  if (/^text\/event-stream\b/i.test(r.type)) packets = parseSse(r.text).map((e) => e.data);
  else packets = [r.text];
  let p;
  try { p = JSON.parse(packets[0]); } catch { f.push(`${label}: refusal not JSON (${r.status} ${r.text.slice(0, 60)})`); return; }
  if (typeof p.ret !== 'string' || p.ret === '0') f.push(`${label}: accepted or bad ret ${JSON.stringify(p.ret)}`);
  else if (typeof p.msg !== 'string' || !p.msg) f.push(`${label}: refusal without msg`);
}

const INVALID = [
  ['missing query_text', {}],
  ['lang xx_XX', { lang: 'xx_XX' }],
  ['smart_temp 11', { smart_temp: '11' }],
  ['session_id 65 bytes', { session_id: 'a'.repeat(65) }],
  ['session_id charset', { session_id: 'bad id!' }],
  ['enable_citation 2', { enable_citation: '2' }],
  ['category foo', { category: 'foo' }],
  ['tpl_chat profile', { category: 'tpl_chat', ctprofile_id: 'poet' }],
];

export async function selfcheck(v) {
  const f = [];
  const s = await v.start();
  const seen = new Set();
  const tag = Math.random().toString(36).slice(2, 8);
  try {
    const mA = `MARKA${tag}`;
    const r1 = await post(s.url, { query_text: `2路汽车 ${mA}`, session_id: `sA-${tag}`, ctdoc_id: 'doc_a,doc_b', stream: '1' });
    const t1 = checkStream(r1, { docs: ['doc_a', 'doc_b'] }, seen, f);
    if (!t1.includes(mA)) f.push('stream: answer does not echo the question');
    const r2 = await post(s.url, { query_text: 'no cites', enable_citation: '0', stream: '1' });
    checkStream(r2, { noCite: true }, seen, f);
    const r3 = await post(s.url, { query_text: 'second turn', session_id: `sA-${tag}`, stream: '0' });
    const t3 = checkPlain(r3, f);
    if (!t3.includes(mA)) f.push('multi-turn: second turn does not see the first');
    const r4 = await post(s.url, { query_text: 'other session', session_id: `sB-${tag}`, stream: '1' });
    const t4 = checkStream(r4, {}, seen, f);
    if (t4.includes(mA) || t4.includes('second turn')) f.push('isolation: session B sees session A');
    const r5 = await post(s.url, { query_text: 'third turn', session_id: `sA-${tag}`, stream: '1' });
    const t5 = checkStream(r5, {}, seen, f);
    if (!t5.includes('second turn')) f.push('multi-turn: third turn does not see the second');
    const bads = [];
    for (const [label, extra] of INVALID) {
      for (const stream of ['0', '1']) {
        bads.push(post(s.url, { query_text: 'q', ...extra, ...(label.startsWith('missing') ? { query_text: undefined } : {}), stream })
          .then((r) => checkRefusal(r, `${label} stream=${stream}`, f)));
      }
    }
    bads.push(post(s.url, { query_text: 'q', stream: '2' }).then((r) => checkRefusal(r, 'stream 2', f)));
    bads.push(post(s.url, '{"query_text":"q",}').then((r) => checkRefusal(r, 'bad JSON', f)));
    await Promise.all(bads);
  } finally {
    await s.close();
  }
  return f;
}

const only = process.argv.slice(2);
let wrong = 0;
await Promise.all(variants.filter((v) => !only.length || only.includes(v.id)).map(async (v) => {
  const f = await selfcheck(v);
  const verdict = f.length ? 'fail' : 'pass';
  if (verdict !== v.expect) wrong += 1;
  console.log(`${verdict === v.expect ? 'ok ' : 'BAD'} ${v.id.padEnd(26)} expect=${v.expect} got=${verdict}`
    + (f.length ? `  [${[...new Set(f)].slice(0, 3).join('; ')}${f.length > 3 ? ` …+${f.length - 3}` : ''}]` : ''));
}));
console.log(wrong ? `${wrong} variant(s) misjudged` : 'all variants judged as expected');
process.exit(wrong ? 1 : 0);
