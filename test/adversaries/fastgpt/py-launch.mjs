// Starts py_server.py (Debian's python3 + aiohttp) and reads {port, token, vars} from its first stdout line.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));

export function startPython(script = 'py_server.py') {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', ['-u', '-B', path.join(here, script)], { cwd: here, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let settled = false;
    const fail = (why) => { if (!settled) { settled = true; child.kill('SIGKILL'); reject(new Error(`${script}: ${why}\n${err}`)); } };
    const timer = setTimeout(() => fail('no port within 10 s'), 10000);
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => { clearTimeout(timer); fail(`exited with ${code}`); });
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0 || settled) return;
      clearTimeout(timer);
      let info;
      try { info = JSON.parse(out.slice(0, nl)); } catch { return fail(`bad first line ${out.slice(0, nl)}`); }
      settled = true;
      const exited = new Promise((r) => { if (child.exitCode !== null) r(); else child.once('exit', r); });
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        token: info.token,
        vars: info.vars,
        close: async () => { if (child.exitCode === null) child.kill('SIGTERM'); await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]); if (child.exitCode === null) child.kill('SIGKILL'); }
      });
    });
  });
}
