/**
 * Reports as CI reads them, from the built bin: several at once, checked before the run, written
 * even when the run cannot finish, the JSON one valid against its published schema, latency
 * budgets as deviations, and the GitHub job summary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { loadProtocols } from '../src/protocols/index.js';
import { cli, root } from './cli-helper.js';

const ajv = new Ajv2020({ strict: false, validateFormats: false });
const validReport = ajv.compile(JSON.parse(readFileSync(join(root, 'schemas/chatwire/report.schema.json'), 'utf8')) as object);

interface Report {
  format: string;
  version: number;
  tool: string;
  cases: { name: string; steps: { latency?: { ttftMs: number | null; totalMs: number }; deviations: { rule: string }[] }[] }[];
  totals: { cases: number };
  error?: { code: string; message: string; hint?: string };
}

let dir: string;
let mock: MockServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatwire-reports-'));
  mock = await startMockServer({ protocols: await loadProtocols(), port: 0, speed: 0 });
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

function readReport(file: string): Report {
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  expect(validReport.errors ?? [], JSON.stringify(validReport(json) ? [] : validReport.errors)).toEqual([]);
  return json as Report;
}

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('several reports at once', () => {
  it('pretty on stdout, JUnit and JSON in files, each with latency; a budget overrun is a latency deviation', async () => {
    const xml = join(dir, 'a.xml');
    const json = join(dir, 'a.json');
    const run = await cli([
      'run',
      'ctai',
      '--target',
      mock.url,
      '-c',
      'ctai/stream-answer',
      '-r',
      'pretty',
      '-r',
      `junit:${xml}`,
      '-r',
      `json:${json}`,
      '--max-total',
      '1ms',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✗ ctai › stream-answer .*\n {4}ttfb [\d.]+ ms · ttft [\d.]+ ms · gaps p50 [\d.]+ \/ p99 [\d.]+ \/ max [\d.]+ ms · total [\d.]+ ms\n/,
    );
    expect(run.stdout).toContain('error latency.total at response: the exchange took');
    const report = readReport(json);
    expect([report.format, report.version, report.tool]).toEqual(['chatwire-report', 1, expect.stringMatching(/^chatwire \d+\.\d+\.\d+/)]);
    const step = report.cases[0]?.steps[0];
    expect(step?.latency?.ttftMs).toBeGreaterThanOrEqual(0);
    expect(step?.deviations.map((d) => d.rule)).toEqual(['latency.total']);
    const junit = readFileSync(xml, 'utf8');
    expect(junit).toMatch(/<testsuite name="ctai" tests="1" failures="1" errors="0" skipped="0" time="[\d.]+" timestamp="\d{4}-\d\d-\d\dT[\d:.]+Z">/);
    expect(junit).toMatch(/<property name="latency.ttft_ms" value="[\d.]+"\/>/);
    expect(junit).toContain('latency.total');
  });

  it('-r NAME -o FILE still writes one report, with a summary on stdout', async () => {
    const xml = join(dir, 'b.xml');
    const run = await cli(['run', 'ctai', '--target', mock.url, '-c', 'ctai/stream-answer', '-r', 'junit', '-o', xml]);
    expect(run.code).toBe(0);
    expect(readFileSync(xml, 'utf8')).toContain('<testcase classname="chatwire.ctai" name="stream-answer"');
    expect(run.stdout).toMatch(/1 passed of 1 case\(s\)/);
  });

  it('refuses, before running, two reports on stdout, two on one file, an unknown format, and a folder that does not exist', async () => {
    const cases: [string[], RegExp][] = [
      [['-r', 'json', '-r', 'junit'], /json and junit would both go to standard output/],
      [['-r', `json:${join(dir, 'same')}`, '-r', `junit:${join(dir, 'same')}`], /two of them would be written to/],
      [['-r', 'yaml:x.yaml'], /Failed to parse --reporter "yaml:x.yaml": expected a report format \(pretty, json, junit, github, html\)/],
      [
        ['-r', 'junit', '-o', '/nonexistent-chatwire/x.xml'],
        /Failed to prepare report \/nonexistent-chatwire\/x.xml: the folder \/nonexistent-chatwire does not exist/,
      ],
      [['-r', `json:${join(dir, 'c.json')}`, '-o', join(dir, 'd.xml')], /Failed to place --output .*every -r names its own/],
    ];
    // A target that accepts and never answers: had a run started, it would connect and wait.
    let connections = 0;
    const silent = createServer(() => connections++);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const target = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    try {
      for (const [flags, message] of cases) {
        const run = await cli(['run', 'ctai', '--target', target, ...flags]);
        expect(run.code, flags.join(' ')).toBe(2);
        expect(run.stderr).toMatch(message);
      }
      expect(connections).toBe(0);
    } finally {
      silent.close();
    }
  });
});

describe('exit 2 still writes every report', () => {
  it('a target that is down: the JSON says why it stopped, JUnit has an error, the summary says it', async () => {
    const json = join(dir, 'down.json');
    const xml = join(dir, 'down.xml');
    const html = join(dir, 'down.html');
    const port = await closedPort();
    const run = await cli(['run', 'ctai', '--target', `http://127.0.0.1:${port}`, '-r', `json:${json}`, '-r', `junit:${xml}`, '-r', `html:${html}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^chatwire: Failed to connect/);
    const report = readReport(json);
    expect(report.error?.code).toBe('TARGET_UNREACHABLE');
    // The same words as the one line on stderr.
    expect(run.stderr).toBe(`chatwire: ${report.error?.message ?? ''}${report.error?.hint === undefined ? '' : ` (${report.error.hint})`}\n`);
    expect(readFileSync(xml, 'utf8')).toMatch(/errors="1"[\s\S]*<error message="Failed to connect[^"]*" type="TARGET_UNREACHABLE">/);
    expect(readFileSync(html, 'utf8')).toContain('The run stopped early (TARGET_UNREACHABLE)');
    expect(run.stdout).toContain('stopped early (TARGET_UNREACHABLE)');
  });

  it('a misconfigured run (every valid request answered 404) keeps the cases it ran', async () => {
    const json = join(dir, 'misconfigured.json');
    const run = await cli(['run', 'ctai', '--target', `${mock.url}/gateway`, '-r', `json:${json}`]);
    expect(run.code).toBe(2);
    const report = readReport(json);
    expect(report.error?.code).toBe('MISCONFIGURED');
    expect(report.cases.length).toBe(report.totals.cases);
    expect(report.cases.length).toBeGreaterThan(5);
  });

  it('a case that does not exist: the JUnit report says so as an errored testcase', async () => {
    const xml = join(dir, 'unknown-case.xml');
    const run = await cli(['run', 'ctai', '-c', 'no-such-case', '-r', `junit:${xml}`]);
    expect(run.code).toBe(2);
    expect(readFileSync(xml, 'utf8')).toMatch(
      /<testsuites name="chatwire" tests="1" failures="0" errors="1" [^>]*>\n {2}<testsuite name="chatwire"[\s\S]*<error message="Failed to find case &quot;no-such-case&quot;[^"]*" type="UNKNOWN_CASE">/,
    );
  });
});

describe('the github reporter', () => {
  it('writes annotations to stdout and a job summary with a table per protocol to GITHUB_STEP_SUMMARY', async () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const run = await cli(['run', 'ctai', 'fastgpt-py', '--target', mock.url, '-c', 'ctai/stream-answer', '-c', 'fastgpt-py/stream-answer', '-r', 'github'], {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^::notice title=chatwire::2 passed/m);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## chatwire: 2 passed, 0 warned, 0 failed, 0 skipped')).toBe(true);
    expect(text).toMatch(
      /### ctai\n\n\| case \| outcome \| first content \| gap p99 \| total \| deviations \|\n\| --- .*\n\| stream-answer \| ✅ passed \| [\d.]+ ms \|/,
    );
    expect(text).toContain('### fastgpt-py');
  });
});

describe('chatwire rules', () => {
  it('lists the latency rules', async () => {
    const run = await cli(['rules', 'ctai', '--json']);
    const ids = (JSON.parse(run.stdout) as { id: string }[]).map((rule) => rule.id);
    expect(ids).toEqual(expect.arrayContaining(['latency.ttft', 'latency.gap', 'latency.total']));
  });
});

describe('chatwire validate', () => {
  it('writes several reports too', async () => {
    const capture = join(dir, 'answer.sse');
    writeFileSync(capture, 'data: {"ret":"0","msg":"","data":{"msg_id":"m","msg_sn":"0","event":"stop","answer_text":""}}\n\n');
    const json = join(dir, 'validate.json');
    const xml = join(dir, 'validate.xml');
    const run = await cli(['validate', capture, '--protocol', 'ctai', '-r', `json:${json}`, '-r', `junit:${xml}`]);
    expect([run.code, run.stderr]).toEqual([expect.any(Number), '']);
    expect(readReport(json).cases).toHaveLength(1);
    expect(existsSync(xml)).toBe(true);
  });
});
