import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/core/clock.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import ctai from '../src/protocols/ctai/index.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import fastgptPy from '../src/protocols/fastgpt-py/index.js';
import tasks from '../src/protocols/tasks/index.js';
import { check, ruleIds } from './helpers.js';

const PATH = '/v1/ctai/query_text_chat';
const BODY = JSON.stringify({ query_text: '你好', stream: '1' });

/** A clock that waits for nothing and remembers every wait asked of it. */
function recordingClock(): Clock & { readonly waits: number[] } {
  const waits: number[] = [];
  let now = 0;
  return {
    waits,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new Error('aborted');
      waits.push(ms);
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

let clock: ReturnType<typeof recordingClock>;
let mock: MockServer;
beforeAll(async () => {
  clock = recordingClock();
  mock = await startMockServer({ protocols: [ctai, fastgpt, fastgptPy, tasks], port: 0, clock });
});
afterAll(() => mock.close());
afterEach(() => {
  mock.reset();
  clock.waits.length = 0;
});

function ask(headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${mock.url}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BODY });
}

/** The msg_sn of each event, in the order they came. */
const serials = (text: string): string[] => [...text.matchAll(/"msg_sn":"(\d+)"/g)].map((match) => match[1] ?? '');
const events = (text: string): string[] => text.split('\n\n').filter((block) => block.includes('data:'));

/** The raw chunks of one ctai answer, read off a plain socket, so that write boundaries show. */
function rawChunks(fault: string): Promise<Buffer[]> {
  const { port } = new URL(mock.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setNoDelay(true);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(chunks));
    socket.on('error', reject);
    socket.write(
      `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nx-chatwire-fault: ${fault}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`,
    );
  });
}

