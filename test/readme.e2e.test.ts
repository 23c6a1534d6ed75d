import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { root } from './cli-helper.js';

/**
 * Every ```ts block of README.md, type-checked as a user's strict ESM project would: chatwire is
 * this package (its built dist/, through its "exports"), the other packages a block imports are the
 * ones installed here, and the files of examples/ sit beside the blocks, as they would for a reader
 * working in that folder. A block that shows only a fragment is fenced ```ts fragment.
 */

interface Block {
  readonly line: number;
  readonly code: string;
}

function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i]?.trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end += 1;
    blocks.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** `msw/node` → `msw`, `@scope/name/x` → `@scope/name`; relative and node: imports → undefined. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const imported = (code: string): string[] => [...code.matchAll(/\bfrom\s+'([^']+)'/g)].flatMap((match) => packageOf(match[1] ?? '') ?? []);

function tsc(project: string): Promise<{ code: number | null; output: string }> {
  const bin = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '-p', project], { cwd: project, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, output: `${stdout}${stderr}` });
    });
  });
}

describe('README.md', () => {
  it('has ts blocks that compile as printed in a strict ESM project', async () => {
    const blocks = tsBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
    // The library, msw, nock and examples sections each show code.
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    expect(existsSync(join(root, 'dist', 'index.d.ts')), 'run npm run build first').toBe(true);

    const project = mkdtempSync(join(tmpdir(), 'chatwire-readme-'));
    try {
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme-blocks', private: true, type: 'module' }));
      writeFileSync(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] },
          include: ['*.ts'],
        }),
      );
      const examples = readdirSync(join(root, 'examples')).filter((name) => name.endsWith('.ts'));
      const sources = examples.map((name) => readFileSync(join(root, 'examples', name), 'utf8'));
      for (const [i, name] of examples.entries()) writeFileSync(join(project, name), sources[i] ?? '');
      // Named by README line, so tsc's errors point at the block.
      for (const block of blocks) writeFileSync(join(project, `readme-line-${block.line}.ts`), `${block.code}\nexport {};\n`);

      const packages = new Set(['@types/node', ...[...blocks.map((block) => block.code), ...sources].flatMap(imported)]);
      for (const name of packages) {
        const link = join(project, 'node_modules', name);
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(name === 'chatwire' ? root : join(root, 'node_modules', name), link, 'dir');
      }

      const { code, output } = await tsc(project);
      expect(output).toBe('');
      expect(code).toBe(0);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 120_000);
});
