// Shows the raw bytes of one answer of a variant, read straight off the TCP socket (each socket
// read on its own line, with its time). Usage:
//   node rawdump.mjs <variant-id> [plain|detail|json|nokey|plugin|select] [--gzip] [--max=4000]
import net from 'node:net';
import { variants } from './servers.mjs';

const [id, mode = 'detail', ...flags] = process.argv.slice(2);
const v = variants.find((x) => x.id === id);
if (!v) { console.error(`unknown variant ${id}`); process.exit(2); }
const max = Number((flags.find((f) => f.startsWith('--max=')) || '--max=4000').slice(6));
const s = await v.start();
const { port } = new URL(s.url);
const bodies = {
  plain: { chatId: 'raw1', stream: true, detail: false, messages: [{ role: 'user', content: '导演是谁' }] },
  detail: { chatId: 'raw2', stream: true, detail: true, messages: [{ role: 'user', content: '导演是谁' }] },
  json: { chatId: 'raw3', stream: false, detail: false, messages: [{ role: 'user', content: '导演是谁' }] },
  nokey: { stream: true, messages: [{ role: 'user', content: 'hi' }] },
  plugin: { stream: true, variables: { query: '你好' } },
  select: { chatId: 'raw4', stream: true, detail: true, messages: [{ role: 'user', content: '开始' }] }
};
const key = mode === 'nokey' ? '' : mode === 'plugin' ? s.vars.pluginAppKey : mode === 'select' ? s.vars.selectAppKey : s.token;
const body = JSON.stringify(bodies[mode]);
const req = [`POST /api/v1/chat/completions HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Content-Type: application/json',
  `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', ...(key ? [`Authorization: Bearer ${key}`] : []),
  ...(flags.includes('--gzip') ? ['Accept-Encoding: gzip'] : []), '', body].join('\r\n');
const t0 = Date.now();
let shown = 0;
await new Promise((resolve) => {
  const c = net.connect(Number(port), '127.0.0.1', () => c.write(req));
  const stop = setTimeout(() => { console.log(`[${Date.now() - t0} ms] still open after 5 s — closing from the client side`); c.destroy(); resolve(); }, 5000);
  c.on('data', (d) => {
    if (shown < max) console.log(`[${String(Date.now() - t0).padStart(4)} ms] ${JSON.stringify(d.toString('latin1') === d.toString('utf8') ? d.toString('utf8') : d.toString('utf8')).slice(0, max - shown)}`);
    shown += d.length;
  });
  c.on('error', (e) => console.log(`[${Date.now() - t0} ms] socket error ${e.code}`));
  c.on('close', () => { clearTimeout(stop); console.log(`[${Date.now() - t0} ms] closed by server (${shown} bytes)`); resolve(); });
});
await s.close();
process.exit(0);
