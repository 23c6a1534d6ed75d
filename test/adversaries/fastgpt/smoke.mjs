// Starts every variant, makes a non-stream and a streaming request against each, prints one
// line per variant, closes everything. Usage: node test/adversaries/fastgpt/smoke.mjs
import { variants } from './servers.mjs';

const withTimeout = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(() => r('(timeout)'), ms))]);

async function readAll(res, ms) {
  const reader = res.body.getReader();
  const chunks = [];
  const done = (async () => { for (;;) { const { value, done } = await reader.read(); if (done) return 'end'; chunks.push(value); } })();
  const how = await withTimeout(done, ms);
  if (how !== 'end') await reader.cancel().catch(() => {});
  return { text: Buffer.concat(chunks.map((c) => Buffer.from(c))).toString('utf8'), ended: how === 'end' };
}

const servers = await Promise.all(variants.map(async (v) => ({ v, s: await v.start() })));
let bad = 0;
const lines = [];
await Promise.all(servers.map(async ({ v, s }, idx) => {
  try {
    const post = (body) => fetch(`${s.url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    });
    const r1 = await post({ chatId: `smoke-${v.id}`, stream: false, detail: false, messages: [{ role: 'user', content: '导演是谁' }] });
    const j = await r1.json();
    const r2 = await post({ chatId: `smoke-${v.id}`, stream: true, detail: true, messages: [{ role: 'user', content: '再说一次' }] });
    const { text, ended } = await readAll(r2, 3000);
    const frames = text.split(/\r\n\r\n|\n\n|\r\r/).filter((f) => f.trim()).length;
    const line = `${v.expect.padEnd(4)} ${v.id.padEnd(30)} json=${r1.status} "${String(j?.choices?.[0]?.message?.content).slice(0, 16)}" ` +
      `sse=${r2.status} ${r2.headers.get('content-type')} frames=${frames} ${ended ? 'closed' : 'OPEN'} done=${(text.match(/\[DONE\]/g) || []).length}`;
    lines[idx] = line;
  } catch (e) {
    // A faulty variant whose fault breaks the client (cut stream, truncated JSON) is as expected.
    if (v.expect === 'fail') lines[idx] = `fail ${v.id.padEnd(30)} (fault visible to the client: ${e.message})`;
    else { bad++; lines[idx] = `ERR  ${v.id}: ${e.message}`; }
  }
}));
console.log(lines.join('\n'));
await Promise.all(servers.map(({ s }) => s.close()));
console.log(`${variants.length} variants (${variants.filter((v) => v.expect === 'pass').length} pass, ${variants.filter((v) => v.expect === 'fail').length} fail)${bad ? `, ${bad} errors` : ''}`);
process.exit(bad ? 1 : 0);
