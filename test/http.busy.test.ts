import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { Clock } from '../src/core/clock.js';
import { reasonOf } from '../src/core/clock.js';
import { busyWaitMs, describeRetries, MAX_BUSY_WAIT_MS, sendHttpPatiently } from '../src/transports/http/busy.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { selectProtocols } from '../src/protocols/index.js';
import { cli } from './cli-helper.js';
import { rateLimiter } from './rate-limiter.js';

const servers: Server[] = [];
let mock: MockServer | undefined;
const limiters: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const limiter of limiters.splice(0)) await limiter.close();
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
  await mock?.close();
  mock = undefined;
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

/** Answers `busy` requests with `status` and `headers`, then 200. */
async function busyServer(busy: number, status: number, headers: Record<string, string>): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const url = await listen(
    createServer((req, res) => {
      req.resume();
      const answer = ++requests <= busy ? status : 200;
      res.writeHead(answer, { 'content-type': 'application/json', ...(answer === 200 ? {} : headers) }).end('{}');
    }),
  );
  return { url, requests: () => requests };
}

/** The busy waits (asked without a signal here) return at once and are recorded; the exchange's timers, which have one, never fire. */
function waitRecorder(): { clock: Clock; waits: number[] } {
  const waits: number[] = [];
  let time = 0;
  const clock: Clock = {
    now: () => time,
    sleep: (ms, signal) => {
      if (signal !== undefined) return new Promise((_, reject) => signal.addEventListener('abort', () => reject(reasonOf(signal)), { once: true }));
      waits.push(ms);
      time += ms;
      return Promise.resolve();
    },
  };
  return { clock, waits };
}

const get = (url: string) => ({ method: 'GET', url, headers: {}, body: undefined });
const limits = { timeoutMs: 60_000, closeGraceMs: 100 };

describe('busyWaitMs', () => {
  const head = (status: number, retryAfter?: string) => ({ status, atMs: 0, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } });
  it('reads Retry-After in seconds or as a date, capped, and 1 s without it', () => {
    expect(busyWaitMs(head(429, '2'))).toBe(2000);
    expect(busyWaitMs(head(429))).toBe(1000);
    expect(busyWaitMs(head(429, '3600'))).toBe(MAX_BUSY_WAIT_MS);
    expect(busyWaitMs(head(429, new Date(10_000).toUTCString()), 7_000)).toBe(3000);
    expect(busyWaitMs(head(429, new Date(0).toUTCString()), 7_000)).toBe(0);
    expect(busyWaitMs(head(429, 'soon'))).toBe(1000);
  });
  it('leaves every other answer alone: a 503 is the server unavailable at any pace (the documented clients fail on it), a 500 an error', () => {
    expect(busyWaitMs(head(503))).toBeUndefined();
    expect(busyWaitMs(head(503, '1'))).toBeUndefined();
    expect(busyWaitMs(head(500, '1'))).toBeUndefined();
    expect(busyWaitMs(head(200, '1'))).toBeUndefined();
  });
});

describe('a busy server', () => {
  it('is asked again after the wait it names, and its later answer is the one judged', async () => {
    const server = await busyServer(2, 429, { 'retry-after': '3' });
    const { clock, waits } = waitRecorder();
    let busy = 0;
    const { exchange, retries } = await sendHttpPatiently(get(server.url), {
      limits,
      clock,
      random: () => 0,
      onBusy: () => {
        busy++;
        return false;
      },
    });
    exchange.dispose();
    expect(busy).toBe(2);
    expect(exchange.outcome).toMatchObject({ type: 'response', head: { status: 200 } });
    expect(server.requests()).toBe(3);
    expect(waits).toEqual([3000, 3000]);
    expect(describeRetries(retries)).toBe('the server said it was busy (HTTP 429) 2 times; chatwire waited 6000 ms in all and asked again');
  });

  it('spreads the waits of requests turned away together', async () => {
    const server = await busyServer(1, 429, { 'retry-after': '2' });
    const { clock, waits } = waitRecorder();
    const { exchange } = await sendHttpPatiently(get(server.url), { limits, clock, random: () => 0.5 });
    exchange.dispose();
    // Half of the larger of a quarter second and half the wait (1 s) on top of the 2 s asked for.
    expect(waits).toEqual([2500]);
  });

  it('keeps saying so after three more tries: its busy answer is judged', async () => {
    const server = await busyServer(10, 429, { 'retry-after': '1' });
    const { clock } = waitRecorder();
    const { exchange, retries } = await sendHttpPatiently(get(server.url), { limits, clock });
    exchange.dispose();
    expect(exchange.outcome).toMatchObject({ type: 'response', head: { status: 429 } });
    expect(server.requests()).toBe(4);
    expect(retries).toHaveLength(3);
  });

  it("asks again without counting while the run's other cases crowd it, until the exchange's time is up", async () => {
    const server = await busyServer(8, 429, { 'retry-after': '1' });
    const { clock } = waitRecorder();
    let crowded = 5;
    const { exchange, retries } = await sendHttpPatiently(get(server.url), { limits, clock, random: () => 0, onBusy: () => crowded-- > 0 });
    exchange.dispose();
    // Five turned away in a crowd, then three counted, then let through (counting all, it was judged 429 at the fourth).
    expect(exchange.outcome).toMatchObject({ type: 'response', head: { status: 200 } });
    expect(retries).toHaveLength(8);
    expect(server.requests()).toBe(9);
    const alone = await busyServer(100, 429, { 'retry-after': '1' });
    const crowdedForever = await sendHttpPatiently(get(alone.url), {
      limits: { ...limits, timeoutMs: 5_500 },
      clock: waitRecorder().clock,
      random: () => 0,
      onBusy: () => true,
    });
    crowdedForever.exchange.dispose();
    // Bounded by the exchange's time, not by a count.
    expect(crowdedForever.retries.length).toBeLessThanOrEqual(6);
  });

  it('is not waited for past the exchange limit, nor when it is down (503, even with Retry-After)', async () => {
    const slow = await busyServer(1, 429, { 'retry-after': '4' });
    const { clock } = waitRecorder();
    const tight = await sendHttpPatiently(get(slow.url), { limits: { ...limits, timeoutMs: 3000 }, clock });
    tight.exchange.dispose();
    expect(tight.exchange.outcome).toMatchObject({ type: 'response', head: { status: 429 } });
    expect(slow.requests()).toBe(1);
    const down = await busyServer(1, 503, { 'retry-after': '1' });
    const outage = await sendHttpPatiently(get(down.url), { limits, clock });
    outage.exchange.dispose();
    expect(outage.exchange.outcome).toMatchObject({ type: 'response', head: { status: 503 } });
    expect(outage.retries).toEqual([]);
  });
});

