// Starts one of the second-round Python servers (pyextra.py MODE, pywsgi.py) on an ephemeral port.
// The child prints "PORT <n>"; close() sends SIGTERM (SIGKILL after 2 s) and waits for the exit.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));

export function startPy(script, ...args) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [here(script), ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    });
    const label = [script, ...args].join(' ');
    let out = '';
    let err = '';
    let settled = false;
    const exited = new Promise((r) => child.once('exit', r));
    const close = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(t);
      }
    };
    const fail = (e) => { if (!settled) { settled = true; child.kill('SIGKILL'); reject(e); } };
    const timer = setTimeout(() => fail(new Error(`${label}: no port after 15 s\n${err}`)), 15000);
    child.stderr.on('data', (d) => { if (err.length < 20000) err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[1]}`, close });
      }
    });
    child.once('error', (e) => { clearTimeout(timer); fail(e); });
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`${label} exited ${code}\n${err}`)); });
    child.unref(); child.stdin.unref?.(); child.stdout.unref?.(); child.stderr.unref?.();
  });
}
