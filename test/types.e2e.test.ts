import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, root } from './cli-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'chatwire-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A types file without its first line, which says where it came from. */
const body = (source: string): string => source.slice(source.indexOf('\n') + 1);

describe('chatwire types', () => {
  it('writes one <protocol>.ts per protocol, the same declarations as the package exports', async () => {
    const out = join(dir, 'all');
    const result = await cli(['types', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const protocols = ['ctai', 'fastgpt', 'fastgpt-py', 'pocketqa', 'tasks'];
    expect(readdirSync(out).sort()).toEqual(protocols.map((id) => `${id}.ts`).sort());
    expect(result.stdout).toBe(protocols.map((id) => `wrote ${join(out, `${id}.ts`)}\n`).join(''));
    for (const id of protocols) {
      expect(body(readFileSync(join(out, `${id}.ts`), 'utf8'))).toBe(body(readFileSync(join(root, 'src', 'protocols', id, 'types.ts'), 'utf8')));
    }
  });

  it('with --schemas, generates from an edited copy of the schemas', async () => {
    const copy = join(dir, 'schemas');
    cpSync(join(root, 'schemas'), copy, { recursive: true });
    const path = join(copy, 'tasks', 'task.schema.json');
    const schema = JSON.parse(readFileSync(path, 'utf8')) as { properties: Record<string, unknown> };
    schema.properties['priority'] = { description: 'Added by the user.', type: 'integer' };
    writeFileSync(path, JSON.stringify(schema));

    const out = join(dir, 'edited');
    const result = await cli(['types', 'tasks', '--out', out, '--schemas', copy]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readdirSync(out)).toEqual(['tasks.ts']);
    expect(readFileSync(join(out, 'tasks.ts'), 'utf8')).toMatch(/\* Added by the user\.\n\s+\*\/\n\s+priority\?: number;/);
  });

  it('refuses an unknown protocol and a missing --out with exit 2, writing nothing', async () => {
    const unknown = await cli(['types', 'ctia', '--out', join(dir, 'none')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'chatwire: Failed to write types for ctia: no such folder of schemas (choose from ctai, fastgpt, fastgpt-py, pocketqa, tasks)\n',
    );
    expect(() => readdirSync(join(dir, 'none'))).toThrow();

    const missing = await cli(['types', 'ctai']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^chatwire: Failed to parse --out: /);
  });
});
