import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli, root } from './cli-helper.js';

/**
 * docs/load.md as a reader uses it: every YAML block parses, and every chatwire command it runs
 * (a workflow step's run, a container's command) exists, with every flag it passes.
 */

const doc = readFileSync(join(root, 'docs', 'load.md'), 'utf8');
const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
const parseYaml = (text: string): unknown => parse(text);

/** Every string in a parsed document. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

/** `chatwire load ctai --shard 1/4 …` → { command: 'load', flags: ['--shard', …] }, one per chatwire call. */
function calls(text: string): Array<{ command: string; flags: string[] }> {
  return [...text.matchAll(/chatwire (\w+)([^\n;&|]*(?:\n {2,}[^\n;&|]*)*)/g)].map((match) => ({
    command: match[1] ?? '',
    flags: [...(match[2] ?? '').matchAll(/(?:^|\s)(--?[a-zA-Z][\w-]*)/g)].map((flag) => flag[1] ?? ''),
  }));
}

describe('docs/load.md', () => {
  it('has a GitHub Actions workflow and a Kubernetes Indexed Job that parse', () => {
    const parsed: unknown[] = blocks.map(parseYaml);
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({ jobs: { load: { strategy: { matrix: { shard: [1, 2, 3, 4] } } }, merge: { needs: 'load' } } });
    expect(parsed[1]).toMatchObject({ kind: 'Job', spec: { completionMode: 'Indexed', completions: 4 } });
    expect(strings(parsed[1]).join(' ')).toContain('$((JOB_COMPLETION_INDEX + 1))/4');
  });

  it('runs only commands and flags that chatwire --help lists', async () => {
    const used = blocks.flatMap((block) => strings(parseYaml(block)).flatMap(calls));
    expect(used.map((call) => call.command)).toEqual(expect.arrayContaining(['load', 'merge']));
    expect(used.flatMap((call) => call.flags)).toEqual(expect.arrayContaining(['--shard', '--run-id', '--concurrency', '--duration', '-o']));
    const help = await cli(['--help']);
    const commands = new Set(used.map((call) => call.command));
    for (const command of commands) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
      const own = await cli([command, '--help']);
      for (const flag of used.filter((call) => call.command === command).flatMap((call) => call.flags))
        expect(own.stdout, `${command} ${flag}`).toContain(flag);
    }
  });
});
