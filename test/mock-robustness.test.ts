import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJson } from '../src/core/exchange.js';
import { BoundedStore, MAX_KEY_CHARS } from '../src/mock/state.js';
import { startMockProcess, type MockProcess } from './mock-process.js';

const post = async (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k', ...headers }, body: JSON.stringify(body) });

/** RSS growth of the mock over `rounds` of `send`, measured after a warm-up round. */
async function growthMb(mock: MockProcess, rounds: number, send: (i: number) => Promise<void>): Promise<number> {
  for (let i = 0; i < 20; i++) await send(-1 - i);
  const before = mock.rssMb();
  for (let i = 0; i < rounds; i++) await send(i);
  return mock.rssMb() - before;
}

describe('parseJson: JSON too deep to walk safely', () => {
  it('refuses 100,000 levels by name, and takes 1,000', () => {
    const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(parseJson(nested(100_000))).toEqual({ ok: false, error: `the JSON nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`, tooDeep: true });
    expect(parseJson(`{"a":${'{"a":'.repeat(1_000)}1${'}'.repeat(1_001)}`)).toMatchObject({ ok: false, tooDeep: true });
    expect(parseJson(nested(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
    // Brackets inside strings are text, not nesting.
    expect(parseJson(JSON.stringify({ text: '['.repeat(5_000) }))).toMatchObject({ ok: true });
  });
});

describe('BoundedStore: a store bounded in entries and bytes', () => {
  it('drops its oldest entries past the byte budget, and counts a value set again anew', () => {
    const store = new BoundedStore<string>({ bytes: 10_000 });
    for (let i = 0; i < 20; i++) store.set(`k${i}`, 'x'.repeat(1_000));
    expect(store.bytes).toBeLessThanOrEqual(10_000);
    expect(store.has('k0')).toBe(false);
    expect(store.get('k19')).toBe('x'.repeat(1_000));
    store.set('k19', 'y');
    expect(store.bytes).toBeLessThan(10_000 - 1_000);
  });

  it('keeps a long key as its digest: the same key finds its entry, and costs no more than a short one', () => {
    const store = new BoundedStore<number>({ bytes: 1_000_000 });
    const long = 'k'.repeat(1_000_000);
    store.set(long, 1);
    expect(store.get(long)).toBe(1);
    expect(store.get(`${long}!`)).toBeUndefined();
    expect(store.bytes).toBeLessThan(4 * MAX_KEY_CHARS);
  });
});

describe('the mock under big requests: memory stays flat', () => {
  let mock: MockProcess;
  beforeAll(async () => {
    mock = await startMockProcess(['--speed', '0']);
  });
  afterAll(async () => mock.stop());

  // Unbounded, 150 sessions of 0.9 MB keys held 135 MB and more; bounded they hold 16 MB at most.
  it('keeps fastgpt-py sessions with 0.9 MB sessionIds within its budget', async () => {
    const big = 's'.repeat(900_000);
    const grown = await growthMb(mock, 150, async (i) => {
      const res = await post(`${mock.url}/chat`, { sessionId: `${i}${big}`, timeStamp: '1700000000', text: '你好' });
      expect(res.status).toBe(200);
      await res.text();
    });
    expect(grown).toBeLessThan(80);
  }, 120_000);

  // One chat of 150 turns of 0.9 MB: unbounded, every turn stayed in the chat's history.
  it('keeps one fastgpt chat of many 0.9 MB turns within its budget', async () => {
    const big = '问'.repeat(300_000);
    const grown = await growthMb(mock, 150, async (i) => {
      const res = await post(`${mock.url}/api/v1/chat/completions`, { chatId: 'one-chat', stream: false, messages: [{ role: 'user', content: `${i}${big}` }] });
      expect(res.status).toBe(200);
      await res.text();
    });
    expect(grown).toBeLessThan(80);
    const records = await post(`${mock.url}/api/core/chat/getPaginationRecords`, {
      appId: '6711c0ffee000000000c4a7e',
      chatId: 'one-chat',
      offset: 0,
      pageSize: 1000,
    });
    const { data } = (await records.json()) as { data: { total: number } };
    expect(data.total).toBeGreaterThanOrEqual(2);
    expect(data.total).toBeLessThan(20);
  }, 120_000);
});

describe('the mock under clients that do not read', () => {
  let dir: string;
  let mock: MockProcess;
  beforeAll(async () => {
    // A 20 MB scripted answer: 2,000 packets of 10 KB, written as fast as the client takes them.
    dir = mkdtempSync(join(tmpdir(), 'chatwire-large-'));
    const text = '字'.repeat(3_000);
    const frames = Array.from({ length: 2_000 }, (_, i) => ({
      data: {
        ret: '0',
        msg: '',
        data: { msg_id: `{{exchange}}-${i}`, msg_sn: String(i), event: i === 1_999 ? 'stop' : '', answer_text: i === 1_999 ? '' : text },
      },
    }));
    const stream = { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' }, frames };
    writeFileSync(join(dir, 'large.json'), JSON.stringify({ description: 'A 20 MB answer.', breaks: [], stream }));
    mock = await startMockProcess(['--speed', '0', '--protocol', 'ctai', '--protocol', 'pocketqa', '--scenarios', `ctai=${dir}`]);
  });
  afterAll(async () => {
    await mock.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds twenty unread 20 MB streams without buffering them, and keeps serving others', async () => {
    const before = mock.rssMb();
    const body = JSON.stringify({ query_text: '你好', stream: '1', session_id: 's1' });
    const stalled: Socket[] = [];
    for (let i = 0; i < 20; i++) {
      const socket = connect(mock.port, '127.0.0.1');
      socket.pause();
      socket.write(
        `POST /v1/ctai/query_text_chat HTTP/1.1\r\nhost: 127.0.0.1:${mock.port}\r\ncontent-type: application/json\r\naccept: text/event-stream\r\n` +
          `x-chatwire-scenario: large\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      stalled.push(socket);
    }
    try {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const started = Date.now();
      const other = await fetch(`${mock.url}/v1/ctai/query_text_chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(await other.text()).toContain('"event":"stop"');
      expect(Date.now() - started).toBeLessThan(5_000);
      // Unread, the twenty answers would be 400 MB; awaited writes keep a little of each.
      expect(mock.rssMb() - before).toBeLessThan(120);
    } finally {
      for (const socket of stalled) socket.destroy();
    }
  }, 60_000);

  it('drops a Socket.IO client that floods questions and never polls for the answers', async () => {
    const base = `${mock.url}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const sid = /"sid":"([^"]+)"/.exec(open)?.[1];
    expect(sid).toBeDefined();
    const url = `${base}&sid=${sid ?? ''}`;
    const question = `42${JSON.stringify(['CHAT_CS', { text: '身份证丢了应该怎么办?', room: 'flood', upload_id: '' }])}`;
    // The namespace's connect first: Socket.IO closes a connection that asks before it is in.
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '40' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = mock.rssMb();
    let status = 200;
    // Each post asks 16 questions (what one connection may have in flight); their answers wait unread.
    for (let i = 0; i < 400 && status === 200; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: Array<string>(16).fill(question).join('\u001e'),
      });
      status = res.status;
      await res.text();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Dropped: the session is gone, and what waited for it with it.
    expect(status).toBe(400);
    expect(mock.rssMb() - before).toBeLessThan(60);
  }, 60_000);
});
