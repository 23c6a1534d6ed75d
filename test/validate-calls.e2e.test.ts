/**
 * `chatwire validate` for a protocol of several calls (fastgpt): a saved answer is judged as the
 * answer of the chat call unless --path names another, and what a saved body cannot carry (headers)
 * is not held against it.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunReport } from '../src/report/model.js';
import { cli } from './cli-helper.js';

function errorRules(stdout: string): string[] {
  const report = JSON.parse(stdout) as RunReport;
  const rules = report.cases.flatMap((c) => c.steps.flatMap((s) => s.deviations.filter((d) => d.severity === 'error').map((d) => d.rule)));
  return [...new Set(rules)].sort();
}

const dir = mkdtempSync(join(tmpdir(), 'chatwire-validate-calls-'));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

const chunk = (content: string | null, finish: string | null): string =>
  `data: ${JSON.stringify({ id: '', object: '', created: 0, model: '', choices: [{ delta: { role: 'assistant', content }, index: 0, finish_reason: finish }] })}\n\n`;
const answer = {
  id: 'a',
  model: 'm',
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  choices: [{ message: { role: 'assistant', content: '新海诚' }, finish_reason: 'stop', index: 0 }],
};

describe('chatwire validate, fastgpt', () => {
  it('passes a saved stream, which carries no headers, and fails one without its stop chunk', async () => {
    const good = await cli([
      'validate',
      file('good.sse', chunk('新海诚', null) + chunk(null, 'stop') + 'data: [DONE]\n\n'),
      '--protocol',
      'fastgpt',
      '-r',
      'json',
    ]);
    expect(good.code, good.stdout).toBe(0);
    const bad = await cli(['validate', file('no-stop.sse', chunk('新海诚', null) + 'data: [DONE]\n\n'), '--protocol', 'fastgpt', '-r', 'json']);
    expect(bad.code).toBe(1);
    expect(errorRules(bad.stdout)).toEqual(['fastgpt.stop.present']);
  });

  it('judges a whole answer as the chat call answers it', async () => {
    expect((await cli(['validate', file('answer.json', JSON.stringify(answer)), '--protocol', 'fastgpt'])).code).toBe(0);
    const bad = await cli(['validate', file('broken.json', JSON.stringify({ choices: 'x' })), '--protocol', 'fastgpt', '-r', 'json']);
    expect(bad.code).toBe(1);
    expect(errorRules(bad.stdout)).toEqual(['fastgpt.answer.shape']);
  });

  it('judges a records answer when --path names its call, and refuses a path of no call', async () => {
    const envelope = file('histories.json', JSON.stringify({ code: 200, statusText: '', message: '', data: { list: 'x', total: 'y' } }));
    const judged = await cli(['validate', envelope, '--protocol', 'fastgpt', '--path', '/api/core/chat/history/getHistories', '-r', 'json']);
    expect(judged.code).toBe(1);
    expect(errorRules(judged.stdout)).toContain('fastgpt.records.data');
    const unknown = await cli(['validate', envelope, '--protocol', 'fastgpt', '--path', '/api/core/chat/nothing']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Failed to parse --path "/api/core/chat/nothing": it is none of the fastgpt calls');
  });

  it('does not ask a saved request body for the key its headers carried', async () => {
    const request = file('request.json', JSON.stringify({ stream: false, messages: [{ role: 'user', content: '导演是谁' }] }));
    const result = await cli(['validate', join(dir, 'answer.json'), '--protocol', 'fastgpt', '--request', request, '-r', 'json']);
    expect(result.code, result.stdout).toBe(0);
    const broken = file('bad-request.json', JSON.stringify({ stream: false, messages: [] }));
    const refused = await cli(['validate', join(dir, 'answer.json'), '--protocol', 'fastgpt', '--request', broken, '-r', 'json']);
    expect(errorRules(refused.stdout)).toEqual(['fastgpt.request.shape']);
  });
});
