// Starts pyserver.py MODE as a child process on an ephemeral port; close() kills it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./pyserver.py', import.meta.url));

export function startPython(mode) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [SCRIPT, mode], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let done = false;
    const exited = new Promise((r) => child.once('exit', r));
    const close = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(t);
      }
    };
    const fail = (e) => { if (!done) { done = true; child.kill('SIGKILL'); reject(e); } };
    const timer = setTimeout(() => fail(new Error(`pyserver ${mode}: no port after 15 s\n${err}`)), 15000);
    child.stderr.on('data', (d) => { if (err.length < 20000) err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[1]}`, close });
      }
    });
    child.once('error', (e) => { clearTimeout(timer); fail(e); });
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`pyserver ${mode} exited ${code}\n${err}`)); });
    // Keep the handles from holding the parent's event loop open.
    child.unref(); child.stdin.unref?.(); child.stdout.unref?.(); child.stderr.unref?.();
  });
}
