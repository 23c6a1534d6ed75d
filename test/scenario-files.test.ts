import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import ctai from '../src/protocols/ctai/index.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import pocketqa from '../src/protocols/pocketqa/index.js';
import type { Protocol } from '../src/protocols/protocol.js';
import { cli, root, spawnBin } from './cli-helper.js';

/** A built-in scenario file as JSON, to be bent into a user's file. */
function builtIn(protocol: string, name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, 'mocks', protocol, `${name}.json`), 'utf8')) as Record<string, unknown>;
}

/** A fresh folder holding the given files (objects are written as JSON, strings as they are). */
function folder(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatwire-scenarios-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return dir;
}

const started: MockServer[] = [];
afterAll(() => Promise.all(started.map((mock) => mock.close())));

async function start(protocol: Protocol, dir: string): Promise<MockServer> {
  const mock = await startMockServer({ protocols: [protocol], port: 0, scenarioDirs: { [protocol.id]: [dir] } });
  started.push(mock);
  return mock;
}

/** The message a mock given this folder refuses to start with. */
async function refusal(protocol: Protocol, files: Record<string, unknown>): Promise<string> {
  const mock = await start(protocol, folder(files)).then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  if (mock === undefined) throw new Error('the mock started: expected it to refuse the scenario');
  return mock;
}

describe('a user scenario is judged by what it breaks when it loads', () => {
  it('refuses a ctai scenario with a numeric msg_sn and no breaks, naming the rule it breaks', async () => {
    const message = await refusal(ctai, { 'numeric.json': { ...builtIn('ctai', 'msg-sn-number'), breaks: [] } });
    expect(message).toMatch(
      /^Failed to load scenario .*numeric\.json: played through ctai's suite, it breaks ctai\.packet\.shape, which "breaks" does not name/,
    );
    expect(message).toContain('msg_sn');
    expect(message).toContain('expected "breaks": ["ctai.packet.shape"]');
  }, 30_000);

  it('refuses a scenario that declares a rule it does not break', async () => {
    const message = await refusal(ctai, { 'claims.json': { ...builtIn('ctai', 'plain'), breaks: ['ctai.stop.present'] } });
    expect(message).toContain('"breaks" names ctai.stop.present, which it does not break; expected "breaks": []');
  }, 30_000);

  it('serves a good user file, a fault with the right breaks, and says which built-in it replaces', async () => {
    const dir = folder({
      'plain.json': { ...builtIn('ctai', 'plain'), description: 'My own plain answer' },
      'numeric.json': builtIn('ctai', 'msg-sn-number'),
    });
    const mock = await start(ctai, dir);
    const set = mock.scenarios.get('ctai');
    expect(set?.get('numeric')?.breaks).toEqual(['ctai.packet.shape']);
    expect(set?.get('plain')?.description).toBe('My own plain answer');
    expect(set?.get('plain')?.replaces).toBe(join(root, 'mocks', 'ctai', 'plain.json'));
    expect(set?.get('numeric')?.replaces).toBeUndefined();
    expect(mock.judged.map(({ scenario, breaks }) => [scenario.name, breaks])).toEqual([
      ['numeric', ['ctai.packet.shape']],
      ['plain', []],
    ]);
    const res = await fetch(`${mock.url}/v1/ctai/query_text_chat`, {
      method: 'POST',
      headers: { 'x-chatwire-scenario': 'numeric' },
      body: JSON.stringify({ query_text: '你好', stream: '1' }),
    });
    expect(await res.text()).toContain('"msg_sn":0');
  }, 30_000);

  it("judges a Socket.IO protocol's file the same way", async () => {
    const mock = await start(pocketqa, folder({ 'silent.json': builtIn('pocketqa', 'no-stop') }));
    expect(mock.scenarios.get('pocketqa')?.get('silent')?.breaks).toEqual(['pocketqa.stop.present']);
    const message = await refusal(pocketqa, { 'silent.json': { ...builtIn('pocketqa', 'no-stop'), breaks: [] } });
    expect(message).toContain('it breaks pocketqa.stop.present, which "breaks" does not name');
  }, 30_000);
});

