import { spawnBin } from './cli-helper.js';

/** `chatwire proxy` run as a user runs it: the built bin, stopped with SIGINT as Ctrl+C would. */
export interface ProxyProcess {
  readonly url: string;
  /** What it printed on stderr so far: the live deviation lines. */
  stderr(): string;
  /** Resolves once stderr shows `text` (a live line), or rejects after `ms`. */
  waitFor(text: string, ms?: number): Promise<void>;
  /** Stops it as Ctrl+C does and returns how it exited. */
  stop(): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function startProxyBin(args: readonly string[]): Promise<ProxyProcess> {
  const child = spawnBin(['proxy', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const until = (test: () => boolean, what: string, ms: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const tick = setInterval(() => {
        if (test()) {
          clearInterval(tick);
          resolve();
        } else if (Date.now() - started > ms || child.exitCode !== null) {
          clearInterval(tick);
          reject(new Error(`${what} did not come within ${ms} ms; stdout:\n${stdout}\nstderr:\n${stderr}`));
        }
      }, 20);
    });
  return until(() => /listening on (http:\/\/\S+),/.test(stdout), 'the listening line', 10_000).then(() => ({
    url: /listening on (http:\/\/\S+),/.exec(stdout)?.[1] ?? '',
    stderr: () => stderr,
    waitFor: (text, ms = 10_000) => until(() => stderr.includes(text), `"${text}" on stderr`, ms),
    stop: async () => {
      child.kill('SIGINT');
      const code = await exited;
      clearTimeout(killer);
      return { code, stdout, stderr };
    },
  }));
}
