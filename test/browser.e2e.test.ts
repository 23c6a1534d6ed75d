/**
 * `chatwire mock` behind a web front end: pages on another origin, in headless Chromium (Debian's,
 * driven by playwright-core), call the built bin — the ctai document's fetchEventSource example,
 * and a pocketqa question through socket.io-client — and show the answer they assembled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { z } from 'zod';
import { findChromium } from './chromium.js';
import { root, spawnBin } from './cli-helper.js';

/** A name that is not loopback, resolved by the browser to the page server: a page on someone else's site. */
const FOREIGN_HOST = 'app.chatwire.test';
const FIXTURES = join(root, 'test', 'fixtures', 'browser');
const packageDir = (name: string): string => dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
/** The front-end libraries, served from node_modules as the ES modules they publish. */
const VENDOR: Readonly<Record<string, string>> = {
  'fetch-event-source': join(packageDir('@microsoft/fetch-event-source'), 'lib', 'esm'),
  'socket.io-client': join(packageDir('socket.io-client'), 'dist'),
};

/** The pages (test/fixtures/browser/*.html) and the libraries they import. */
function startPageServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://page.invalid').pathname;
    const page = /^\/([a-z]+)\.html$/.exec(path)?.[1];
    // fetch-event-source's ES build imports './fetch' without an extension, as bundlers resolve it.
    const vendored = /^\/vendor\/([a-z.-]+)\/([a-z.]+?)(?:\.js)?$/.exec(path);
    const dir = VENDOR[vendored?.[1] ?? ''];
    const file = page !== undefined ? join(FIXTURES, `${page}.html`) : dir !== undefined ? join(dir, `${vendored?.[2] ?? ''}.js`) : undefined;
    if (file === undefined || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': `${page !== undefined ? 'text/html' : 'text/javascript'}; charset=utf-8` }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface RunningMock {
  readonly url: string;
  stop(): Promise<void>;
}

