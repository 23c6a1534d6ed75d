import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import ctai from '../src/protocols/ctai/index.js';
import type { RunReport } from '../src/report/model.js';
import { cli, root, spawnBin } from './cli-helper.js';

function errorRules(report: RunReport): string[] {
  const rules = report.cases.flatMap((c) => c.steps.flatMap((s) => s.deviations.filter((d) => d.severity === 'error').map((d) => d.rule)));
  return [...new Set(rules)].sort();
}

// Every scenario of every protocol: conformant ones pass, each fault fails on exactly the rules it names.
const scenarios = readdirSync(join(root, 'mocks')).flatMap((protocol) =>
  readdirSync(join(root, 'mocks', protocol))
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({
      protocol,
      name: file.slice(0, -5),
      breaks: (JSON.parse(readFileSync(join(root, 'mocks', protocol, file), 'utf8')) as { breaks?: string[] }).breaks ?? [],
    })),
);

// A broadcast reaches every case in flight, which then breaks more rules; one case at a time (the crosstalk pair
// together, as always) it breaks exactly what it names.
const alone = new Set(['pocketqa/broadcast']);

describe.concurrent('chatwire run PROTOCOL against each mock scenario', () => {
  for (const { protocol, name, breaks } of scenarios) {
    const expected = breaks.length === 0 ? 'exit 0' : `exit 1 naming ${breaks.join(', ')}`;
    it(`${protocol}/${name}: ${expected}`, async () => {
      const sequential = alone.has(`${protocol}/${name}`) ? ['--concurrency', '1'] : [];
      const result = await cli([
        'run',
        protocol,
        '--header',
        `x-chatwire-scenario: ${name}`,
        '--close-grace',
        '300ms',
        '--timeout',
        '3s',
        '--reporter',
        'json',
        ...sequential,
      ]);
      const report = JSON.parse(result.stdout) as RunReport;
      expect(errorRules(report)).toEqual([...breaks].sort());
      expect(result.code).toBe(breaks.length === 0 ? 0 : 1);
    }, 90_000);
  }
});

