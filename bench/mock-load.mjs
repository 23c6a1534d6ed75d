// The load client, in its own process and cheaper than the servers it loads: raw node:net
// sockets, a hand-written request, no HTTP parsing beyond finding the end of each answer.
//   node bench/mock-load.mjs burst PORT CLIENTS MS   keep-alive clients asking for 50-frame answers
//   node bench/mock-load.mjs held PORT STREAMS SCENARIO GAP_MS   streams held open, each frame timed
// Prints one JSON line.
import { connect } from 'node:net';

const [kind, portText, countText, arg4, arg5] = process.argv.slice(2);
const port = Number(portText);
const count = Number(countText);
const TAIL = Buffer.from('\r\n0\r\n\r\n'); // the last chunk of a chunked answer
const DATA = Buffer.from('\ndata: ');

function request(scenario) {
  const body = JSON.stringify({ query_text: '2路汽车在哪里乘坐', session_id: 'bench', stream: '1' });
  return Buffer.from(
    `POST /v1/ctai/query_text_chat HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n` +
      `x-chatwire-scenario: ${scenario}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Whether the bytes seen so far end with the terminal chunk, given this chunk and the last few bytes before it. */
function ends(tail, chunk) {
  const joined = chunk.length >= TAIL.length ? chunk.subarray(chunk.length - TAIL.length) : Buffer.concat([tail, chunk]).subarray(-TAIL.length);
  return joined.equals(TAIL);
}

const median = (values) => (values.length === 0 ? 0 : [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);

if (kind === 'burst') {
  const durationMs = Number(arg4);
  const ask = request('bench-burst');
  let answers = 0;
  let bytes = 0;
  let failed = 0;
  let checked = false;
  const ttfb = [];
  const started = performance.now();
  const until = started + durationMs;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve) => {
          const socket = connect(port, '127.0.0.1');
          socket.setNoDelay(true);
          let sent = 0;
          let first = true;
          let tail = Buffer.alloc(0);
          let text = checked ? undefined : '';
          const send = () => {
            if (performance.now() >= until) return void socket.end(resolve);
            sent = performance.now();
            first = true;
            socket.write(ask);
          };
          socket.on('connect', send);
          socket.on('error', () => {
            failed++;
            resolve();
          });
          socket.on('data', (chunk) => {
            if (first) {
              ttfb.push(performance.now() - sent);
              first = false;
            }
            bytes += chunk.length;
            if (text !== undefined) text += chunk.toString('latin1');
            if (!ends(tail, chunk)) {
              tail = chunk.length >= TAIL.length ? chunk.subarray(-TAIL.length) : Buffer.concat([tail, chunk]).subarray(-TAIL.length);
              return;
            }
            tail = Buffer.alloc(0);
            answers++;
            if (text !== undefined) {
              // The first answer is read whole once: 50 frames, or the benchmark measures nothing.
              const frames = text.split('\ndata: ').length - 1;
              if (!text.startsWith('HTTP/1.1 200') || frames !== 50) throw new Error(`unexpected answer (${frames} frames): ${text.slice(0, 300)}`);
              checked = true;
              text = undefined;
            }
            send();
          });
        }),
    ),
  );
  const ms = performance.now() - started;
  console.log(JSON.stringify({ answers, frames: answers * 50, ms: Math.round(ms), bytes, failed, ttfbP50: Math.round(median(ttfb) * 10) / 10 }));
} else if (kind === 'held') {
  const scenario = arg4;
  const gapLimit = Number(arg5);
  const ask = request(scenario);
  const streams = [];
  const opened = performance.now();
  let connected = 0;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve) => {
          const stream = { framing: false, worstGap: 0, last: 0, complete: false, failed: false };
          streams.push(stream);
          let tail = Buffer.alloc(0);
          const socket = connect(port, '127.0.0.1');
          socket.on('connect', () => (connected++, socket.write(ask)));
          socket.on('error', () => ((stream.failed = true), resolve()));
          socket.on('close', resolve);
          socket.on('data', (chunk) => {
            const now = performance.now();
            // The gaps between frames, from the first frame on (the head may come alone, before it).
            if (stream.framing) stream.worstGap = Math.max(stream.worstGap, now - stream.last);
            else stream.framing = chunk.includes(DATA);
            stream.last = now;
            if (ends(tail, chunk)) return void ((stream.complete = true), socket.destroy(), resolve());
            tail = Buffer.concat([tail, chunk]).subarray(-TAIL.length);
          });
        }),
    ),
  );
  const gaps = streams.map((stream) => stream.worstGap);
  const onTime = streams.filter((stream) => stream.complete && stream.worstGap <= gapLimit).length;
  console.log(
    JSON.stringify({
      streams: count,
      connected,
      complete: streams.filter((stream) => stream.complete).length,
      onTime,
      worstGapP50: Math.round(median(gaps)),
      worstGapMax: Math.round(Math.max(...gaps)),
      ms: Math.round(performance.now() - opened),
    }),
  );
} else {
  throw new Error('usage: node bench/mock-load.mjs burst|held …');
}