/** `chatwire mock` as a user starts it; resolves with the URL it prints. */
async function startMock(args: readonly string[]): Promise<RunningMock> {
  const child: ChildProcess = spawnBin(['mock', '--port', '0', '--protocol', 'ctai', '--protocol', 'pocketqa', ...args]);
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`chatwire mock printed no URL within 15 s: ${out}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(match[1]);
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`chatwire mock exited with ${code}: ${out}`));
    });
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

/** What the ctai example assembles from a scenario: every answer_text, and every ref_doc_list concatenated. */
const ScriptedPacket = z.object({
  data: z.object({ ret: z.string(), data: z.object({ answer_text: z.string(), ref_doc_list: z.array(z.unknown()).optional() }) }),
});
const Scenario = z.object({ stream: z.object({ frames: z.array(ScriptedPacket) }) });

function scriptedCtai(name: string): { text: string; docs: unknown[] } {
  const { frames } = Scenario.parse(JSON.parse(readFileSync(join(root, 'mocks', 'ctai', `${name}.json`), 'utf8'))).stream;
  return { text: frames.map((frame) => frame.data.data.answer_text).join(''), docs: frames.flatMap((frame) => frame.data.data.ref_doc_list ?? []) };
}

/** What a pocketqa scenario answers: its deltas, in order. */
function scriptedPocketqa(name: string): string {
  const Script = z.object({ script: z.object({ deltas: z.array(z.string()) }) });
  return Script.parse(JSON.parse(readFileSync(join(root, 'mocks', 'pocketqa', `${name}.json`), 'utf8'))).script.deltas.join('');
}

let browser: Browser;
let pages: Server;
let pagePort: number;
let byDefault: RunningMock;
let foreignOnly: RunningMock;
const shots = mkdtempSync(join(tmpdir(), 'chatwire-browser-'));

beforeAll(async () => {
  pages = await startPageServer();
  pagePort = (pages.address() as AddressInfo).port;
  [byDefault, foreignOnly] = await Promise.all([startMock([]), startMock(['--cors-origin', `http://${FOREIGN_HOST}:${pagePort}`])]);
  browser = await chromium.launch({ executablePath: findChromium(), args: [`--host-resolver-rules=MAP ${FOREIGN_HOST} 127.0.0.1`] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([byDefault?.stop(), foreignOnly?.stop()]);
  await new Promise((resolve) => pages?.close(resolve));
});

interface PageOutcome {
  readonly status: string;
  readonly answer: string;
  readonly docs: unknown;
  readonly console: readonly string[];
  readonly screenshot: string;
}

/** Opens a page at `pageHost` against a mock and waits for its call to end, either way. */
async function runPage(name: 'ctai' | 'pocketqa', pageHost: string, mock: RunningMock, scenario: string, shot: string): Promise<PageOutcome> {
  const page = await browser.newPage();
  const logged: string[] = [];
  page.on('console', (message) => logged.push(message.text()));
  try {
    await page.goto(`http://${pageHost}:${pagePort}/${name}.html?mock=${encodeURIComponent(mock.url)}&scenario=${scenario}`);
    await page.locator('body:not([data-state="running"])').waitFor({ timeout: 15_000 });
    const screenshot = join(shots, `${shot}.png`);
    await page.screenshot({ path: screenshot });
    return {
      status: (await page.locator('#status').textContent()) ?? '',
      answer: (await page.locator('#answer').textContent()) ?? '',
      docs: name === 'ctai' ? JSON.parse((await page.locator('#docs').textContent()) ?? 'null') : undefined,
      console: logged,
      screenshot,
    };
  } finally {
    await page.close();
  }
}

describe('the mock in a browser, from a page on another origin', () => {
  it("serves the ctai document's fetchEventSource example to a page on a loopback origin, the scenario chosen by header", async () => {
    const outcome = await runPage('ctai', '127.0.0.1', byDefault, 'citations', 'loopback-origin');
    const expected = scriptedCtai('citations');
    expect(outcome.status, `screenshot: ${outcome.screenshot}`).toBe('done');
    expect(outcome.answer).toBe(expected.text);
    expect(outcome.docs).toEqual(expected.docs);
    expect(readFileSync(outcome.screenshot).subarray(1, 4).toString()).toBe('PNG');
  }, 30_000);

  it('refuses a page of another site by default: the preflight fails and nothing is read', async () => {
    const outcome = await runPage('ctai', FOREIGN_HOST, byDefault, 'plain', 'foreign-origin-refused');
    expect(outcome.status, `screenshot: ${outcome.screenshot}`).toBe('failed: Failed to fetch');
    expect(outcome.answer).toBe('');
    expect(outcome.console.join('\n')).toMatch(/blocked by CORS policy/);
  }, 30_000);

  it('--cors-origin lets that site in, and then only it', async () => {
    const foreign = await runPage('ctai', FOREIGN_HOST, foreignOnly, 'plain', 'foreign-origin-allowed');
    expect(foreign.status, `screenshot: ${foreign.screenshot}`).toBe('done');
    expect(foreign.answer).toBe(scriptedCtai('plain').text);
    const loopback = await runPage('ctai', '127.0.0.1', foreignOnly, 'plain', 'loopback-origin-refused');
    expect(loopback.status, `screenshot: ${loopback.screenshot}`).toBe('failed: Failed to fetch');
  }, 30_000);

  it('serves pocketqa over Socket.IO to a loopback page, and refuses the connection of a page of another site', async () => {
    const loopback = await runPage('pocketqa', '127.0.0.1', byDefault, 'plain', 'pocketqa-loopback-origin');
    expect(loopback.status, `screenshot: ${loopback.screenshot}`).toBe('done');
    expect(loopback.answer).toBe(scriptedPocketqa('plain'));
    const foreign = await runPage('pocketqa', FOREIGN_HOST, byDefault, 'plain', 'pocketqa-foreign-origin');
    expect(foreign.status, `screenshot: ${foreign.screenshot}`).toMatch(/^failed: /);
    expect(foreign.answer).toBe('');
  }, 30_000);
});
