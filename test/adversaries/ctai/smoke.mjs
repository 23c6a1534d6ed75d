// Starts every variant, sends one streaming and one non-streaming documented request to each,
// prints one line per variant, closes everything and exits 0.
// Usage: node test/adversaries/ctai/smoke.mjs
import { variants } from './servers.mjs';
import { post, parseSse } from './wire.mjs';

const started = await Promise.all(variants.map(async (v) => ({ v, s: await v.start() })));
let broken = 0;
await Promise.all(started.map(async ({ v, s }) => {
  const t0 = Date.now();
  const sid = `smoke-${v.id}`;
  const st = await post(s.url, { query_text: '你好，请问2路汽车在哪里乘坐', session_id: sid, stream: '1' }, 2500);
  const ms = Date.now() - t0;
  const evs = parseSse(st.text);
  let last = '';
  try { last = JSON.parse(evs[evs.length - 1].data).data?.event ?? '(none)'; } catch { last = '(unparsed)'; }
  const pl = await post(s.url, { query_text: 'second turn', session_id: sid, stream: '0' }, 2500);
  if (!st.status || !pl.status) broken += 1;
  console.log(`${v.expect} ${v.id.padEnd(34)} stream: ${st.status} ${st.type.split(';')[0]} `
    + `${evs.length} packets, last event=${last}, ${st.ended ? 'closed' : 'held open'} in ${ms} ms | `
    + `plain: ${pl.status} ${pl.type.split(';')[0]} ${pl.bytes.length} bytes`);
}));
await Promise.all(started.map(({ s }) => s.close()));
console.log(`${variants.length} variants (${variants.filter((v) => v.expect === 'pass').length} pass, `
  + `${variants.filter((v) => v.expect === 'fail').length} fail) started, answered and closed`
  + (broken ? `; ${broken} did not answer` : ''));
process.exit(0);