describe('a user scenario is checked against its protocol when it loads', () => {
  it('refuses a breaks entry naming no rule of the protocol, with a did-you-mean', async () => {
    const message = await refusal(ctai, { 'typo.json': { ...builtIn('ctai', 'msg-sn-gap'), breaks: ['ctai.msg_sn.sequense'] } });
    expect(message).toMatch(
      /typo\.json: at \/breaks\/0: unknown rule "ctai\.msg_sn\.sequense": expected one of ctai's rules \(did you mean ctai\.msg_sn\.sequence/,
    );
  });

  it('refuses a part the protocol does not play instead of ignoring it (a 429 stream in a fastgpt scenario)', async () => {
    const stream = { status: 429, frames: [{ data: { error: 'slow down' } }] };
    const message = await refusal(fastgpt, { 'limited.json': { description: 'Rate limited', breaks: [], stream } });
    expect(message).toContain('limited.json: at /stream: fastgpt\'s mock does not play a "stream"; expected only "script"');
  });

  it('says which protocol a file meant for another one looks like', async () => {
    const message = await refusal(pocketqa, { 'stages.json': builtIn('fastgpt-py', 'accident-report') });
    expect(message).toContain('at /script/deltas: missing: expected array');
    expect(message).toContain('it looks like a fastgpt-py scenario (it fits fastgpt-py and not pocketqa)');
    const ctaiFile = await refusal(fastgpt, { 'packets.json': builtIn('ctai', 'plain') });
    expect(ctaiFile).toContain('it looks like a ctai scenario');
  });

  it('names the branch of a union that was meant, and its error at a JSON path', async () => {
    const frames = [
      { event: 'message', data: {}, id: 7 },
      { raw: 'data: x\n\n', delayMs: 'soon' },
    ];
    const message = await refusal(ctai, { 'frames.json': { description: 'Bad frames', stream: { frames } } });
    expect(message).toContain('at /stream/frames/0/id: expected string, received number (read as EventFrame, which it fits better than RawFrame)');
    expect(message).toContain('at /stream/frames/1/delayMs: expected number, received string (read as RawFrame, which it fits better than EventFrame)');
    const script = await refusal(fastgpt, { 'select.json': { description: 'x', script: { interactive: { type: 'userSelect', description: 'pick' } } } });
    expect(script).toContain('at /script/interactive/userSelectOptions: missing: expected array');
  });

  it('refuses a folder for a protocol the mock does not serve', async () => {
    const dir = folder({ 'plain.json': builtIn('fastgpt', 'plain') });
    const error = await startMockServer({ protocols: [ctai], port: 0, scenarioDirs: { fastgpt: [dir] } }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toContain(`Failed to load scenarios for fastgpt from ${dir}: the mock does not serve fastgpt; expected one of ctai`);
  });

  it('gives the line and column of bad JSON', async () => {
    const message = await refusal(ctai, { 'comma.json': '{\n  "description": "x",\n  "breaks": [],\n}\n' });
    expect(message).toMatch(
      /^Failed to load scenario .*comma\.json: bad JSON at line 4, column 1: expected a property name in double quotes \(a trailing comma\?\); expected JSON$/,
    );
  });
});

describe('chatwire mock --scenarios', () => {
  it('exits 2 with the reason when a file breaks what it does not declare', async () => {
    const dir = folder({ 'numeric.json': { ...builtIn('ctai', 'msg-sn-number'), breaks: [] } });
    const result = await cli(['mock', '--port', '0', '--protocol', 'ctai', '--scenarios', `ctai=${dir}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^chatwire: Failed to load scenario .*numeric\.json: played through ctai's suite, it breaks ctai\.packet\.shape/);
  }, 60_000);

  it('prints which user file replaces which built-in scenario', async () => {
    const dir = folder({ 'plain.json': { ...builtIn('ctai', 'plain'), description: 'Mine' } });
    const child = spawnBin(['mock', '--port', '0', '--protocol', 'ctai', '--scenarios', `ctai=${dir}`]);
    const out = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('Press Ctrl+C')) resolve(text);
      });
      child.on('close', (code) => reject(new Error(`the mock exited with ${String(code)}: ${text}`)));
    });
    child.kill('SIGTERM');
    expect(out).toContain(`scenario plain: ${join(dir, 'plain.json')} replaces mocks/ctai/plain.json`);
    expect(out).toMatch(/scenario plain: .*plain\.json keeps every rule, as its "breaks" says \(judged in \d+ ms\)/);
  }, 60_000);
});
