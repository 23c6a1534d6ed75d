import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { cli, root } from './cli-helper.js';

const docs = readFileSync(join(root, 'docs', 'ci.md'), 'utf8');
const actionText = readFileSync(join(root, 'action.yml'), 'utf8');

const Step = z.object({ run: z.string().optional(), uses: z.string().optional(), with: z.record(z.string(), z.unknown()).optional() });
const Action = z.object({
  inputs: z.record(z.string(), z.object({ description: z.string(), required: z.boolean(), default: z.string().optional() })),
  runs: z.object({
    using: z.literal('composite'),
    steps: z.array(Step.extend({ shell: z.string().optional(), env: z.record(z.string(), z.string()).optional() })),
  }),
});
const action = Action.parse(parse(actionText));

const fences = (lang: string): string[] => [...docs.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((match) => match[1] ?? '');

/** Every shell script a YAML document runs: GitHub steps' run, GitLab jobs' script lines. */
function scriptsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(scriptsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    if (key === 'run' && typeof inner === 'string') return [inner];
    if (key === 'script') return (Array.isArray(inner) ? inner : [inner]).filter((line): line is string => typeof line === 'string');
    return scriptsIn(inner);
  });
}

/** Each chatwire command line in a script: the subcommand and the flags it is given, continuation lines joined. */
function chatwireCommands(script: string): { command: string; flags: string[]; line: string }[] {
  return script
    .replace(/\\\n/g, ' ')
    .split('\n')
    .flatMap((line) => {
      const match = /\bchatwire(?:@\S+)?\s+([a-z]+)(.*)$/.exec(line);
      if (match === null) return [];
      const rest = (match[2] ?? '').split(/\s(?:\||&&|;|#)\s/)[0] ?? '';
      const flags = [...rest.matchAll(/(?:^|[\s{+])(--?[a-z][a-z-]*)/g)].map((flag) => flag[1] ?? '');
      return [{ command: match[1] ?? '', flags, line }];
    });
}

const helps = new Map<string, Promise<string>>();
const helpOf = (command: string): Promise<string> => {
  let help = helps.get(command);
  if (help === undefined) {
    help = cli(command === '' ? ['--help'] : [command, '--help']).then((result) => result.stdout);
    helps.set(command, help);
  }
  return help;
};

describe('docs/ci.md and action.yml', () => {
  const yamlBlocks = fences('yaml');
  const commands = [...yamlBlocks.flatMap((block) => scriptsIn(parse(block))), ...fences('sh'), ...scriptsIn(action.runs.steps)].flatMap(chatwireCommands);

  it('every YAML example parses, and the examples run chatwire', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(3);
    for (const block of yamlBlocks) expect(() => parse(block) as unknown).not.toThrow();
    expect(commands.map(({ command }) => command)).toEqual(expect.arrayContaining(['run', 'baseline']));
  });

  it('every chatwire command and flag they run exists, per chatwire <command> --help', async () => {
    const top = await helpOf('');
    for (const { command, flags, line } of commands) {
      expect(top, line).toMatch(new RegExp(`\\n  ${command} `));
      const help = await helpOf(command);
      for (const flag of flags) expect(help, `${flag} in: ${line}`).toMatch(new RegExp(`(?:^|[\\s,])${flag}(?:[\\s,]|$)`, 'm'));
    }
  });

  it('the action takes the inputs the docs give it, and its args are chatwire run flags', async () => {
    const uses = yamlBlocks.flatMap((block) =>
      z
        .array(Step)
        .catch([])
        .parse((parse(block) as { steps?: unknown }).steps ?? []),
    );
    const ours = uses.filter((step) => step.uses?.includes('/chatwire@') === true);
    expect(ours).toHaveLength(1);
    const given = ours[0]?.with ?? {};
    for (const name of Object.keys(given)) expect(Object.keys(action.inputs)).toContain(name);
    const runHelp = await helpOf('run');
    const args = z.string().parse(given['args']);
    for (const flag of args.match(/--[a-z-]+/g) ?? []) expect(runHelp).toContain(flag);
  });

  it('the action uses only inputs it declares, passed to its script through the environment', () => {
    for (const match of actionText.matchAll(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g)) expect(Object.keys(action.inputs)).toContain(match[1]);
    const script = action.runs.steps.find((step) => step.run !== undefined);
    // An input pasted into the script would be shell code; the script reads only variables.
    expect(script?.run).not.toContain('${{');
    for (const variable of script?.run?.match(/INPUT_[A-Z_]+/g) ?? []) expect(Object.keys(script?.env ?? {})).toContain(variable);
  });

  it("the action's script runs chatwire with its inputs (the built bin standing in for npx) and writes the report", () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatwire-action-'));
    // npx --yes chatwire@VERSION … → the built bin with the same arguments.
    writeFileSync(join(dir, 'npx'), `#!/bin/sh\nshift 2\nexec node ${JSON.stringify(join(root, 'dist', 'cli', 'main.js'))} "$@"\n`);
    chmodSync(join(dir, 'npx'), 0o755);
    const script = action.runs.steps.find((step) => step.run !== undefined)?.run ?? '';
    const env = {
      ...process.env,
      PATH: `${dir}:${process.env['PATH'] ?? ''}`,
      NO_COLOR: '1',
      GITHUB_OUTPUT: join(dir, 'github-output'),
      INPUT_PROTOCOL: 'ctai',
      INPUT_TARGET: '',
      INPUT_TOKEN: 'a key with spaces',
      INPUT_REPORTER: 'junit',
      INPUT_OUTPUT: join(dir, 'report with spaces.xml'),
      INPUT_BASELINE: '',
      INPUT_ARGS: '--case stream-answer --case plain-answer',
      INPUT_VERSION: 'latest',
    };
    const result = spawnSync('bash', ['-e', '-c', script], { env, encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readFileSync(join(dir, 'report with spaces.xml'), 'utf8')).toContain('<testsuite name="ctai" tests="2" failures="0"');
    expect(readFileSync(join(dir, 'github-output'), 'utf8')).toBe('exit-code=0\n');
  });
});
