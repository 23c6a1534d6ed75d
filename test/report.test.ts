import { describe, expect, it } from 'vitest';
import { renderJunit } from '../src/report/junit.js';
import { renderGithub } from '../src/report/github.js';
import { colorsFor, formatCase, formatDeviation } from '../src/report/pretty.js';
import { exitCodeOf, totalsOf, type CaseReport, type RunReport, type StepReport } from '../src/report/model.js';
import { joinUrl } from '../src/transports/http/request.js';
import { runCli } from '../src/cli/program.js';
import type { CliIo } from '../src/cli/io.js';
import type { Deviation } from '../src/core/rule.js';

const deviation: Deviation = {
  type: 'frame',
  rule: 'ctai.stop.no-text',
  severity: 'error',
  basis: 'doc',
  source: { doc: '002_cba551f1a5d093b7.txt', section: '流式应答' },
  message: 'the stop packet carries <text> & "quotes"',
  expected: '""',
  actual: '"好"',
  frame: 1,
  pointer: '/data/answer_text',
  quote: '{"answer_text":"好\u0001"}',
};

function report(cases: CaseReport[], strict = false): RunReport {
  return { tool: 'chatwire', version: '0', target: 'http://x', embeddedMock: false, strict, startedAt: '', durationMs: 5, cases, totals: totalsOf(cases) };
}

const failedStep: StepReport = {
  index: 0,
  method: 'POST',
  url: 'u',
  expect: 'stream',
  status: 200,
  frames: 2,
  end: 'closed',
  durationMs: 12,
  deviations: [deviation],
};

const failed: CaseReport = {
  protocol: 'ctai',
  name: 'a&b',
  title: 't',
  source: { doc: 'd', section: 's' },
  outcome: 'failed',
  durationMs: 12,
  steps: [failedStep],
};

describe('reports', () => {
  it('pretty output shows a step note: a probe that found nothing, later steps not run', () => {
    const step = {
      index: 0,
      method: 'EMIT SUM_CS',
      url: 'u',
      expect: 'stream',
      status: null,
      frames: 0,
      end: 'timeout' as const,
      durationMs: 3000,
      deviations: [],
    };
    const probed: CaseReport = { ...failed, outcome: 'passed', steps: [{ ...step, note: 'SUM_CS: not implemented, or not answered within 3 s' }] };
    expect(formatCase(probed, colorsFor({}, {}))).toContain('    note: SUM_CS: not implemented, or not answered within 3 s');
  });

  it('JUnit XML escapes markup and drops characters XML cannot hold', () => {
    const xml = renderJunit(report([failed]));
    expect(xml).toContain('name="a&amp;b"');
    expect(xml).toContain('&lt;text&gt; &amp; &quot;quotes&quot;');
    expect(xml).not.toContain('\u0001');
  });

  it('GitHub annotations: one per deviation, escaped, errors as ::error, then the totals', () => {
    const out = renderGithub(report([failed]));
    const [annotation, notice] = out.trim().split('\n');
    expect(annotation).toMatch(/^::error title=chatwire ctai.stop.no-text::ctai\/a&b at frame 1 \/data\/answer_text: /);
    expect(annotation).toContain('%0Aexpected ""');
    expect(notice).toBe('::notice title=chatwire::0 passed, 0 warned, 1 failed, 0 skipped of 1 case(s) against http://x');
    const warned: CaseReport = { ...failed, outcome: 'warned', steps: [{ ...failedStep, deviations: [{ ...deviation, severity: 'warn' }] }] };
    expect(renderGithub(report([warned]))).toMatch(/^::warning /);
    expect(renderGithub(report([warned], true))).toMatch(/^::error /);
  });

  it('exit code: errors fail; warnings fail only when strict', () => {
    const warned: CaseReport = { ...failed, outcome: 'warned', steps: [{ ...failedStep, deviations: [{ ...deviation, severity: 'warn' }] }] };
    expect(exitCodeOf(totalsOf([failed]), false)).toBe(1);
    expect(exitCodeOf(totalsOf([warned]), false)).toBe(0);
    expect(exitCodeOf(totalsOf([warned]), true)).toBe(1);
  });

  it('colours only a terminal, and never with NO_COLOR', () => {
    expect(formatDeviation(deviation, colorsFor({ isTTY: true }, {}))).toContain('\u001b[');
    expect(formatDeviation(deviation, colorsFor({ isTTY: true }, { NO_COLOR: '1' }))).not.toContain('\u001b[');
    expect(formatDeviation(deviation, colorsFor({ isTTY: false }, {}))).not.toContain('\u001b[');
    const plain = formatDeviation(deviation, colorsFor({}, {}));
    expect(plain).toContain('ctai.stop.no-text at frame 1 /data/answer_text');
    expect(plain).toContain('see 002_cba551f1a5d093b7.txt, 流式应答');
  });
});

describe('target URLs', () => {
  it('appends the documented path to the server root, keeping any prefix', () => {
    expect(joinUrl('http://h:1', '/v1/x')).toBe('http://h:1/v1/x');
    expect(joinUrl('http://h:1/', '/v1/x')).toBe('http://h:1/v1/x');
    expect(joinUrl('http://h:1/api/', '/v1/x', { stream: 'true' })).toBe('http://h:1/api/v1/x?stream=true');
  });
});

describe('runCli in-process', () => {
  function io(): CliIo & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      env: {},
      untilStopped: async () => undefined,
    };
  }

  it('returns 0 for --help and --version, 2 with one line for an unknown command or option', async () => {
    expect(await runCli(['--version'], io())).toBe(0);
    expect(await runCli(['run', '--help'], io())).toBe(0);
    const unknown = io();
    expect(await runCli(['frobnicate'], unknown)).toBe(2);
    expect(unknown.err.join('')).toMatch(/^chatwire: Failed to parse the command line: unknown command 'frobnicate'/);
    const missing = io();
    expect(await runCli(['validate', 'x.sse'], missing)).toBe(2);
    expect(missing.err.join('')).toContain('--protocol');
  });

  it('names the flag and the expected range for an out-of-range number', async () => {
    const out = io();
    expect(await runCli(['run', 'tasks', '--max-frames', '0'], out)).toBe(2);
    expect(out.err.join('')).toBe('chatwire: Failed to parse --max-frames "0": expected a whole number of at least 1 (see chatwire run --help)\n');
  });

  it('lists rules in a table', async () => {
    const out = io();
    expect(await runCli(['rules', 'ctai'], out)).toBe(0);
    expect(out.out.join('')).toContain('ctai.msg_sn.sequence');
  });
});
