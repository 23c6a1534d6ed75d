import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/** Debian's Chromium, for playwright-core: on PATH or where the package puts it. */
export function findChromium(): string {
  const which = spawnSync('which', ['chromium'], { encoding: 'utf8' });
  const candidates = [which.stdout.trim(), '/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser'];
  for (const candidate of candidates.filter((path) => path !== '')) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error(
    `Failed to find Chromium for the browser test: no chromium on PATH nor at ${candidates.slice(1).join(', ')} (install it with: apt-get install -y chromium; .ci/run does)`,
  );
}
