// start() for py_extra.py: spawn /usr/bin/python3 py_extra.py --mode <mode>, read "PORT n", kill on close().
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./py_extra.py', import.meta.url));

export function startPyExtra(mode) {
  return () =>
    new Promise((resolve, reject) => {
      const child = spawn('/usr/bin/python3', [script, '--mode', mode], { stdio: ['pipe', 'pipe', 'inherit'] });
      const exited = new Promise((r) => child.once('exit', r));
      const fail = (e) => reject(e instanceof Error ? e : new Error(`py_extra exited (${e}) before listening`));
      child.once('error', fail);
      child.once('exit', fail);
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d) => {
        const m = /PORT (\d+)/.exec((out += d));
        if (!m) return;
        child.removeListener('exit', fail);
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          close: async () => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill('SIGTERM');
            await exited;
          },
        });
      });
    });
}
