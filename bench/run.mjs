// `npm run bench` (second part): how long `chatwire run` takes, through the built CLI in fresh
// processes. Against the embedded mock, each protocol's suite with the cases concurrent (the
// default) beside the same run one case at a time (--concurrency 1, the baseline); then against
// a server that never answers, and one per protocol that stops in the middle of its answers.
// Results go in bench/README.md.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { silent, stallHttp, stallSocketIo, stallTasks } from './stall-servers.mjs';

const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const protocols = ['ctai', 'fastgpt', 'fastgpt-py', 'pocketqa', 'tasks'];

/** One CLI run: its exit code and wall time in ms. */
function run(args) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'run', ...args, '-r', 'json'], { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('close', (code) => resolve({ code, ms: Math.round(performance.now() - started) }));
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Alternating rounds of the concurrent run and the baseline, medians of each. */
async function sideBySide(args) {
  const concurrent = [];
  const sequential = [];
  for (let round = 0; round < rounds; round++) {
    concurrent.push((await run(args)).ms);
    sequential.push((await run([...args, '--concurrency', '1'])).ms);
  }
  return { concurrent: median(concurrent), sequential: median(sequential) };
}

console.log(`## Against the embedded mock (median of ${rounds} alternating rounds)\n`);
console.log('| run | concurrent (default) | one case at a time | ratio |');
console.log('|---|---:|---:|---:|');
for (const target of [...protocols.map((p) => [p]), []]) {
  const { concurrent, sequential } = await sideBySide(target);
  console.log(
    `| \`chatwire run${target.length === 0 ? '' : ` ${target[0]}`}\` | ${seconds(concurrent)} | ${seconds(sequential)} | ${(sequential / concurrent).toFixed(1)}× faster |`,
  );
}

const credentials = (server) => [
  ...(server.token === undefined ? [] : ['--token', server.token]),
  ...Object.entries(server.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}=${v}`]),
];

console.log('\n## A server that accepts connections and never answers\n');
console.log('| protocol | cases | --timeout 5s | default (--timeout 30s) | exit |');
console.log('|---|---:|---:|---:|---:|');
const { readFileSync } = await import('node:fs');
const cases = Object.fromEntries(protocols.map((p) => [p, JSON.parse(readFileSync(new URL(`../suites/${p}.json`, import.meta.url), 'utf8')).cases.length]));
for (const protocol of protocols) {
  const server = await silent();
  const extra =
    protocol === 'fastgpt' || protocol === 'tasks'
      ? ['--token', 'bench', '--var', 'appId=bench', '--var', 'selectAppKey=b', '--var', 'formAppKey=b', '--var', 'pluginAppKey=b']
      : [];
  const short = await run([protocol, '--target', server.url, '--timeout', '5s', ...extra]);
  const long = await run([protocol, '--target', server.url, ...extra]);
  await server.close();
  console.log(`| ${protocol} | ${cases[protocol]} | ${seconds(short.ms)} | ${seconds(long.ms)} | ${short.code}, ${long.code} |`);
}

console.log('\n## A server that stops in the middle of every answer (defaults)\n');
console.log('| protocol | how it stops | time | exit |');
console.log('|---|---|---:|---:|');
const stalls = [
  ['ctai', 'one packet, then silence on an open connection', () => stallHttp('ctai')],
  ['fastgpt', 'one chunk (a stream) or the first bytes of a JSON body, then silence', () => stallHttp('fastgpt')],
  ['fastgpt-py', 'one stage_code event (a stream) or the first bytes of a JSON body, then silence', () => stallHttp('fastgpt-py')],
  ['pocketqa', 'one partial CHAT_SS per question, then nothing', stallSocketIo],
  ['tasks', 'each task makes one event, then stays running with nothing new', stallTasks],
];
for (const [protocol, how, start] of stalls) {
  const server = await start();
  const result = await run([
    protocol,
    '--target',
    server.url,
    ...credentials(server),
    ...(protocol === 'fastgpt' ? ['--var', 'selectAppKey=b', '--var', 'formAppKey=b', '--var', 'pluginAppKey=b'] : []),
  ]);
  await server.close();
  console.log(`| ${protocol} | ${how} | ${seconds(result.ms)} | ${result.code} |`);
}
