import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, root } from './cli-helper.js';

const dir = mkdtempSync(join(tmpdir(), 'chatwire-baseline-'));
// The embedded mock plays the scenario a request names: this one skips msg_sn 2 in every stream.
const GAP = ['-H', 'x-chatwire-scenario: msg-sn-gap'];
const CASES = ['-c', 'stream-answer', '-c', 'plain-answer'];
const write = (name: string, value: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};

describe('known deviations: --baseline and chatwire baseline', () => {
  it('a baseline written from a failing run makes the same run pass, its deviations still reported as known', async () => {
    const report = join(dir, 'report.json');
    const failing = await cli(['run', 'ctai', ...GAP, ...CASES, '-r', 'json', '-o', report]);
    expect(failing.code).toBe(1);

    const baseline = join(dir, 'baseline.json');
    const written = await cli(['baseline', report, '-o', baseline]);
    expect(written.code).toBe(0);
    const file = JSON.parse(readFileSync(baseline, 'utf8')) as { version: number; known: unknown[] };
    expect(file).toMatchObject({ version: 1, known: [{ rule: 'ctai.msg_sn.sequence', case: 'ctai/stream-answer' }] });
    expect(file.known).toHaveLength(1);

    const accepted = await cli(['run', 'ctai', ...GAP, ...CASES, '--baseline', baseline]);
    expect(accepted.stdout).toContain('known ctai.msg_sn.sequence at frame 2');
    expect(accepted.stdout).toContain('0 error(s), 0 warning(s), 1 known');
    expect(accepted.code).toBe(0);

    const json = await cli(['run', 'ctai', ...GAP, ...CASES, '--baseline', baseline, '-r', 'json']);
    const parsed = JSON.parse(json.stdout) as { cases: { name: string; outcome: string; steps: { deviations: { known?: object }[] }[] }[] };
    const streamAnswer = parsed.cases.find((c) => c.name === 'stream-answer');
    expect(streamAnswer?.outcome).toBe('passed');
    expect(streamAnswer?.steps[0]?.deviations[0]?.known).toEqual({});
  });

  it("the README's example baseline loads and accepts the deviation it names, with its reason", async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] ?? '').find((block) => block.includes('"known"'));
    expect(example).toBeDefined();
    const result = await cli(['run', 'ctai', ...GAP, '-c', 'stream-answer', '--baseline', write('readme.json', JSON.parse(example ?? ''))]);
    expect(result.stdout).toContain('known: sequence fix ships in 2.1');
    expect(result.code).toBe(0);
  });

  it('accepts the deviations of every rule a run reports: latency budgets and transport rules too', async () => {
    const report = join(dir, 'latency.json');
    const slow = await cli(['run', 'ctai', '-c', 'stream-answer', '--max-ttft', '1ms', '-r', `json:${report}`]);
    expect(slow.code).toBe(1);
    const baseline = join(dir, 'latency-baseline.json');
    expect((await cli(['baseline', report, '-o', baseline])).code).toBe(0);
    expect(readFileSync(baseline, 'utf8')).toContain('latency.ttft');
    const accepted = await cli(['run', 'ctai', '-c', 'stream-answer', '--max-ttft', '1ms', '--baseline', baseline]);
    expect([accepted.code, accepted.stderr]).toEqual([0, '']);
  });

  it('an entry that no longer occurs fails the run as stale, in pretty and in JUnit', async () => {
    const baseline = write('stale.json', { version: 1, known: [{ rule: 'ctai.msg_sn.sequence', case: 'ctai/stream-answer', reason: 'fixed in 2.1' }] });
    const pretty = await cli(['run', 'ctai', ...CASES, '--baseline', baseline]);
    expect(pretty.stdout).toContain(`stale baseline entry: ctai.msg_sn.sequence in ctai/stream-answer no longer occurs; remove it from ${baseline}`);
    expect(pretty.code).toBe(1);
    const junit = await cli(['run', 'ctai', ...CASES, '--baseline', baseline, '-r', 'junit']);
    expect(junit.stdout).toContain('<testcase classname="chatwire.baseline" name="ctai/stream-answer ctai.msg_sn.sequence"');
    expect(junit.stdout).toContain('type="stale-baseline"');
    expect(junit.code).toBe(1);
  });

  it('an entry whose case did not run is not stale: it is listed as unchecked', async () => {
    const baseline = write('other-case.json', { version: 1, known: [{ rule: 'ctai.msg_sn.sequence', case: 'ctai/two-turns' }] });
    const pretty = await cli(['run', 'ctai', ...CASES, '--baseline', baseline]);
    expect(pretty.stdout).toContain('1 baseline entry not checked: their case did not run');
    const result = await cli(['run', 'ctai', ...CASES, '--baseline', baseline, '-r', 'json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { baseline: unknown }).baseline).toEqual({
      file: baseline,
      stale: [],
      unchecked: [{ rule: 'ctai.msg_sn.sequence', case: 'ctai/two-turns' }],
    });
  });

  it('a baseline is checked when it loads: unknown keys, cases and rules are refused before the run, with did-you-mean', async () => {
    const extra = await cli(['run', 'ctai', '--baseline', write('extra.json', { version: 1, known: [], accepted: [] })]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('unknown key "accepted"');
    const typo = await cli([
      'run',
      'ctai',
      '--baseline',
      write('typo.json', { version: 1, known: [{ rule: 'ctai.msg_sn.sequense', case: 'ctai/stream-answr' }] }),
    ]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('at /known/0/case: ctai has no case "stream-answr" (did you mean stream-answer?)');
    expect(typo.stderr).toContain('at /known/0/rule: ctai has no rule "ctai.msg_sn.sequense" (did you mean ctai.msg_sn.sequence?)');
    // Refused before any case ran: the report written on exit 2 holds none.
    expect(typo.stdout).toContain('of 0 case(s)');
    const twice = { rule: 'ctai.msg_sn.sequence', case: 'ctai/stream-answer' };
    const duplicate = await cli(['run', 'ctai', '--baseline', write('twice.json', { version: 1, known: [twice, twice] })]);
    expect(duplicate.stderr).toContain('is listed twice');
    expect(duplicate.code).toBe(2);
  });

  it('chatwire baseline refuses a file that is not a chatwire JSON report', async () => {
    const result = await cli(['baseline', write('not-a-report.json', { cases: [] })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Failed to load report');
  });
});

describe('run --list, --bail and did-you-mean for --case', () => {
  it('--list prints each protocol’s cases with their titles and runs nothing', async () => {
    const result = await cli(['run', 'ctai', 'tasks', '--list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ctai \(\d+ cases\)\n/);
    expect(result.stdout).toMatch(/\n {2}stream-answer +A streaming question is answered with packets and a final stop packet\n/);
    expect(result.stdout).toMatch(/\ntasks \(\d+ cases\)\n/);
    expect(result.stdout).not.toContain('passed');
  });

  it('--list with a case that does not exist is that error alone, with no run summary', async () => {
    const result = await cli(['run', 'ctai', '--list', '--case', 'stream-answr']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Failed to find case "stream-answr"');
    expect(result.stdout).toBe('');
  });

  it('a mistyped --case is answered with the nearest case names', async () => {
    const bare = await cli(['run', 'ctai', '--case', 'stream-answr']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Failed to find case "stream-answr" (did you mean stream-answer?)');
    const full = await cli(['run', '--case', 'ctia/stream-answer']);
    expect(full.stderr).toContain('(did you mean ctai/stream-answer?)');
  });

  it('--bail stops at the first failing case: the cases after it are reported as not run', async () => {
    const result = await cli(['run', 'ctai', ...GAP, '--bail', '--concurrency', '1', '-r', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { cases: { name: string; outcome: string; skipped?: string }[] };
    const first = report.cases.findIndex((c) => c.outcome === 'failed');
    expect(first).toBeGreaterThanOrEqual(0);
    const rest = report.cases.slice(first + 1);
    expect(rest.length).toBeGreaterThan(0);
    for (const c of rest) expect(c.skipped).toBe(`not run: --bail: ctai/${report.cases[first]?.name ?? ''} failed`);
  });
});