/** The server's writes, one per HTTP/1.1 chunk of a chunked answer. */
function writes(raw: Buffer): Buffer[] {
  let at = raw.indexOf('\r\n\r\n') + 4;
  const out: Buffer[] = [];
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    const size = parseInt(raw.subarray(at, eol).toString('latin1'), 16);
    if (!(size > 0)) return out;
    out.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

describe('fault overlays on HTTP answers', () => {
  it('plays the scenario untouched without a fault', async () => {
    const text = await (await ask()).text();
    expect(serials(text)).toEqual(['0', '1', '2', '3']);
    expect(await check(ctai, 'stream', text)).toEqual([]);
  });

  it('closes cleanly after frame K, and breaks the connection for reset', async () => {
    const closed = await (await ask({ 'x-chatwire-fault': 'close:2' })).text();
    expect(serials(closed)).toEqual(['0', '1']);
    expect(ruleIds(await check(ctai, 'stream', closed))).toContain('ctai.stop.present');
    const reset = await ask({ 'x-chatwire-fault': 'reset:1' });
    await expect(reset.text()).rejects.toThrow();
  });

  it('cuts through frame K with close-mid', async () => {
    const text = await (await ask({ 'x-chatwire-fault': 'close-mid:2' })).text();
    expect(serials(text)).toEqual(['0']);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text.length).toBeGreaterThan(events(text).join('\n\n').length - 1);
  });

  it('duplicates, drops, reorders and corrupts frame K', async () => {
    expect(serials(await (await ask({ 'x-chatwire-fault': 'duplicate:2' })).text())).toEqual(['0', '1', '1', '2', '3']);
    expect(serials(await (await ask({ 'x-chatwire-fault': 'drop:2' })).text())).toEqual(['0', '2', '3']);
    expect(serials(await (await ask({ 'x-chatwire-fault': 'reorder:2' })).text())).toEqual(['0', '2', '1', '3']);
    const corrupted = await (await ask({ 'x-chatwire-fault': 'corrupt:1' })).text();
    const first = events(corrupted)[0]?.replace(/^[\s\S]*?data: /, '') ?? '';
    expect(() => JSON.parse(first) as unknown).toThrow();
    expect(ruleIds(await check(ctai, 'stream', corrupted))).toContain('ctai.packet.json');
  });

  it('splits every frame into one-byte writes, through multi-byte characters, bytes unchanged', async () => {
    const whole = writes(Buffer.concat(await rawChunks('delay:0')));
    const split = writes(Buffer.concat(await rawChunks('split:1')));
    expect(split.length).toBeGreaterThan(100);
    expect(split.every((write) => write.length === 1)).toBe(true);
    // The first byte of a multi-byte character went out alone: the character was cut.
    expect(split.some((write) => (write[0] ?? 0) >= 0xc0)).toBe(true);
    expect(serials(Buffer.concat(split).toString('utf8'))).toEqual(serials(Buffer.concat(whole).toString('utf8')));
  });

  it('adds SSE comments and heartbeats, which a conformant reader ignores', async () => {
    const commented = await (await ask({ 'x-chatwire-fault': 'comments' })).text();
    expect(commented.match(/^: chatwire comment$/gm)).toHaveLength(4);
    expect(await check(ctai, 'stream', commented)).toEqual([]);
    const beating = await (await ask({ 'x-chatwire-fault': 'heartbeat:10, stall:1:100' })).text();
    expect(beating).toMatch(/^: chatwire heartbeat$/m);
    expect(serials(beating)).toEqual(['0', '1', '2', '3']);
  });

  it('ends a heartbeat with its answer: no timer outlives the stream', async () => {
    let pending = 0;
    const holding: Clock = {
      now: () => 0,
      // Scripted delays pass at once; a long wait holds until its signal aborts.
      sleep: (ms, signal) =>
        ms < 10_000
          ? Promise.resolve()
          : new Promise<void>((_resolve, reject) => {
              pending++;
              signal?.addEventListener('abort', () => {
                pending--;
                reject(new Error('aborted'));
              });
            }),
    };
    const beating = await startMockServer({ protocols: [ctai], port: 0, clock: holding });
    try {
      const res = await fetch(`${beating.url}${PATH}`, { method: 'POST', headers: { 'x-chatwire-fault': 'heartbeat:60000' }, body: BODY });
      expect(serials(await res.text())).toEqual(['0', '1', '2', '3']);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pending).toBe(0);
    } finally {
      await beating.close();
    }
  });

  it('waits before the first frame, stalls after frame K, and drips at a byte rate', async () => {
    await (await ask({ 'x-chatwire-fault': 'delay:700' })).text();
    expect(clock.waits).toContain(700);
    clock.waits.length = 0;
    await (await ask({ 'x-chatwire-fault': 'stall:2:4000' })).text();
    expect(clock.waits).toContain(4000);
    clock.waits.length = 0;
    const dripped = await (await ask({ 'x-chatwire-fault': 'drip:100' })).text();
    // 10 bytes every 100 ms: the waits add up to the answer's size at 100 bytes per second.
    const scripted = [50, 30, 30, 30].reduce((a, b) => a + b, 0);
    const waited = clock.waits.reduce((a, b) => a + b, 0) - scripted;
    expect(waited).toBeGreaterThanOrEqual(Buffer.byteLength(dripped) * 10 - 100);
  });

  it("answers a bare status in each protocol's error form, with Retry-After", async () => {
    const limited = await ask({ 'x-chatwire-fault': 'status:429' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ ret: '429' });
    const unavailable = await ask({ 'x-chatwire-fault': 'status:503:7' });
    expect([unavailable.status, unavailable.headers.get('retry-after')]).toEqual([503, '7']);
    mock.use('fastgpt', undefined, 'status:429');
    const fg = await fetch(`${mock.url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'q' }] }),
    });
    expect(fg.status).toBe(429);
    expect(await fg.json()).toMatchObject({ code: 429 });
    mock.use('tasks', undefined, 'status:503');
    const polled = await fetch(`${mock.url}/api/v1/tasks/t-1?from=0`, { headers: { authorization: 'Bearer k' } });
    expect(polled.status).toBe(503);
  });

  it('refuses an unknown fault in the protocol error form, naming the faults there are', async () => {
    const res = await ask({ 'x-chatwire-fault': 'explode:3' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { msg: string };
    expect(body.msg).toMatch(/no fault named "explode".*stall:K:MS/);
  });
});

describe('choosing in code', () => {
  it('use() sets scenario and faults for later requests; a request header still wins; reset() forgets', async () => {
    mock.use('ctai', 'no-stop', 'drop:1');
    expect(serials(await (await ask()).text())).toEqual(['1', '2']);
    expect(serials(await (await ask({ 'x-chatwire-fault': 'close:1' })).text())).toEqual(['0']);
    mock.reset();
    expect(serials(await (await ask()).text())).toEqual(['0', '1', '2', '3']);
  });

  it('refuses an unknown scenario, an unknown protocol, and a fault that cannot act on the protocol', () => {
    expect(() => mock.use('ctai', 'nope')).toThrow(/Failed to find scenario "nope" for ctai/);
    expect(() => mock.use('nope')).toThrow(/Failed to choose for nope: this mock does not serve it/);
    expect(() => mock.use('ctai', undefined, 'no-pong')).toThrow(/no-pong cannot act on answers sent by http/);
  });

  it('reads a scenario header naming protocols, or a bare name where it exists', async () => {
    expect(serials(await (await ask({ 'x-chatwire-scenario': 'fastgpt=no-done, ctai=no-stop' })).text())).toEqual(['0', '1', '2']);
    // no-stop exists for ctai only: a fastgpt request with the same header plays its own default.
    const fg = await fetch(`${mock.url}/api/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k', 'x-chatwire-scenario': 'no-stop' },
      body: JSON.stringify({ stream: false, messages: [{ role: 'user', content: 'q' }] }),
    });
    expect(fg.status).toBe(200);
    const unknown = await ask({ 'x-chatwire-scenario': 'no-such-thing' });
    expect(unknown.status).toBe(400);
    // A misspelt protocol is refused too, not ignored in favour of the default.
    const misspelt = await ask({ 'x-chatwire-scenario': 'ctia=no-stop' });
    expect(misspelt.status).toBe(400);
    expect(((await misspelt.json()) as { msg: string }).msg).toContain('"ctia" in x-chatwire-scenario is no protocol this mock serves');
  });

  it('lists scenarios, what plays, and every fault at /_chatwire/scenarios; POST use and reset work too', async () => {
    const use = await fetch(`${mock.url}/_chatwire/use`, {
      method: 'POST',
      body: JSON.stringify({ protocol: 'ctai', scenario: 'no-stop', faults: ['stall:1:10'] }),
    });
    const listing = (await use.json()) as { protocols: Record<string, { playing: string; faults: string[] }>; faults: Array<{ usage: string }> };
    expect(listing.protocols['ctai']).toMatchObject({ playing: 'no-stop', faults: ['stall:1:10'] });
    expect(listing.faults.map((fault) => fault.usage)).toContain('split[:N]');
    const bad = await fetch(`${mock.url}/_chatwire/use`, { method: 'POST', body: JSON.stringify({ protocol: 'ctai', faults: 'wobble' }) });
    expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([400, expect.stringMatching(/no fault named "wobble"/)]);
    await fetch(`${mock.url}/_chatwire/reset`, { method: 'POST' });
    const after = (await (await fetch(`${mock.url}/_chatwire/scenarios`)).json()) as { protocols: Record<string, { playing: string }> };
    expect(after.protocols['ctai']?.playing).toBe('plain');
  });
});

describe('--speed', () => {
  it('scales scripted delays (0: none) but keeps fault delays', async () => {
    const fast = recordingClock();
    const quick = await startMockServer({ protocols: [ctai], port: 0, clock: fast, speed: 0 });
    try {
      const res = await fetch(`${quick.url}${PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-chatwire-fault': 'stall:1:250' },
        body: BODY,
      });
      expect(serials(await res.text())).toEqual(['0', '1', '2', '3']);
      expect(fast.waits.filter((ms) => ms > 0)).toEqual([250]);
    } finally {
      await quick.close();
    }
  });

  it('refuses a speed outside 0–100', async () => {
    await expect(startMockServer({ protocols: [ctai], port: 0, speed: -1 })).rejects.toThrow(/speed -1 is not between 0 and 100/);
  });
});
