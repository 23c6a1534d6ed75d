// `npm run bench`: chatwire validate against eventsource-parser + JSON.parse alone, on the same
// generated capture, in alternating fresh processes. Results go in bench/README.md.
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const packets = Number(process.env.BENCH_PACKETS ?? 1_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const dataDir = fileURLToPath(new URL('./.data/', import.meta.url));
const file = `${dataDir}ctai-${packets}.sse`;

async function generate() {
  mkdirSync(dataDir, { recursive: true });
  const out = createWriteStream(file);
  const texts = ['2路汽车', '在火车站北广场', '乘坐，', '首班车 6:00 发车。', 'The answer goes on. '];
  for (let sn = 0; sn < packets; sn++) {
    const last = sn === packets - 1;
    const data = {
      msg_id: `m-${sn}`,
      msg_sn: String(sn),
      event: last ? 'stop' : '',
      answer_text: last ? '' : texts[sn % texts.length],
      ref_doc_list: [],
      follow_up_list: [],
    };
    if (!out.write(`id: m-${sn}\ndata: ${JSON.stringify({ ret: '0', msg: '', data })}\n\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

if (!existsSync(file)) await generate();
const size = statSync(file).size;
console.log(`capture: ${packets.toLocaleString('en')} packets, ${(size / 1024 / 1024).toFixed(1)} MiB; ${rounds} alternating rounds\n`);

const runs = { baseline: [], chatwire: [] };
for (let round = 0; round < rounds; round++) {
  for (const mode of ['baseline', 'chatwire']) {
    const line = execFileSync(process.execPath, [fileURLToPath(new URL('./measure.mjs', import.meta.url)), mode, file], { encoding: 'utf8' });
    const result = JSON.parse(line.trim().split('\n').at(-1));
    if (result.packets !== packets) throw new Error(`${mode} saw ${result.packets} packets, not ${packets}`);
    runs[mode].push(result);
    console.log(`round ${round + 1} ${mode.padEnd(8)} ${String(result.ms).padStart(6)} ms  ${String(result.peakRssMb).padStart(4)} MB peak RSS`);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summary = Object.fromEntries(
  Object.entries(runs).map(([mode, list]) => {
    const ms = median(list.map((r) => r.ms));
    return [mode, { ms, packetsPerSecond: Math.round((packets / ms) * 1000), peakRssMb: Math.max(...list.map((r) => r.peakRssMb)) }];
  }),
);
const speed = summary.chatwire.packetsPerSecond / summary.baseline.packetsPerSecond;
console.log('\n| | median time | packets/s | peak RSS |');
console.log('|---|---:|---:|---:|');
for (const [mode, s] of Object.entries(summary)) console.log(`| ${mode} | ${s.ms} ms | ${s.packetsPerSecond.toLocaleString('en')} | ${s.peakRssMb} MB |`);
console.log(`\nchatwire / baseline speed: ${speed.toFixed(2)} (target ≥ 1.0); chatwire peak RSS ${summary.chatwire.peakRssMb} MB (target < 120 MB)`);
