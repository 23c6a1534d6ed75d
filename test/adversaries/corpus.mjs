// Runs the built chatwire CLI against every server of a protocol's adversary corpus and collects
// the verdicts: the exit code and the rules that reported errors. Shared by the corpus test and the
// benchmark; the servers themselves know nothing of chatwire.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = `${root}dist/cli/main.js`;

function cli(args, killAfterMs) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The rules that reported deviations of one severity. */
function rulesOf(stdout, severity) {
  try {
    const report = JSON.parse(stdout);
    const rules = new Set();
    for (const c of report.cases) for (const s of c.steps) for (const d of s.deviations) if (d.severity === severity) rules.add(d.rule);
    return [...rules].sort();
  } catch {
    return [];
  }
}

/** The command line for one server, from what its start() returned. */
export function argsFor(protocol, server, extra = []) {
  const args = ['run', protocol, '--target', server.url, '-r', 'json', ...extra];
  if (server.token !== undefined) args.push('--token', server.token);
  for (const [name, value] of Object.entries(server.vars ?? {})) args.push('--var', `${name}=${value}`);
  return args;
}

/**
 * Starts `parallel` servers at a time, runs the CLI against each, and returns one verdict per
 * variant: { id, expect, says, breaks, code, rules, warnings, ms, stderr, stdout }.
 */
export async function runCorpus(protocol, { parallel = 4, only, extra = [], killAfterMs = 60_000 } = {}) {
  const { variants } = await import(`./${protocol}/servers.mjs`);
  const chosen = only === undefined ? variants : variants.filter((v) => only.includes(v.id));
  const verdicts = [];
  let next = 0;
  const worker = async () => {
    while (next < chosen.length) {
      const variant = chosen[next++];
      const server = await variant.start();
      try {
        const result = await cli(argsFor(protocol, server, extra), killAfterMs);
        verdicts.push({
          id: variant.id,
          expect: variant.expect,
          says: variant.says,
          breaks: variant.breaks,
          code: result.code,
          rules: rulesOf(result.stdout, 'error'),
          warnings: rulesOf(result.stdout, 'warn'),
          ms: result.ms,
          stderr: result.stderr.trim(),
          stdout: result.stdout,
        });
      } finally {
        await server.close();
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return chosen.map((v) => verdicts.find((verdict) => verdict.id === v.id));
}
