// `npm run bench` (third part): what judging a user's scenario file costs when the mock loads it.
// Every built-in scenario is given as a user folder (so each file is judged as a user's would be),
// then a few files whose "breaks" is wrong, which pay for the confirming second run before they
// are refused. In-process, through the built library. Results go in bench/README.md.
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProtocols, startMockServer } from '../dist/index.js';
import { checkScenarioDirs } from '../dist/mock/scenario-check.js';

const mocks = fileURLToPath(new URL('../mocks/', import.meta.url));
const start = (options) => startMockServer({ ...options, judgeScenarios: false });
const protocols = await loadProtocols();

console.log('| protocol | files | mean | slowest | asked twice |');
console.log('|---|---:|---:|---|---|');
let files = 0;
let total = 0;
for (const protocol of protocols) {
  // A copy, so that each file counts as the user's and none as the built-in it replaces.
  const dir = mkdtempSync(join(tmpdir(), `chatwire-bench-${protocol.id}-`));
  for (const file of readdirSync(join(mocks, protocol.id))) copyFileSync(join(mocks, protocol.id, file), join(dir, file));
  const judged = await checkScenarioDirs([protocol], { [protocol.id]: [dir] }, start);
  const sum = judged.reduce((ms, judgement) => ms + judgement.ms, 0);
  const slowest = judged.reduce((a, b) => (b.ms > a.ms ? b : a));
  files += judged.length;
  total += sum;
  const twice = judged.filter((judgement) => judgement.runs === 2).map((judgement) => judgement.scenario.name);
  console.log(
    `| ${protocol.id} | ${judged.length} | ${Math.round(sum / judged.length)} ms | ${slowest.scenario.name}, ${slowest.ms} ms | ${twice.join(', ')} |`,
  );
}
console.log(`| all | ${files} | ${Math.round(total / files)} ms | | |`);

console.log('\n| refused file | time |');
console.log('|---|---:|');
for (const [id, name] of [
  ['ctai', 'msg-sn-number'],
  ['ctai', 'held-open'],
  ['pocketqa', 'no-stop'],
  ['tasks', 'never-ends'],
]) {
  const dir = mkdtempSync(join(tmpdir(), 'chatwire-bench-refused-'));
  const scenario = JSON.parse(readFileSync(join(mocks, id, `${name}.json`), 'utf8'));
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ ...scenario, breaks: [] }));
  const started = performance.now();
  const refused = await checkScenarioDirs(
    protocols.filter((p) => p.id === id),
    { [id]: [dir] },
    start,
  ).then(
    () => false,
    () => true,
  );
  console.log(`| ${id}/${name} with \`"breaks": []\` | ${Math.round(performance.now() - started)} ms${refused ? '' : ' (not refused!)'} |`);
}
