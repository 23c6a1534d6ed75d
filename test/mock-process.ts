import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { spawnBin } from './cli-helper.js';

/** `chatwire mock` run from the built bin, as a user starts it, with its memory readable. */
export interface MockProcess {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcessWithoutNullStreams;
  /** Resident memory of the mock process, in MB (Linux: /proc). */
  rssMb(): number;
  /** Whether the process is still running (a crash ends it). */
  alive(): boolean;
  /** What it wrote to stdout and stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Stops it as Ctrl+C (or another signal) would, and returns its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startMockProcess(args: readonly string[] = []): Promise<MockProcess> {
  const child = spawnBin(['mock', '--port', '0', ...args]);
  let out = '';
  let err = '';
  let exited = false;
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  void closed.then(() => (exited = true));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the mock did not start within 15 s: ${err}`)), 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      // The whole banner: what it serves and plays comes before this line.
      if (match?.[1] === undefined || !out.includes('Ctrl+C')) return;
      clearTimeout(timer);
      resolve(match[1]);
    });
    child.on('close', (code) => reject(new Error(`the mock exited with ${String(code)} before listening: ${err}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    rssMb: () => {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid ?? 0}/status`, 'utf8'));
      return Number(match?.[1] ?? Number.NaN) / 1024;
    },
    alive: () => !exited,
    stdout: () => out,
    stderr: () => err,
    stop: async (signal = 'SIGTERM') => {
      if (!exited) child.kill(signal);
      return closed;
    },
  };
}
