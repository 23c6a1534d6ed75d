// Latency per frame and throughput through `chatwire proxy`, against the direct path, side by side.
// `node bench/proxy.mjs` (after npm run build). The upstream and the proxy each run in their own
// process, as in use; this process is the client. BENCH_ROUNDS, BENCH_FRAMES, BENCH_PACED change the sizes.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createParser } from 'eventsource-parser';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const FLOOD = Number(process.env.BENCH_FRAMES ?? 200_000);
const PACED = Number(process.env.BENCH_PACED ?? 2_000);
const PATH = '/v1/ctai/query_text_chat';
/** A wall clock in ms with sub-millisecond resolution that agrees across processes on one machine. */
const wall = () => performance.timeOrigin + performance.now();

const packet = (i, last, stamp) => {
  const id = `b-${i}-${stamp}`;
  return `id: ${id}\ndata: ${JSON.stringify({ ret: '0', msg: '', data: { msg_id: id, msg_sn: String(i), event: last ? 'stop' : '', answer_text: last ? '' : '字' } })}\n\n`;
};

if (process.argv[2] === 'upstream') {
  // A ctai backend: `paced` writes one packet every millisecond or so, stamped with its send time;
  // `flood` writes as fast as the connection takes them, 100 packets a write.
  const server = createServer(async (req, res) => {
    const mode = new URL(req.url, 'http://x').searchParams.get('mode');
    for await (const _ of req);
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    if (mode === 'paced') {
      for (let i = 0; i < PACED; i++) {
        res.write(packet(i, i === PACED - 1, wall().toFixed(3)));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    } else {
      for (let i = 0; i < FLOOD;) {
        let text = '';
        for (const end = Math.min(FLOOD, i + 100); i < end; i++) text += packet(i, i === FLOOD - 1, 0);
        if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve));
      }
    }
    res.end();
  });
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
} else {
  const children = [];
  const start = (args, pattern) =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const match = pattern.exec(out);
        if (match) resolve(match[1]);
      });
      child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${out}`)));
    });
  const upstream = await start([new URL(import.meta.url).pathname, 'upstream'], /(http:\S+)/);
  // BENCH_RELAY: a bare relay with a stand-in judge of known cost instead of chatwire (bench/reference-relay.mjs).
  const reference = process.env.BENCH_RELAY !== undefined;
  const proxy = await start(
    reference
      ? [new URL('./reference-relay.mjs', import.meta.url).pathname, upstream]
      : [
          ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : []),
          'dist/cli/main.js',
          'proxy',
          'ctai',
          '--target',
          upstream,
          '--port',
          '0',
          '--max-frames',
          '10000000',
        ],
    /listening on (http:\S+),/,
  );

  /** One streamed answer read as a client reads it (eventsource-parser, JSON.parse): frames, elapsed ms, each frame's latency when stamped. */
  const read = async (base, mode) => {
    const started = performance.now();
    const response = await fetch(`${base}${PATH}?mode=${mode}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query_text: 'bench', session_id: 'bench', stream: '1' }),
    });
    const latencies = [];
    let frames = 0;
    const parser = createParser({
      onEvent: (event) => {
        frames++;
        // Every client reads each packet's JSON (the SDKs do); the stamp is in its msg_id.
        const packet = JSON.parse(event.data);
        if (mode === 'paced') latencies.push(wall() - Number(packet.data.msg_id.split('-')[2]));
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body) parser.feed(decoder.decode(chunk, { stream: true }));
    return { frames, ms: performance.now() - started, latencies };
  };
  const pct = (values, p) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  };
  const median = (values) => pct(values, 50);

  const results = { direct: { rates: [], p50: [], p99: [] }, proxy: { rates: [], p50: [], p99: [] } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, base] of [
      ['direct', upstream],
      ['proxy', proxy],
    ]) {
      const paced = await read(base, 'paced');
      const flood = await read(base, 'flood');
      if (flood.frames !== FLOOD || paced.frames !== PACED) throw new Error(`${name}: ${flood.frames}/${FLOOD} and ${paced.frames}/${PACED} frames`);
      results[name].p50.push(pct(paced.latencies, 50));
      results[name].p99.push(pct(paced.latencies, 99));
      results[name].rates.push((flood.frames / flood.ms) * 1000);
    }
  }
  const deviations = reference ? { total: 'none (reference relay)' } : await (await fetch(`${proxy}/_chatwire/deviations`)).json();
  for (const child of children) child.kill('SIGINT');

  const row = (name) => {
    const r = results[name];
    return `| ${name} | ${median(r.p50).toFixed(3)} ms | ${median(r.p99).toFixed(3)} ms | ${Math.round(median(r.rates)).toLocaleString('en')} |`;
  };
  console.log(
    `Node ${process.versions.node}; ${PACED} paced frames (one a millisecond) for latency, ${FLOOD} frames as fast as they go for throughput; median of ${ROUNDS} rounds\n`,
  );
  console.log('| path | latency p50 | latency p99 | frames/s |');
  console.log('|---|---:|---:|---:|');
  console.log(row('direct'));
  console.log(row('proxy'));
  const added = median(results.proxy.p50) - median(results.direct.p50);
  const ratio = median(results.proxy.rates) / median(results.direct.rates);
  console.log(
    `\nthe proxy adds ${added.toFixed(3)} ms at p50 (target: under 1 ms) and runs at ${ratio.toFixed(2)}× the direct frames/s (target: at least 0.7×)`,
  );
  console.log(`deviations the proxy found: ${deviations.total}`);
}
