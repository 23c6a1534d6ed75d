import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, root } from './cli-helper.js';

const pkg: unknown = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : '';

describe('chatwire --version', () => {
  it('prints the package version and exits 0, in its long and short form', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await cli([flag]);
      expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });
});
