import { describe, expect, it } from 'vitest';
import type { Deviation, Rule } from '../src/core/rule.js';
import { crosstalkRule } from '../src/load/crosstalk.js';
import fastgptPy from '../src/protocols/fastgpt-py/index.js';
import { asWarning } from '../src/suite/case-reports.js';

const rules = new Map<string, Rule>([...fastgptPy.rules, crosstalkRule].map((rule) => [rule.id, rule]));
const found = (rule: string): Deviation => {
  const meta = rules.get(rule);
  if (meta === undefined) throw new Error(`no rule ${rule}`);
  return { type: 'response', rule, severity: meta.severity, basis: meta.basis, source: meta.source, message: 'found' };
};

describe('an inferred case', () => {
  it('turns its errors into warnings, but not a security finding: a leak between sessions fails the run whatever the case was about', () => {
    expect(asWarning(found('fastgpt-py.stream.content-type'), rules)).toMatchObject({ severity: 'warn', message: 'found (inferred case: a warning)' });
    expect(asWarning(found('fastgpt-py.session.isolated'), rules)).toMatchObject({ severity: 'error', message: 'found' });
    expect(asWarning(found('load.crosstalk'), rules)).toMatchObject({ severity: 'error' });
  });
});
