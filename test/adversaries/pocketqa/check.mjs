// An independent rule check of every variant, written from the document and the digest alone: applies the document/digest rules
// on the wire and reports whether each variant's verdict matches its `expect`.
// usage: node test/adversaries/pocketqa/check.mjs [id ...]
import { variants } from './servers.mjs';
import { connect, ask } from './client.mjs';
import { extraVariants } from './variants-extra.mjs'; // second round: checked by check-extra.mjs instead

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isStrList = (a) => Array.isArray(a) && a.every((x) => typeof x === 'string');

function checkAnswer(evts, { room, kind = 'CHAT' } = {}) {
  const errs = [];
  if (!evts.length) return ['no answer'];
  const stops = [];
  evts.forEach((e, i) => {
    if (e.event !== `${kind}_SS`) errs.push(`event ${e.event}`);
    const d = e.args[0]?.data;
    if (!d || typeof d !== 'object') { errs.push('no data envelope'); return; }
    if (typeof d.delta !== 'string') errs.push('delta not a string');
    if (typeof d.room !== 'string' || !d.room) errs.push('room missing');
    else if (room && d.room !== room) errs.push(`room ${d.room} != ${room}`);
    if (d.finish_reason === 'stop') stops.push(i);
    else if (d.finish_reason != null && d.finish_reason !== '') errs.push(`partial finish_reason ${d.finish_reason}`);
    const r = d.received;
    if (!r || typeof r !== 'object') errs.push('received missing');
    else {
      if (!r.clue || typeof r.clue !== 'object' || !isStrList(r.clue.data)) errs.push('received.clue bad');
      if (!isStrList(r.alter)) errs.push('received.alter bad');
    }
  });
  if (stops.length !== 1) errs.push(`${stops.length} stop frames`);
  else if (stops[0] !== evts.length - 1) errs.push('frames after stop');
  return [...new Set(errs)];
}

async function run(v) {
  const findings = [];
  const note = (name, errs) => { if (errs.length) findings.push(`${name}: ${errs.join('; ')}`); };
  const srv = await v.start();
  const tag = Math.random().toString(36).slice(2, 8);
  try {
    // 1. object payload with a room, a bystander connected after the asker, then a JSON-string follow-up.
    const a = await connect(srv.url);
    const by = await connect(srv.url);
    const room = `r-${tag}`;
    const e1 = await ask(a, { text: `丢了身份证怎么办 ${tag}?`, room, upload_id: '' });
    note('object payload', checkAnswer(e1, { room }));
    const freshHistory = (name, evts) => {
      const h = evts.find((e) => e.args[0]?.data?.received)?.args[0].data.received.history;
      if (Array.isArray(h) && h.length) note(name, [`history not empty: ${JSON.stringify(h).slice(0, 60)}`]);
    };
    freshHistory('fresh room', e1);
    const e2 = await ask(a, JSON.stringify({ text: '补办要带什么材料', room, sid: '1234567', upload_id: '' }));
    note('string follow-up', checkAnswer(e2, { room }));
    note('bystander', by.events.length ? [`received ${by.events.length} events`] : []);
    // 2. no room: any non-empty room, answer to the asker.
    const e3 = await ask(by, { text: '你好', upload_id: '' });
    note('no room', checkAnswer(e3));
    freshHistory('other client, fresh room', e3);
    a.close(); by.close();
    // 3. extras (optional): if answered, same envelope under <KIND>_SS.
    const x = await connect(srv.url);
    for (const k of ['SUM', 'QA', 'GEN']) {
      const ex = await ask(x, { text: '总结一下', room: `x-${tag}`, upload_id: '' }, { event: `${k}_CS`, timeout: 1500 });
      if (ex.length) note(`${k}_CS`, checkAnswer(ex, { room: `x-${tag}`, kind: k }));
    }
    x.close();
    // 4. bad payloads, then a valid question on the same connection and on a new one.
    const b = await connect(srv.url);
    let dropped = false;
    b.on('disconnect', () => { dropped = true; });
    for (const p of ['not json {', 42, null, [], {}, { text: 5 }, { text: ['a'] }, '"just a string"']) b.emit('CHAT_CS', p);
    await sleep(300);
    const badAnswers = b.events.length;
    if (dropped) note('bad payloads', ['connection dropped']);
    else note('after bad payloads', checkAnswer(await ask(b, { text: '还在吗', room: `b-${tag}`, upload_id: '' }), { room: `b-${tag}` }));
    b.close();
    try {
      const c = await connect(srv.url);
      note('new connection after bad payloads', checkAnswer(await ask(c, { text: '你好', room: `c-${tag}`, upload_id: '' }), { room: `c-${tag}` }));
      c.close();
    } catch (e) { note('new connection after bad payloads', [e.message]); }
    return { findings, info: `bad payloads answered with ${badAnswers} events` };
  } finally {
    await srv.close();
  }
}

const only = process.argv.slice(2);
const secondRound = new Set(extraVariants.map((v) => v.id));
const chosen = variants.filter((v) => (only.length ? only.includes(v.id) : !secondRound.has(v.id)));
const out = await Promise.all(chosen.map(async (v) => {
  try { return { v, ...(await run(v)) }; } catch (e) { return { v, findings: [`crash: ${e.message}`], info: '' }; }
}));
let bad = 0;
for (const { v, findings, info } of out) {
  const verdict = findings.length ? 'fail' : 'pass';
  const ok = verdict === v.expect;
  if (!ok) bad++;
  console.log(`${ok ? 'OK  ' : 'MISS'} ${v.expect} ${v.id}: ${findings.join(' | ') || 'clean'} (${info})`);
}
console.log(bad ? `${bad} variant(s) not as expected` : 'all variants as expected');
process.exit(bad ? 1 : 0);
