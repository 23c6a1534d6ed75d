// Starts every pocketqa variant, asks one question (object payload) and one follow-up
// (JSON-string payload, same room) on one connection, prints a line per variant, closes all.
// usage: node test/adversaries/pocketqa/smoke.mjs
import { variants } from './servers.mjs';
import { connect, ask, summarise } from './client.mjs';

const ids = new Set(variants.map((v) => v.id));
if (ids.size !== variants.length) throw new Error('duplicate variant ids');

const results = await Promise.all(variants.map(async (v) => {
  let srv;
  try {
    srv = await v.start();
    const s = await connect(srv.url);
    const room = `smoke-${v.id}`;
    const a = summarise(await ask(s, { text: '身份证丢了应该怎么办?', room, dialogue: 'd1', upload_id: '' }));
    const b = summarise(await ask(s, JSON.stringify({ text: '补办要带什么材料', room, sid: '1234567', upload_id: '' })));
    s.close();
    const fmt = (r) => `${r.n} ev [${r.names}] stops=${r.stops} rooms=${r.rooms.join('|')} "${r.text.slice(0, 18)}…"`;
    return `${v.expect.padEnd(4)} ${v.id.padEnd(30)} q1: ${fmt(a)} | q2: ${fmt(b)}`;
  } catch (e) {
    return `${v.expect.padEnd(4)} ${v.id.padEnd(30)} ERROR ${e.message}`;
  } finally {
    const t0 = Date.now();
    await srv?.close();
    if (Date.now() - t0 > 3000) console.error(`${v.id}: close took ${Date.now() - t0} ms`);
  }
}));
for (const line of results) console.log(line);
console.log(`${variants.length} variants (${variants.filter((v) => v.expect === 'pass').length} pass, ` +
  `${variants.filter((v) => v.expect === 'fail').length} fail) started, answered and closed`);
process.exit(0);