describe('chatwire run against a conformant server behind a rate limiter', () => {
  it('waits as the limiter asks, passes, and says in the step what it waited for', async () => {
    mock = await startMockServer({ protocols: await selectProtocols(['ctai']), port: 0 });
    // The first time each request (method, path, body) comes, it is turned away; asked again, it goes to the mock.
    const seen = new Set<string>();
    const limiter = await rateLimiter(mock.url, (key) => {
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    limiters.push(limiter);
    const front = limiter.url;
    const run = await cli(['run', 'ctai', '--target', front, '-r', 'json']);
    if (run.code !== 0) console.log(run.stderr);
    const report = JSON.parse(run.stdout) as { totals: { failed: number }; cases: { steps: { note?: string }[] }[] };
    expect(report.totals.failed).toBe(0);
    expect(run.code).toBe(0);
    const notes = report.cases.flatMap((c) => c.steps.map((step) => step.note ?? '')).filter((note) => note.includes('busy'));
    // Every step was turned away once, and asked again.
    expect(notes.length).toBe(report.cases.flatMap((c) => c.steps).length);
    expect(notes[0]).toMatch(/^the server said it was busy \(HTTP 429\) once; chatwire waited \d+ ms in all and asked again$/);
  });
});

describe('chatwire run against a server that never lets a request through', () => {
  type Report = {
    totals: { failed: number; skipped: number };
    cases: { skipped?: string; steps: { status: number | null; deviations: { rule: string }[] }[] }[];
  };

  it('gives up after the first turned-away step: the rest is not run, and the run exits 2 saying to lower --concurrency', async () => {
    mock = await startMockServer({ protocols: await selectProtocols(['ctai']), port: 0 });
    const limiter = await rateLimiter(mock.url, () => true);
    limiters.push(limiter);
    const run = await cli(['run', 'ctai', '--target', limiter.url, '-r', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('lower --concurrency');
    const report = JSON.parse(run.stdout) as Report;
    const ran = report.cases.filter((c) => c.skipped === undefined);
    expect(report.totals.skipped).toBeGreaterThan(10);
    expect(report.cases.find((c) => c.skipped !== undefined)?.skipped).toMatch(/turned away every request as busy \(HTTP 429\)/);
    // A rate limiter's answer is not judged as ctai's: only the busy rule speaks.
    const rules = new Set(ran.flatMap((c) => c.steps.flatMap((step) => step.deviations.map((d) => d.rule))));
    expect([...rules]).toEqual(['http.busy.let-through']);
  });

  it('once some requests got through, a later one still turned away fails its case by the busy rule alone (exit 1)', async () => {
    mock = await startMockServer({ protocols: await selectProtocols(['ctai']), port: 0 });
    let requests = 0;
    const limiter = await rateLimiter(mock.url, () => ++requests > 2);
    limiters.push(limiter);
    const cases = ['stream-answer', 'plain-answer', 'default-answer', 'two-turns', 'citations-off'].flatMap((name) => ['--case', name]);
    const run = await cli(['run', 'ctai', '--target', limiter.url, '--concurrency', '1', ...cases, '-r', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    const busySteps = report.cases.flatMap((c) => c.steps).filter((step) => step.status === 429);
    expect(busySteps.length).toBeGreaterThan(0);
    for (const step of busySteps) expect(step.deviations.map((d) => d.rule)).toEqual(['http.busy.let-through']);
    expect(report.cases.some((c) => c.steps.length > 0 && c.steps.every((step) => step.status === 200 && step.deviations.length === 0))).toBe(true);
  });
});
