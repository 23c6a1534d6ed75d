// Shows the raw bytes of one answer of one variant, to confirm on the wire what it varies or breaks.
// usage: node rawdump.mjs <variant-id> [stream|plain|bad-stream|bad-plain] [gzip] [max-bytes]
//   bad-*: the request has no timeStamp. gzip: sends Accept-Encoding: gzip. Reads for at most 3 s.
import net from 'node:net';
import { variants } from './servers.mjs';

const [id, mode = 'stream', ...rest] = process.argv.slice(2);
const gzip = rest.includes('gzip');
const max = Number(rest.find((x) => /^\d+$/.test(x)) ?? 1800);
const v = variants.find((x) => x.id === id);
if (!v) throw new Error(`no variant ${id}`);
const s = await v.start();
const { hostname, port } = new URL(s.url);
const body = JSON.stringify({ sessionId: `raw-${Date.now()}`, ...(mode.startsWith('bad') ? {} : { timeStamp: new Date().toISOString() }), text: '发生了交通事故' });
const path = mode.endsWith('stream') ? '/chat?stream=true' : '/chat';
const req =
  `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n` +
  (gzip ? 'Accept-Encoding: gzip\r\n' : '') + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
const sock = net.connect(Number(port), hostname);
const chunks = [];
let how = 'closed by server';
sock.on('data', (c) => chunks.push(c));
sock.on('error', (e) => (how = `error ${e.code}`));
sock.write(req);
const t0 = Date.now();
await new Promise((r) => {
  sock.on('close', r);
  setTimeout(() => ((how = 'still open after 3 s'), sock.destroy(), r()), 3000);
});
const buf = Buffer.concat(chunks);
// UTF-8 view; \r, the BOM, other control characters and undecodable bytes (as U+FFFD) made visible
const shown = buf
  .subarray(0, max)
  .toString('utf8')
  .replace(/[\x00-\x09\x0b-\x1f\x7f\ufeff]/g, (c) => (c === '\r' ? '\\r' : c === '\ufeff' ? '<BOM>' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
console.log(shown.replace(/\n/g, '\\n\n') + (buf.length > max ? `\n... (${buf.length} bytes in all)` : ''));
console.log(`--- ${buf.length} bytes in ${chunks.length} reads, ${how} after ${Date.now() - t0} ms`);
await s.close();
process.exit(0);
