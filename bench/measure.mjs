// One measured run in a fresh process: `node bench/measure.mjs baseline|chatwire FILE`.
// Prints one JSON line: packets, milliseconds, peak RSS.
import { createReadStream } from 'node:fs';
import { createParser } from 'eventsource-parser';

const [mode, file] = process.argv.slice(2);
const started = performance.now();
let packets = 0;

if (mode === 'baseline') {
  // The floor: the same SSE parser and JSON.parse, no rules, no report.
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent: (event) => {
      JSON.parse(event.data);
      packets++;
    },
  });
  for await (const chunk of createReadStream(file, { highWaterMark: 16 * 1024 })) parser.feed(decoder.decode(chunk, { stream: true }));
} else if (mode === 'chatwire') {
  // The real command, in-process so its peak RSS can be read: every ctai stream rule runs.
  // As the bin does for validate, before the program loads (src/cli/main.ts).
  const { processIo } = await import('../dist/cli/io.js');
  processIo().tuneCollector('validate');
  const { runCli } = await import('../dist/index.js');
  let out = '';
  const io = {
    stdout: { write: (text) => (out += text) },
    stderr: { write: (text) => process.stderr.write(text) },
    env: {},
    untilStopped: async () => undefined,
  };
  const code = await runCli(['validate', file, '--protocol', 'ctai', '--reporter', 'json'], io);
  const report = JSON.parse(out);
  packets = report.cases[0].steps[0].frames;
  if (code !== 0) throw new Error(`validate exited ${code}: ${JSON.stringify(report.totals)}`);
} else {
  throw new Error('usage: node bench/measure.mjs baseline|chatwire FILE');
}

const ms = performance.now() - started;
console.log(JSON.stringify({ mode, packets, ms: Math.round(ms), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
