import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** The built bin of a tree (this one by default), run from that tree as a user would. */
function binOf(tree: string): string {
  const bin = join(tree, 'dist', 'cli', 'main.js');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm test does it first)`);
  return bin;
}

/** Runs the built bin as a user would; a hard kill after 60 s keeps a broken build from hanging the suite. */
export function cli(args: readonly string[], env: Record<string, string> = {}, tree: string = root): Promise<CliResult> {
  const bin = binOf(tree);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: tree, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export function spawnBin(args: readonly string[], tree: string = root) {
  return spawn(binOf(tree), args, { cwd: tree, env: { ...process.env, NO_COLOR: '1' } });
}
