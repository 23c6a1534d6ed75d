// CPU time per frame of the proxy's judge alone, in one process, beside the least any judge does:
// `node bench/proxy-judge.mjs` (after npm run build). The same ctai flood as bench/proxy.mjs, fed
// chunk by chunk to the proxy's live exchange (every ctai and HTTP stream rule) and, alternately, to
// eventsource-parser + JSON.parse. BENCH_FRAMES (200,000) and BENCH_ROUNDS (5) change the sizes.
import { createParser } from 'eventsource-parser';

const FRAMES = Number(process.env.BENCH_FRAMES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const dist = new URL('../dist/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);
const { selectProtocols } = await load('protocols/index.js');
const { httpRules } = await load('transports/http/rules.js');
const { LiveExchange } = await load('proxy/live.js');
const { streamSink } = await load('proxy/answer.js');
const { Ledger } = await load('proxy/ledger.js');
const { systemClock } = await load('core/clock.js');

/** The upstream's bytes, 100 packets a chunk, as bench/proxy.mjs's backend writes them. */
const chunks = [];
for (let i = 0; i < FRAMES;) {
  let text = '';
  for (const end = Math.min(FRAMES, i + 100); i < end; i++) {
    const last = i === FRAMES - 1;
    const id = `b-${i}-0`;
    const packet = { ret: '0', msg: '', data: { msg_id: id, msg_sn: String(i), event: last ? 'stop' : '', answer_text: last ? '' : '字' } };
    text += `id: ${id}\ndata: ${JSON.stringify(packet)}\n\n`;
  }
  chunks.push(Buffer.from(text));
}

const [protocol] = await selectProtocols(['ctai']);
const ledger = new Ledger({ protocol: 'ctai', doc: protocol.doc, onDeviation: () => undefined });
const body = JSON.stringify({ query_text: 'bench', session_id: 'bench', stream: '1' });
const request = { method: 'POST', url: 'http://127.0.0.1/v1/ctai/query_text_chat', headers: { accept: 'text/event-stream' }, body };

function chatwire() {
  const live = new LiveExchange({
    ledger,
    clock: systemClock,
    method: 'POST',
    path: '/v1/ctai/query_text_chat',
    scope: 'stream',
    rules: [...protocol.rules, ...httpRules],
    context: { request, requestJson: JSON.parse(body), live: true },
    requestDeviations: [],
    maxFrames: Number.MAX_SAFE_INTEGER,
  });
  live.response({ status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' }, atMs: 0 });
  const sink = streamSink(live, Number.MAX_SAFE_INTEGER);
  for (const chunk of chunks) sink.chunk(chunk);
  sink.finish(() => live.end({ type: 'closed', atMs: live.elapsed() }));
  if (ledger.report('bench', false).totals.errors > 0) throw new Error('the judge found deviations in a conformant flood');
  return live.frames;
}

function baseline() {
  let frames = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parser = createParser({
    onEvent: (event) => {
      JSON.parse(event.data);
      frames++;
    },
  });
  for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
  return frames;
}

const perFrame = { baseline: [], chatwire: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, run] of Object.entries({ baseline, chatwire })) {
    const before = process.cpuUsage();
    const frames = run();
    const used = process.cpuUsage(before);
    if (frames !== FRAMES) throw new Error(`${name} judged ${frames} of ${FRAMES} frames`);
    perFrame[name].push((used.user + used.system) / frames);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const [b, c] = [median(perFrame.baseline), median(perFrame.chatwire)];
console.log(`Node ${process.versions.node}; ${FRAMES.toLocaleString('en')} ctai packets; median CPU per frame over ${ROUNDS} rounds\n`);
console.log(`| judge | CPU per frame |\n|---|---:|\n| eventsource-parser + JSON.parse | ${b.toFixed(2)} µs |\n| chatwire proxy | ${c.toFixed(2)} µs |`);
console.log(`\nchatwire's judge costs ${(c / b).toFixed(2)}× the least a judge does`);
