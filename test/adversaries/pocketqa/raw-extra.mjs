// Shows the raw Engine.IO v4 long-polling bytes of one answer, to see a variant's behaviour on the wire.
// usage: node test/adversaries/pocketqa/raw-extra.mjs ID [json-payload-or-string] [--string] [--bytes=N]
//   default payload: {"text":"身份证丢了应该怎么办?","upload_id":""}; --string sends it as a JSON string (like the
//   document's client). Prints the handshake's HTTP version and headers, then every polling response body.
import http from 'node:http';
import { variants } from './servers.mjs';

const [id, ...rest] = process.argv.slice(2);
const asString = rest.includes('--string');
const limit = Number((rest.find((a) => a.startsWith('--bytes=')) ?? '--bytes=1500').slice(8));
const payloadArg = rest.find((a) => !a.startsWith('--'));
const v = variants.find((x) => x.id === id);
if (!v) { console.error(`unknown id ${id}`); process.exit(2); }

function req(url, method = 'GET', body, timeout = 4000) {
  return new Promise((resolve, reject) => {
    const r = http.request(url, { method, headers: body ? { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body) } : {}, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks).toString('utf8') }));
    });
    r.on('error', reject);
    r.setTimeout(timeout, () => r.destroy(new Error('timeout')));
    if (body) r.write(body);
    r.end();
  });
}

const srv = await v.start();
try {
  const base = `${srv.url}/socket.io/?EIO=4&transport=polling`;
  const hs = await req(base);
  console.log(`handshake: HTTP/${hs.res.httpVersion} ${hs.res.statusCode}`, JSON.stringify(hs.res.headers));
  console.log('  body:', JSON.stringify(hs.body));
  const sid = JSON.parse(hs.body.slice(1)).sid;
  const url = `${base}&sid=${encodeURIComponent(sid)}`;
  await req(url, 'POST', '40');
  console.log('  connect ->', JSON.stringify((await req(url)).body));
  const obj = payloadArg ? JSON.parse(payloadArg) : { text: '身份证丢了应该怎么办?', upload_id: '' };
  await req(url, 'POST', `42${JSON.stringify(['CHAT_CS', asString ? JSON.stringify(obj) : obj])}`);
  const t0 = Date.now();
  let seenStop = false;
  while (Date.now() - t0 < 6000) {
    let r;
    try { r = await req(url, 'GET', undefined, seenStop ? 900 : 4000); } catch (e) {
      console.log(seenStop ? '  (nothing more within 900 ms after the stop)' : `  poll: ${e.message}`);
      break;
    }
    const b = r.body;
    console.log(`  +${Date.now() - t0}ms HTTP/${r.res.httpVersion} ${r.res.statusCode} ${r.res.headers['content-type']} ` +
      `${Buffer.byteLength(b)} B: ${JSON.stringify(b.length > limit ? `${b.slice(0, limit)}…` : b)}`);
    if (b === '1' || r.res.statusCode !== 200) break;
    if (/finish_reason\\?"\s*:\s*\\?"stop/.test(b)) seenStop = true;
  }
} finally {
  await srv.close();
}
process.exit(0);
