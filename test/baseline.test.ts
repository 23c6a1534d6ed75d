import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Deviation } from '../src/core/rule.js';
import { renderGithub } from '../src/report/github.js';
import { renderJunit } from '../src/report/junit.js';
import { exitCodeOf, totalsOf, type CaseReport, type RunReport, type StepReport } from '../src/report/model.js';
import { Baseline, baselineOf } from '../src/suite/baseline.js';
import { root } from './cli-helper.js';

const gap: Deviation = {
  type: 'frame',
  rule: 'ctai.msg_sn.sequence',
  severity: 'error',
  basis: 'doc',
  source: { doc: '002_cba551f1a5d093b7.txt', section: '应答示例' },
  message: 'a gap: msg_sn 2 never came',
  frame: 2,
  pointer: '/data/msg_sn',
  quote: '{}',
};

const step: StepReport = { index: 0, method: 'POST', url: 'u', expect: 'stream', status: 200, frames: 4, end: 'closed', durationMs: 3, deviations: [gap] };
const failed: CaseReport = { protocol: 'ctai', name: 'stream-answer', title: 't', source: gap.source, outcome: 'failed', durationMs: 3, steps: [step] };
const passed: CaseReport = { ...failed, name: 'plain-answer', outcome: 'passed', steps: [{ ...step, deviations: [] }] };

function runReport(cases: CaseReport[], baseline: Baseline): RunReport {
  const settled = baseline.settle(cases);
  return {
    tool: 'chatwire',
    version: '0',
    target: 'http://x',
    embeddedMock: false,
    strict: false,
    startedAt: '',
    durationMs: 5,
    cases,
    totals: totalsOf(cases, settled.stale.length),
    baseline: settled,
  };
}

describe('a baseline', () => {
  const baseline = new Baseline('b.json', [{ rule: 'ctai.msg_sn.sequence', case: 'ctai/stream-answer', reason: 'fixed in 2.1' }]);

  it('marks the deviations it lists known: the case passes, the run exits 0, JUnit and GitHub do not fail on them', () => {
    const marked = baseline.mark(failed);
    expect(marked.outcome).toBe('passed');
    expect(marked.steps[0]?.deviations[0]?.known).toEqual({ reason: 'fixed in 2.1' });
    const report = runReport([marked], baseline);
    expect(report.totals).toMatchObject({ errors: 0, known: 1, stale: 0 });
    expect(exitCodeOf(report.totals, false)).toBe(0);
    const junit = renderJunit(report);
    expect(junit).not.toContain('<failure');
    expect(junit).toContain('[known error] ctai.msg_sn.sequence');
    expect(renderGithub(report)).toMatch(/^::notice title=chatwire ctai\.msg_sn\.sequence::/m);
    expect(renderGithub(report)).not.toContain('::error');
  });

  it('leaves other rules and other cases as they were', () => {
    const other = new Baseline('b.json', [{ rule: 'ctai.stop.last', case: 'ctai/stream-answer' }]);
    expect(other.mark(failed).outcome).toBe('failed');
    expect(new Baseline('b.json', [{ rule: 'ctai.msg_sn.sequence', case: 'ctai/two-turns' }]).mark(failed).outcome).toBe('failed');
  });

  it('finds an entry stale once its case runs clean, and fails the run for it', () => {
    const clean = { ...passed, name: 'stream-answer' };
    const report = runReport([clean], baseline);
    expect(report.baseline?.stale).toEqual([{ rule: 'ctai.msg_sn.sequence', case: 'ctai/stream-answer', reason: 'fixed in 2.1' }]);
    expect(exitCodeOf(report.totals, false)).toBe(1);
    expect(renderGithub(report)).toContain(
      '::error title=chatwire stale baseline entry::ctai/stream-answer: ctai.msg_sn.sequence no longer occurs; remove it from b.json',
    );
  });

  it('written from a report, lists each rule a case broke once, keeps known reasons, and meets its published JSON Schema', () => {
    const written = baselineOf([{ ...failed, steps: [...failed.steps, ...failed.steps] }, passed, baseline.mark({ ...failed, name: 'two-turns' })]);
    expect(written.known).toEqual([
      { rule: 'ctai.msg_sn.sequence', case: 'ctai/stream-answer' },
      { rule: 'ctai.msg_sn.sequence', case: 'ctai/two-turns' },
    ]);
    const reasoned = baselineOf([baseline.mark(failed)]);
    expect(reasoned.known).toEqual([{ rule: 'ctai.msg_sn.sequence', case: 'ctai/stream-answer', reason: 'fixed in 2.1' }]);
    const schema = JSON.parse(readFileSync(join(root, 'schemas', 'chatwire', 'baseline.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(reasoned), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...reasoned, known: [{ rule: 'ctai.msg_sn.sequence' }] })).toBe(false);
  });
});
