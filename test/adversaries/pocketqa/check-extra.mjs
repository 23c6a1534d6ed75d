// Independent rule check for the second-round variants (variants-extra.mjs), written from document 001 and the
// digest alone. Beyond check.mjs it probes: a room-less question with a bystander connected, several clients
// asking at the same moment, two questions at once on one socket, JSON-string payloads with a room, and bad
// payloads. Events that are not answers (names not ending in _SS, e.g. a greeting or an 'error' for a bad
// payload sent to the asker itself) are not judged, except that a bystander must get nothing of another
// client's answer. usage: node test/adversaries/pocketqa/check-extra.mjs [id ...]
import { extraVariants } from './variants-extra.mjs';
import { connect, ask } from './client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const isStrList = (a) => Array.isArray(a) && a.every((x) => typeof x === 'string');
const answers = (evts) => evts.filter((e) => /_ss$/i.test(e.event));

function checkAnswer(all, { room, kind = 'CHAT', mine } = {}) {
  const evts = answers(all);
  const errs = [];
  if (!evts.length) return ['no answer'];
  const stops = [];
  evts.forEach((e, i) => {
    if (e.event !== `${kind}_SS`) errs.push(`event ${e.event}`);
    const p = e.args[0];
    const d = p && typeof p === 'object' ? p.data : undefined;
    if (!d || typeof d !== 'object') { errs.push(`no data envelope (${typeof p})`); return; }
    if (typeof d.delta !== 'string') errs.push(`delta ${JSON.stringify(d.delta)}`);
    if (typeof d.room !== 'string' || !d.room) errs.push('room missing');
    else if (room && d.room !== room) errs.push(`room ${d.room} != ${room}`);
    if (d.finish_reason === 'stop') stops.push(i);
    else if (d.finish_reason != null && d.finish_reason !== '') errs.push(`finish_reason ${d.finish_reason}`);
    const r = d.received;
    if (!r || typeof r !== 'object') errs.push('received missing');
    else {
      if (!r.clue || typeof r.clue !== 'object' || !isStrList(r.clue.data)) errs.push('received.clue.data not strings');
      if (!isStrList(r.alter)) errs.push('received.alter bad');
      if (mine && typeof r.text === 'string' && !r.text.includes(mine)) errs.push(`received.text of another request: ${r.text}`);
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
    // 1. room-less question (object, then the document's JSON string) with a bystander connected.
    const a = await connect(srv.url);
    const by = await connect(srv.url);
    await sleep(100);
    const byBase = by.events.length;
    note('no room, object', checkAnswer(await ask(a, { text: `身份证丢了怎么办 ${tag}?`, upload_id: '' }, { quiet: 600 })));
    note('no room, JSON string', checkAnswer(await ask(a, JSON.stringify({ text: `你好 ${tag}`, sid: '1234567', upload_id: '' }), { quiet: 600 })));
    // 2. a room, object then JSON-string follow-up in the same room.
    const room = `r-${tag}`;
    note('room, object', checkAnswer(await ask(a, { text: `补办要多久 ${tag}`, room, dialogue: 'd1', upload_id: '' }), { room }));
    note('room, JSON string', checkAnswer(await ask(a, JSON.stringify({ text: `要带什么 ${tag}`, room, sid: '1234567', upload_id: '' })), { room }));
    const leaked = by.events.slice(byBase).filter((e) => /_ss$/i.test(e.event) || JSON.stringify(e.args).includes(tag));
    note('bystander', leaked.length ? [`got ${leaked.length} events of the asker's answers`] : []);
    a.close(); by.close();
    // 3. five clients ask at the same moment, each in its own room.
    const many = await Promise.all([0, 1, 2, 3, 4].map(() => connect(srv.url)));
    const res = await Promise.all(many.map((s, i) => ask(s, { text: `并发问题${i} ${tag}`, room: `p${i}-${tag}`, upload_id: '' })));
    res.forEach((evts, i) => note(`concurrent #${i}`, checkAnswer(evts, { room: `p${i}-${tag}`, mine: `并发问题${i} ${tag}` })));
    many.forEach((s) => s.close());
    // 4. two questions at once on one socket, different rooms: each room's frames form one answer.
    const t = await connect(srv.url);
    t.emit('CHAT_CS', { text: `甲 ${tag}`, room: `x1-${tag}`, upload_id: '' });
    const both = await ask(t, { text: `乙 ${tag}`, room: `x2-${tag}`, upload_id: '' }, { timeout: 4500, quiet: 900 });
    const byRoom = (r) => [...t.events.filter((e) => e.args[0]?.data?.room === r && !both.includes(e)), ...both.filter((e) => e.args[0]?.data?.room === r)];
    note('two at once x1', checkAnswer(byRoom(`x1-${tag}`), { room: `x1-${tag}` }));
    note('two at once x2', checkAnswer(byRoom(`x2-${tag}`), { room: `x2-${tag}` }));
    t.close();
    // 5. bad payloads, then a valid question on the same connection.
    const b = await connect(srv.url);
    let dropped = false;
    b.on('disconnect', () => { dropped = true; });
    for (const p of ['not json {', 42, null, [], {}, { text: 5 }, { room: 'r' }, '"just a string"']) b.emit('CHAT_CS', p);
    await sleep(300);
    const badAnswers = answers(b.events).length;
    const badOther = b.events.length - badAnswers;
    if (badAnswers) note('bad payloads', [`${badAnswers} answer events`]);
    if (dropped) note('bad payloads', ['connection dropped']);
    else note('after bad payloads', checkAnswer(await ask(b, { text: '还在吗', room: `b-${tag}`, upload_id: '' }), { room: `b-${tag}` }));
    b.close();
    return { findings, info: `${badOther} non-answer events for bad payloads` };
  } finally {
    await srv.close();
  }
}

const only = process.argv.slice(2);
const chosen = extraVariants.filter((v) => !only.length || only.includes(v.id));
const out = await Promise.all(chosen.map(async (v) => {
  try { return { v, ...(await run(v)) }; } catch (e) { return { v, findings: [`crash: ${e.message}`], info: '' }; }
}));
let bad = 0;
for (const { v, findings, info } of out) {
  const ok = (findings.length ? 'fail' : 'pass') === v.expect;
  if (!ok) bad++;
  console.log(`${ok ? 'OK  ' : 'MISS'} ${v.expect} ${v.id}: ${findings.join(' | ') || 'clean'} (${info})`);
}
console.log(bad ? `${bad} variant(s) not as expected` : 'all variants as expected');
process.exit(bad ? 1 : 0);
