// Spawns a Python server file of this folder on port 0 and reads "PORT <n>" from its stdout.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

export function spawnPython(file, extraArgs = []) {
  const script = fileURLToPath(new URL(`./${file}`, import.meta.url));
  const token = `pystd-${crypto.randomBytes(10).toString('hex')}`;
  const child = spawn('/usr/bin/python3', [script, '0', token, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((r) => child.once('exit', r));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not start: ${stderr}`));
    }, 10000);
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${code}): ${stderr}`));
    };
    child.once('exit', onExit);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        url: `http://127.0.0.1:${m[1]}`,
        token,
        close: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            const t = setTimeout(() => child.kill('SIGKILL'), 1500);
            await exited;
            clearTimeout(t);
          }
        },
      });
    });
  });
}
