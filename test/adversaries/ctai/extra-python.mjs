// Starts a Python (aiohttp) CTAI server as a child process: it listens on 127.0.0.1:0 and prints
// "PORT <n>"; close() sends SIGTERM (and closes its stdin), then waits for the exit.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export function pythonServer(file) {
  return async function start() {
    const child = spawn('/usr/bin/python3', [path.join(HERE, file)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => { stderr = (stderr + c).slice(-4000); });
    const exited = new Promise((r) => child.once('exit', r));
    const port = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${file}: no port after 10 s\n${stderr}`)), 10000);
      child.stdout.on('data', (c) => {
        out += c;
        const m = /PORT (\d+)/.exec(out);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${file} exited (${code})\n${stderr}`)); });
    });
    child.stdout.resume();
    return {
      url: `http://127.0.0.1:${port}`,
      close: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        child.stdin.end();
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      },
    };
  };
}
