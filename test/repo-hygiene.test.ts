import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './cli-helper.js';

const TEXT = /\.(ts|mjs|js|json|md|yml|yaml|html|txt)$/;

describe('the repository', () => {
  it('holds no merge conflict markers in any tracked text file', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((file) => TEXT.test(file) && !file.startsWith('test/adversaries/'));
    const marked = files.filter((file) => /^(<{7}|>{7}) /m.test(readFileSync(join(root, file), 'utf8')));
    expect(marked).toEqual([]);
  });
});
