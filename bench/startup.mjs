// `npm run bench` (last part): the CLI's start-up. `chatwire --version` beside `node -e 0`, in
// alternating fresh processes; medians of wall time. Results go in bench/README.md.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const runs = { 'node -e 0': [], 'chatwire --version': [], 'chatwire validate --help': [] };
const argsOf = { 'node -e 0': ['-e', '0'], 'chatwire --version': [bin, '--version'], 'chatwire validate --help': [bin, 'validate', '--help'] };

for (let round = 0; round < rounds; round++) {
  for (const [name, list] of Object.entries(runs)) {
    const started = performance.now();
    const { status } = spawnSync(process.execPath, argsOf[name], { stdio: 'ignore' });
    if (status !== 0) throw new Error(`${name} exited ${status}`);
    list.push(performance.now() - started);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const floor = median(runs['node -e 0']);
console.log(`## Start-up (median of ${rounds} alternating rounds)\n`);
console.log('| command | wall time | against node -e 0 |');
console.log('|---|---:|---:|');
for (const [name, list] of Object.entries(runs)) console.log(`| \`${name}\` | ${Math.round(median(list))} ms | ${(median(list) / floor).toFixed(2)}× |`);
