// Spawns the independent aiohttp implementation (py_server.py) on port 0 and reads the port from stdout.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./py_server.py', import.meta.url));

export function startPython(extraArgs = []) {
  const token = `py-${crypto.randomBytes(12).toString('hex')}`;
  const child = spawn('/usr/bin/python3', [script, '0', token, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`python server did not start: ${stderr}`));
    }, 10000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`python server exited (${code}): ${stderr}`));
    });
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/PORT (\d+)/);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        url: `http://127.0.0.1:${m[1]}`,
        token,
        close: () =>
          new Promise((r) => {
            if (child.exitCode !== null || child.signalCode !== null) return r();
            child.once('exit', () => r());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 1500).unref();
          }),
      });
    });
  });
}