describe('chatwire run: exit codes and reports', () => {
  let mock: MockServer;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatwire-e2e-'));
    writeFileSync(
      join(dir, 'endless.json'),
      JSON.stringify({
        description: 'A stream that never ends and never sends a stop packet',
        breaks: ['ctai.stop.present', 'http.response.complete'],
        stream: {
          frames: [{ id: '{{exchange}}-0', data: { ret: '0', msg: '', data: { msg_id: '{{exchange}}-0', msg_sn: '0', event: '', answer_text: '…' } } }],
          end: 'hang',
          holdMs: 600000,
        },
      }),
    );
    mock = await startMockServer({ protocols: [ctai], port: 0, scenarioDirs: { ctai: [dir] } });
  });
  afterAll(() => mock.close());

  it('cuts a stream that never ends at --timeout and reports it', async () => {
    const result = await cli([
      'run',
      'ctai',
      '--target',
      mock.url,
      '--case',
      'stream-answer',
      '--timeout',
      '500ms',
      '-H',
      'x-chatwire-scenario: endless',
      '-r',
      'json',
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(errorRules(report)).toEqual(['ctai.stop.present', 'http.response.complete']);
    expect(report.cases[0]?.steps[0]?.end).toBe('timeout');
    expect(result.ms).toBeLessThan(10_000);
  });

  it('exits 2 with a one-line reason when the target does not answer', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const result = await cli(['run', 'ctai', '--target', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/Failed to connect to http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    const socket = await cli(['run', 'pocketqa', '--target', `http://127.0.0.1:${port}`]);
    expect(socket.code).toBe(2);
    expect(socket.stderr.trim().split('\n')).toHaveLength(1);
    expect(socket.stderr).toMatch(/Failed to connect to http:\/\/127\.0\.0\.1:\d+\/socket\.io\/: .*ECONNREFUSED/);
  });

  it('exits 2 on a bad flag, an unknown protocol and an unknown case, naming each', async () => {
    const flag = await cli(['run', 'ctai', '--timeout', 'soon']);
    expect([flag.code, flag.stderr]).toEqual([2, expect.stringContaining('--timeout "soon"')]);
    const protocol = await cli(['run', 'nope']);
    expect([protocol.code, protocol.stderr]).toEqual([2, expect.stringContaining('known protocols are ctai, fastgpt, fastgpt-py, pocketqa')]);
    const unknownCase = await cli(['run', 'ctai', '--case', 'nope']);
    expect([unknownCase.code, unknownCase.stderr]).toEqual([2, expect.stringContaining('ctai/stream-answer')]);
    const target = await cli(['run', 'ctai', '--target', 'ftp://example']);
    expect([target.code, target.stderr]).toEqual([2, expect.stringContaining('--target')]);
  });

  it('sends --token as a bearer token and --header as given', async () => {
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    const paths: string[] = [];
    const { createServer: createHttp } = await import('node:http');
    const server = createHttp((req, res) => {
      seen.push(req.headers);
      paths.push(req.url ?? '');
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"ret":"400","msg":"refused"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await cli(['run', 'ctai', '--target', `http://127.0.0.1:${port}/prefix/`, '--token', 's3cret', '-H', 'X-Tenant: t1', '--case', 'refuse-lang-xx']);
    server.close();
    expect(seen[0]?.['authorization']).toBe('Bearer s3cret');
    expect(seen[0]?.['x-tenant']).toBe('t1');
    // The base URL's path prefix is kept and the documented path appended.
    expect(paths[0]).toBe('/prefix/v1/ctai/query_text_chat');
  });

  it('writes JUnit XML with a failure naming the rule, and a summary on stdout', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'chatwire-junit-')), 'report.xml');
    const result = await cli([
      'run',
      'ctai',
      '-H',
      'x-chatwire-scenario: no-stop',
      '--case',
      'stream-answer',
      '--case',
      'plain-answer',
      '-r',
      'junit',
      '-o',
      file,
    ]);
    expect(result.code).toBe(1);
    const xml = readFileSync(file, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="chatwire" tests="2" failures="1"/);
    expect(xml).toContain('<testcase classname="chatwire.ctai" name="stream-answer"');
    expect(xml).toContain('<failure message="1 deviation(s): ctai.stop.present"');
    expect(xml).toContain('<testcase classname="chatwire.ctai" name="plain-answer"');
    expect(result.stdout).toContain('1 failed of 2 case(s)');
  });

  it('with --strict, warnings fail the run', async () => {
    const lenient = await cli(['run', 'ctai', '-H', 'x-chatwire-scenario: error', '--case', 'stream-answer']);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('ctai.answer.succeeded');
    const strict = await cli(['run', 'ctai', '-H', 'x-chatwire-scenario: error', '--case', 'stream-answer', '--strict']);
    expect(strict.code).toBe(1);
  });

  it('with no protocol runs every suite against the embedded mock (what npm start does)', async () => {
    const result = await cli(['run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\d+ passed of \d+ case\(s\) against http:\/\/127\.0\.0\.1:\d+ \(embedded mock\)/);
  });
});

describe('chatwire validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatwire-validate-'));
  const packet = (sn: number, text: string, event = ''): string =>
    `id: m${sn}\ndata: ${JSON.stringify({ ret: '0', msg: '', data: { msg_id: `m${sn}`, msg_sn: String(sn), event, answer_text: text } })}\n\n`;

  it('passes a conformant capture and fails a broken one naming the rule and frame', async () => {
    writeFileSync(join(dir, 'good.sse'), packet(0, '你') + packet(1, '', 'stop'));
    writeFileSync(join(dir, 'bad.sse'), packet(0, '你') + packet(1, '好', 'stop'));
    expect((await cli(['validate', join(dir, 'good.sse'), '--protocol', 'ctai'])).code).toBe(0);
    const bad = await cli(['validate', join(dir, 'bad.sse'), '--protocol', 'ctai']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('ctai.stop.no-text at frame 1 /data/answer_text');
  });

  it('checks the request given with --request and reads a JSON answer', async () => {
    writeFileSync(join(dir, 'request.json'), JSON.stringify({ query_text: 'q', lang: 'en', stream: '0' }));
    writeFileSync(join(dir, 'answer.json'), JSON.stringify({ ret: '0', msg: '', data: { answer_text: 'x' } }));
    const result = await cli(['validate', join(dir, 'answer.json'), '--protocol', 'ctai', '--request', join(dir, 'request.json'), '-r', 'json']);
    expect(result.code).toBe(1);
    expect(errorRules(JSON.parse(result.stdout) as RunReport)).toEqual(['ctai.request.shape']);
  });

  it('exits 2 for a protocol whose answers a saved HTTP body cannot hold', async () => {
    writeFileSync(join(dir, 'any.sse'), 'data: {}\n\n');
    const result = await cli(['validate', join(dir, 'any.sse'), '--protocol', 'pocketqa']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('its answers travel by Socket.IO events');
  });

  it('reads a capture from a named pipe (as validate <(curl …) gives it) to its end', async () => {
    const fifo = join(dir, 'capture.fifo');
    execFileSync('mkfifo', [fifo]);
    const result = cli(['validate', fifo, '--protocol', 'ctai']);
    // Opening a pipe for writing waits for its reader: the CLI has opened it once this returns.
    await writeFile(fifo, packet(0, '你') + packet(1, '好', 'stop'));
    const done = await result;
    expect(done.code).toBe(1);
    expect(done.stdout).toContain('ctai.stop.no-text at frame 1 /data/answer_text');
  });

  it('exits 2 for a missing file, naming it', async () => {
    const result = await cli(['validate', join(dir, 'missing.sse'), '--protocol', 'ctai']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Failed to read capture');
    expect(result.stderr).toContain('missing.sse: no such file');
  });
});

describe('chatwire rules and mock', () => {
  it('lists every ctai rule with severity, basis and source', async () => {
    const result = await cli(['rules', 'ctai', '--json']);
    expect(result.code).toBe(0);
    const rules = JSON.parse(result.stdout) as Array<{ id: string; severity: string; basis: string; source: { doc: string; section: string } }>;
    expect(rules.map((rule) => rule.id)).toEqual(expect.arrayContaining(ctai.rules.map((rule) => rule.id)));
    for (const rule of rules) expect(rule.source.section.length).toBeGreaterThan(0);
  });

  it('serves until SIGTERM, on 127.0.0.1, and exits 0', async () => {
    const child = spawnBin(['mock', '--port', '0']);
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.on('close', () => reject(new Error(`mock exited early: ${out}`)));
    });
    const res = await fetch(`${url}/v1/ctai/query_text_chat`, { method: 'POST', body: JSON.stringify({ query_text: 'q' }) });
    expect(res.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});
