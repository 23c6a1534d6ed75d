/**
 * `chatwire mock` behind a web front end: a page on another origin runs the ctai document's
 * fetchEventSource example in headless Chromium (Debian's, driven by playwright-core) against the
 * built bin, and shows the answer it assembled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { z } from 'zod';
import { root, spawnBin } from './cli-helper.js';

/** A name that is not loopback, resolved by the browser to the page server: a page on someone else's site. */
const FOREIGN_HOST = 'app.chatwire.test';
const PAGE = readFileSync(join(root, 'test', 'fixtures', 'browser', 'ctai.html'));
const LIBRARY_DIR = join(dirname(createRequire(import.meta.url).resolve('@microsoft/fetch-event-source/package.json')), 'lib', 'esm');

function findChromium(): string {
  const which = spawnSync('which', ['chromium'], { encoding: 'utf8' });
  const candidates = [which.stdout.trim(), '/usr/bin/chromium', '/usr/lib/chromium/chromium', '/usr/bin/chromium-browser'];
  for (const candidate of candidates.filter((path) => path !== '')) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error(
    `Failed to find Chromium for the browser test: no chromium on PATH nor at ${candidates.slice(1).join(', ')} (install it with: apt-get install -y chromium; .ci/run does)`,
  );
}

/** The page, and the library served as the ES module it is published as, from node_modules. */
function startPageServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://page.invalid').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      return;
    }
    // The package's ES build imports './fetch' without an extension, as bundlers resolve it.
    const module = /^\/vendor\/fetch-event-source\/([a-z]+)(?:\.js)?$/.exec(path)?.[1];
    if (module === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(readFileSync(join(LIBRARY_DIR, `${module}.js`)));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

interface RunningMock {
  readonly url: string;
  stop(): Promise<void>;
}

/** `chatwire mock` as a user starts it; resolves with the URL it prints. */
async function startMock(args: readonly string[]): Promise<RunningMock> {
  const child: ChildProcess = spawnBin(['mock', '--port', '0', '--protocol', 'ctai', ...args]);
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

function scripted(name: string): { text: string; docs: unknown[] } {
  const { frames } = Scenario.parse(JSON.parse(readFileSync(join(root, 'mocks', 'ctai', `${name}.json`), 'utf8'))).stream;
  return { text: frames.map((frame) => frame.data.data.answer_text).join(''), docs: frames.flatMap((frame) => frame.data.data.ref_doc_list ?? []) };
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

/** Opens the page at `pageHost` against a mock and waits for the example to end, either way. */
async function runPage(pageHost: string, mock: RunningMock, scenario: string, shot: string): Promise<PageOutcome> {
  const page = await browser.newPage();
  const console: string[] = [];
  page.on('console', (message) => console.push(message.text()));
  try {
    await page.goto(`http://${pageHost}:${pagePort}/?mock=${encodeURIComponent(mock.url)}&scenario=${scenario}`);
    await page.locator('body:not([data-state="running"])').waitFor({ timeout: 15_000 });
    const screenshot = join(shots, `${shot}.png`);
    await page.screenshot({ path: screenshot });
    return {
      status: (await page.locator('#status').textContent()) ?? '',
      answer: (await page.locator('#answer').textContent()) ?? '',
      docs: JSON.parse((await page.locator('#docs').textContent()) ?? 'null'),
      console,
      screenshot,
    };
  } finally {
    await page.close();
  }
}

describe('the mock in a browser, from a page on another origin', () => {
  it("serves the ctai document's fetchEventSource example to a page on a loopback origin, the scenario chosen by header", async () => {
    const outcome = await runPage('127.0.0.1', byDefault, 'citations', 'loopback-origin');
    const expected = scripted('citations');
    expect(outcome.status, `screenshot: ${outcome.screenshot}`).toBe('done');
    expect(outcome.answer).toBe(expected.text);
    expect(outcome.docs).toEqual(expected.docs);
    expect(readFileSync(outcome.screenshot).subarray(1, 4).toString()).toBe('PNG');
  }, 30_000);

  it('refuses a page of another site by default: the preflight fails and nothing is read', async () => {
    const outcome = await runPage(FOREIGN_HOST, byDefault, 'plain', 'foreign-origin-refused');
    expect(outcome.status, `screenshot: ${outcome.screenshot}`).toBe('failed: Failed to fetch');
    expect(outcome.answer).toBe('');
    expect(outcome.console.join('\n')).toMatch(/blocked by CORS policy/);
  }, 30_000);

  it('--cors-origin lets that site in, and then only it', async () => {
    const foreign = await runPage(FOREIGN_HOST, foreignOnly, 'plain', 'foreign-origin-allowed');
    expect(foreign.status, `screenshot: ${foreign.screenshot}`).toBe('done');
    expect(foreign.answer).toBe(scripted('plain').text);
    const loopback = await runPage('127.0.0.1', foreignOnly, 'plain', 'loopback-origin-refused');
    expect(loopback.status, `screenshot: ${loopback.screenshot}`).toBe('failed: Failed to fetch');
  }, 30_000);
});
