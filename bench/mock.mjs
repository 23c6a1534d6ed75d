// `npm run bench:mock`: the mock under load beside a bare node:http server writing the same
// bytes, each server in its own process, loaded by a raw-socket client in a third.
//   1. throughput: 64 keep-alive clients asking for 50-frame ctai answers with no delay;
//   2. held streams: N streams of a frame every 100 ms for 30 s, each frame on time (gap ≤ 200 ms);
//   3. 10,000 streams of a frame a second, open together: the mock's RSS.
// Results go in bench/README.md. BENCH_ROUNDS, BENCH_MS, BENCH_HELD (levels), BENCH_OPEN change the sizes.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { writeScenarios } from './mock-scenarios.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const burstMs = Number(process.env.BENCH_MS ?? 2000);
const heldLevels = (process.env.BENCH_HELD ?? '1000,2000,3000,5000').split(',').map(Number);
const openStreams = Number(process.env.BENCH_OPEN ?? 10_000);
const parts = (process.env.BENCH_PARTS ?? 'burst,held,open').split(',');
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** A server in its own process: its port, and its CPU time and RSS on demand. */
async function start(mode) {
  const child = fork(here('./mock-server.mjs'), [mode], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [{ port }] = await once(child, 'message');
  const stats = async () => {
    child.send('cpu');
    const [{ cpu, rss }] = await once(child, 'message');
    return { cpuUs: cpu.user + cpu.system, rss };
  };
  return { mode, port, stats, stop: () => child.kill() };
}

/** One load-client run in its own process; its JSON line. */
async function load(args) {
  const child = fork(here('./mock-load.mjs'), args.map(String), { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`load client exited ${code}`);
  return JSON.parse(out);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes) => `${Math.round(bytes / 1024 / 1024)} MB`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
writeScenarios();

if (parts.includes('burst')) {
  const servers = [await start('bare'), await start('mock')];
  // Warm both up (JIT, sockets) before anything is counted.
  for (const server of servers) await load(['burst', server.port, 64, 1000]);
  const results = { bare: [], mock: [] };
  for (let round = 0; round < rounds; round++) {
    for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
      const before = await server.stats();
      const run = await load(['burst', server.port, 64, burstMs]);
      const after = await server.stats();
      if (run.failed > 0) throw new Error(`${server.mode}: ${run.failed} connections failed`);
      results[server.mode].push({ fps: (run.frames / run.ms) * 1000, cpuPerStream: (after.cpuUs - before.cpuUs) / run.answers, ttfb: run.ttfbP50 });
    }
  }
  for (const server of servers) server.stop();
  console.log(`## Throughput: 64 clients, 50-frame answers, median of ${rounds} alternating rounds of ${burstMs} ms\n`);
  console.log('| server | frames/s | server CPU per stream | time to first byte p50 |');
  console.log('|---|---:|---:|---:|');
  const row = (mode) => {
    const fps = median(results[mode].map((r) => r.fps));
    const cpu = median(results[mode].map((r) => r.cpuPerStream));
    console.log(`| ${mode} | ${Math.round(fps).toLocaleString('en')} | ${Math.round(cpu)} µs | ${median(results[mode].map((r) => r.ttfb))} ms |`);
  };
  row('bare');
  row('mock');
  // Each round's mock run beside the bare run next to it: the median of these ratios is what the
  // machine's other load disturbs least.
  const ratios = results.mock.map((r, i) => r.fps / results.bare[i].fps);
  const cpuRatios = results.mock.map((r, i) => results.bare[i].cpuPerStream / r.cpuPerStream);
  const list = (values) => values.map((value) => value.toFixed(2)).join(', ');
  console.log(
    `\nmock / bare, median of the rounds' ratios: ${median(ratios).toFixed(2)}× frames/s, ${median(cpuRatios).toFixed(2)}× CPU per stream (bare's / mock's)`,
  );
  console.log(`rounds, frames/s: ${list(ratios)}\nrounds, CPU: ${list(cpuRatios)}\n`);
}

/** N held streams of `scenario` against a fresh server: how many were on time, and RSS per stream half-way. */
async function held(mode, streams, scenario, midMs) {
  const server = await start(mode);
  await load(['burst', server.port, 8, 300]); // warm up before the idle RSS is read
  global.gc?.();
  await sleep(200);
  const idle = (await server.stats()).rss;
  const running = load(['held', server.port, streams, scenario, 200]);
  await sleep(midMs);
  const loaded = (await server.stats()).rss;
  const result = await running;
  server.stop();
  return { ...result, rss: loaded, perStream: (loaded - idle) / streams };
}

if (parts.includes('held')) {
  console.log('## Held streams: a frame every 100 ms for 30 s, every gap ≤ 200 ms\n');
  console.log('| streams | bare: on time | mock: on time | bare: RSS per stream | mock: RSS per stream | worst gap (bare, mock) |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  const most = { bare: 0, mock: 0 };
  for (const streams of heldLevels) {
    const bare = await held('bare', streams, 'bench-100ms', 15_000);
    const mock = await held('mock', streams, 'bench-100ms', 15_000);
    for (const [mode, r] of [
      ['bare', bare],
      ['mock', mock],
    ])
      if (r.onTime === streams) most[mode] = Math.max(most[mode], streams);
    console.log(
      `| ${streams.toLocaleString('en')} | ${bare.onTime} | ${mock.onTime} | ${(bare.perStream / 1024).toFixed(1)} KB | ${(mock.perStream / 1024).toFixed(1)} KB | ${bare.worstGapMax}, ${mock.worstGapMax} ms |`,
    );
  }
  console.log(`\nHeld with every frame on time: bare ${most.bare}, mock ${most.mock} (${most.bare === 0 ? '–' : (most.mock / most.bare).toFixed(2)}×)\n`);
}

if (parts.includes('open')) {
  console.log(`## ${openStreams.toLocaleString('en')} open streams, a frame a second for 30 s\n`);
  console.log('| server | complete | on time (gap ≤ 1.2 s) | RSS at 15 s | per stream |');
  console.log('|---|---:|---:|---:|---:|');
  for (const mode of ['bare', 'mock']) {
    const server = await start(mode);
    await load(['burst', server.port, 8, 300]);
    const idle = (await server.stats()).rss;
    const running = load(['held', server.port, openStreams, 'bench-1s', 1200]);
    await sleep(15_000);
    const { rss } = await server.stats();
    const result = await running;
    server.stop();
    console.log(`| ${mode} | ${result.complete} | ${result.onTime} | ${mb(rss)} | ${((rss - idle) / openStreams / 1024).toFixed(1)} KB |`);
  }
}
