import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadProtocols } from '../src/protocols/index.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import type { Protocol } from '../src/protocols/protocol.js';
import { loadSuite } from '../src/suite/suite.js';
import { cli } from './cli-helper.js';

let mock: MockServer;
let protocols: Protocol[];
beforeAll(async () => {
  protocols = await loadProtocols();
  mock = await startMockServer({ protocols, port: 0, token: 'the-key' });
});
afterAll(() => mock.close());

const APP = '--var=appId=6711c0ffee000000000c4a7e';

describe('a misconfigured run is never green: exit 2 with the likely cause', () => {
  it('fastgpt without --token against a server that wants a key (FastGPT refuses with HTTP 500 and code 403)', async () => {
    const result = await cli(['run', 'fastgpt', '--target', mock.url, APP]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /Failed to judge fastgpt at http:\/\/127\.0\.0\.1:\d+: every valid request failed the same way \(POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/chat\/completions → HTTP 500\) \(check --token/,
    );
  });

  it('tasks with a wrong --token (HTTP 401 everywhere)', async () => {
    const result = await cli(['run', 'tasks', '--target', mock.url, '--token', 'not-the-key']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('check --token');
  });

  it('a --target with a wrong path prefix: the refusal cases do not pass on 404s, and the run says so', async () => {
    const result = await cli(['run', 'ctai', '--target', `${mock.url}/gateway`, '-r', 'json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`(POST ${mock.url}/gateway/v1/ctai/query_text_chat → HTTP 404) (check the path prefix of --target`);
    const report = JSON.parse(result.stdout) as { cases: Array<{ name: string; outcome: string }> };
    expect(report.cases.filter((c) => c.name.startsWith('refuse-')).map((c) => c.outcome)).not.toContain('passed');
  });

  it('a --target given as http:// for a server that redirects every call to https://', async () => {
    const redirecting = createServer((req, res) => {
      req.resume();
      res.writeHead(308, { location: `https://ctai.example${req.url ?? '/'}` }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirecting.address() as AddressInfo;
      const result = await cli(['run', 'ctai', '--target', `http://127.0.0.1:${port}`]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('→ HTTP 308) (check --target: the server redirects the documented paths');
    } finally {
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
    }
  });

  it('a Socket.IO --target with a wrong path prefix', async () => {
    const result = await cli(['run', 'pocketqa', '--target', `${mock.url}/gateway`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('check the path prefix of --target: chatwire appends /socket.io/ to it');
  });

  it('the same run set up right is green', async () => {
    const result = await cli(['run', 'fastgpt', 'tasks', '--target', mock.url, '--token', 'the-key', APP]);
    const cases = ['fastgpt', 'tasks'].reduce(
      (sum, id) => sum + (JSON.parse(readFileSync(join('suites', `${id}.json`), 'utf8')) as { cases: unknown[] }).cases.length,
      0,
    );
    expect(result.stdout).toContain(` of ${cases} case(s)`);
    expect(result.code).toBe(0);
  });
});

describe('suites cannot silently lose checks: a bad suite is refused when it loads', () => {
  const write = (suite: unknown): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'chatwire-suite-')), 'suite.json');
    writeFileSync(file, JSON.stringify(suite));
    return file;
  };
  const protocol = (id: string): Protocol => {
    const found = protocols.find((p) => p.id === id);
    if (found === undefined) throw new Error(`no protocol ${id}`);
    return found;
  };
  const base = { protocol: 'pocketqa', description: 'd' };
  const step = { type: 'socketio', emit: 'CHAT_CS', payload: { text: 'q', room: 'r' }, expect: 'stream' };
  const suiteCase = (steps: unknown[]) => ({ name: 'c', title: 't', source: { doc: 'd', section: 's' }, steps });

  it('an assertion naming an unknown rule id (the typo that used to pass with exit 0)', () => {
    const file = write({ ...base, cases: [suiteCase([{ ...step, assert: [{ rule: 'pocketqa.history.turnz', pointer: '/x', equals: 'impossible' }] }])] });
    expect(() => loadSuite(protocol('pocketqa'), file)).toThrow(
      /Failed to load suite .*suite\.json: at \/cases\/0\/steps\/0\/assert\/0\/rule: unknown rule "pocketqa\.history\.turnz": expected one of pocketqa's rules \(did you mean pocketqa\.history\.turns\?\)/,
    );
  });

  it('a pointer whose selector is not closed as *[name=value]; a whole one loads', () => {
    const asserting = (pointer: string) =>
      write({ ...base, cases: [suiteCase([{ ...step, assert: [{ rule: 'pocketqa.history.turns', pointer, exists: true }] }])] });
    expect(() => loadSuite(protocol('pocketqa'), asserting('/data/*[room]/text'))).toThrow(
      /at \/cases\/0\/steps\/0\/assert\/0\/pointer: a JSON pointer such as .*\*\[name=value\]/,
    );
    expect(loadSuite(protocol('pocketqa'), asserting('/data/*[room=r]/text')).cases).toHaveLength(1);
  });

  it("a step type the protocol's transport cannot run", () => {
    const file = write({ ...base, cases: [suiteCase([{ type: 'http', path: '/chat', expect: 'stream' }])] });
    expect(() => loadSuite(protocol('pocketqa'), file)).toThrow(
      /at \/cases\/0\/steps\/0\/type: a socketio protocol cannot run a "http" step: expected "socketio"/,
    );
  });

  it('a variable no one provides', () => {
    const file = write({ ...base, cases: [suiteCase([{ ...step, payload: { text: '{{question}}' } }])] });
    expect(() => loadSuite(protocol('pocketqa'), file)).toThrow(
      /at \/cases\/0\/steps\/0: unknown variable \{\{question\}\}: expected a suite variable, a value captured by an earlier step, or one of run, runNumber, case, token/,
    );
  });

  it('an answer maker the protocol does not have', () => {
    const file = write({ ...base, cases: [suiteCase([{ ...step, capture: { reply: { pointer: '/data/x', answer: 'formAnswer' } } }])] });
    expect(() => loadSuite(protocol('pocketqa'), file)).toThrow(
      /at \/cases\/0\/steps\/0\/capture\/reply\/answer: unknown answer maker "formAnswer": expected none \(pocketqa has none\)/,
    );
  });

  it('a rule the http step narrows to, and a suite of another protocol', () => {
    const ctaiSuite = {
      protocol: 'ctai',
      description: 'd',
      cases: [suiteCase([{ type: 'http', path: '/v1/ctai/query_text_chat', expect: 'refusal', rules: ['ctai.input.refusd'] }])],
    };
    expect(() => loadSuite(protocol('ctai'), write(ctaiSuite))).toThrow(/at \/cases\/0\/steps\/0\/rules\/0: unknown rule "ctai\.input\.refusd"/);
    expect(() => loadSuite(protocol('fastgpt'), write(ctaiSuite))).toThrow(/at \/protocol: expected "fastgpt", got "ctai"/);
  });

  it('accepts captured values and declared variables', () => {
    const file = write({
      ...base,
      variables: { room: { description: 'a room' } },
      cases: [
        suiteCase([
          { ...step, capture: { said: { pointer: '/data/delta' } } },
          { ...step, payload: { text: '{{said}}', room: '{{room}}-{{run}}' } },
        ]),
      ],
    });
    expect(loadSuite(protocol('pocketqa'), file).cases).toHaveLength(1);
  });
});
