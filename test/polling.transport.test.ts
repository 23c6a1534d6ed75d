import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { reasonOf, systemClock, type Clock } from '../src/core/clock.js';
import { defaultLimits, isEnd, type StreamBatch } from '../src/core/exchange.js';
import { pollBatches } from '../src/transports/polling/poll.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A task API: a running poll with one event, then `second` (an error, or the final poll), then nothing new. */
async function start(second: 'busy' | 'final'): Promise<{ base: string; froms: number[] }> {
  const froms: number[] = [];
  const server = createServer((req, res) => {
    const from = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('from'));
    froms.push(from);
    const poll = (status: string, events: unknown[], next: number) => res.end(JSON.stringify({ data: { status, events, next_offset: next } }));
    if (froms.length === 1) return poll('running', [{ type: 'text_chunk', data: { content: '你' } }], 1);
    if (froms.length === 2 && second === 'busy') return res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
    return poll('completed', from === 0 ? [{ type: 'text_chunk', data: { content: '你' } }] : [], 1);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { base: `http://127.0.0.1:${port}/api/v1/tasks/t1`, froms };
}

async function series(base: string): Promise<string[]> {
  const seen: string[] = [];
  const batches: AsyncIterable<StreamBatch> = pollBatches({
    url: (from) => `${base}?from=${from}`,
    headers: {},
    limits: { ...defaultLimits, timeoutMs: 5000 },
    clock: systemClock,
    start: 0,
    intervalMs: 1,
    cursor: (json) => {
      const data = (json as { data?: { status?: string; next_offset?: number } }).data;
      return typeof data?.next_offset === 'number' ? { next: data.next_offset, running: data.status === 'running' } : undefined;
    },
    pastEnd: 1,
    pastEndAfterMs: 1,
    replays: 1,
  });
  for await (const batch of batches)
    seen.push(...(isEnd(batch) ? [batch.type] : batch.map((frame) => (frame.type === 'poll' ? `${frame.phase}:${frame.status}` : frame.type))));
  return seen;
}

describe('a poll series', () => {
  it('polls past the end and re-reads from the start once the task ended', async () => {
    const server = await start('final');
    expect(await series(server.base)).toEqual(['poll:200', 'poll:200', 'past-end:200', 'replay:200', 'closed']);
  });

  it('stops at an answer without a cursor (HTTP 503): there is no end to poll past or re-read up to', async () => {
    const server = await start('busy');
    expect(await series(server.base)).toEqual(['poll:200', 'poll:503', 'closed']);
    expect(server.froms).toEqual([0, 1]);
  });

  it('waits before polling past the end, so that events a server appends after saying it ended are seen', async () => {
    // The task says "completed" with one event; its worker flushes a last event a moment later.
    let events = [{ type: 'text_chunk', data: { content: '你' } }];
    const froms: number[] = [];
    const server = createServer((req, res) => {
      const from = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('from'));
      froms.push(from);
      res.end(JSON.stringify({ data: { status: 'completed', events: events.slice(from), next_offset: events.length } }));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    // The series' waits (no signal here) pass at once and are recorded; the exchanges' timers never fire.
    const waits: number[] = [];
    const clock: Clock = {
      now: () => 0,
      sleep: (ms, signal) => {
        if (signal !== undefined) return new Promise((_, reject) => signal.addEventListener('abort', () => reject(reasonOf(signal)), { once: true }));
        waits.push(ms);
        events = [...events, { type: 'text_chunk', data: { content: '好' } }];
        return Promise.resolve();
      },
    };
    const pastEnd: unknown[] = [];
    for await (const batch of pollBatches({
      url: (from) => `http://127.0.0.1:${port}/api/v1/tasks/t1?from=${from}`,
      headers: {},
      limits: { ...defaultLimits, timeoutMs: 5000 },
      clock,
      start: 0,
      intervalMs: 100,
      cursor: (json) => {
        const data = (json as { data?: { status?: string; next_offset?: number } }).data;
        return typeof data?.next_offset === 'number' ? { next: data.next_offset, running: data.status === 'running' } : undefined;
      },
      pastEnd: 1,
      pastEndAfterMs: 500,
      replays: 0,
    }))
      if (!isEnd(batch))
        for (const frame of batch) if (frame.type === 'poll' && frame.phase === 'past-end') pastEnd.push(frame.json.ok ? frame.json.value : undefined);
    expect(waits).toEqual([500]);
    expect(froms).toEqual([0, 1]);
    expect(pastEnd).toEqual([{ data: { status: 'completed', events: [{ type: 'text_chunk', data: { content: '好' } }], next_offset: 2 } }]);
  });
});
