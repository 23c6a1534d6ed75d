import { describe, expect, it } from 'vitest';
import { instantClock } from '../src/core/clock.js';
import { defaultLimits, type StreamItem } from '../src/core/exchange.js';
import { flatten } from '../src/core/exchange.js';
import { sseFrames } from '../src/transports/sse/stream.js';
import { bodyBatches } from '../src/transports/http/body.js';
import { CutReason } from '../src/transports/abort.js';
import { chunksOf } from './helpers.js';

async function collect(items: AsyncIterable<StreamItem>): Promise<StreamItem[]> {
  const all: StreamItem[] = [];
  for await (const item of items) all.push(item);
  return all;
}

const options = { limits: defaultLimits, clock: instantClock(), startedAt: 0 };

describe('sseFrames', () => {
  it('yields each event with its fields and parsed JSON, then a closed end', async () => {
    const items = await collect(sseFrames(chunksOf('event: answer\nid: 7\ndata: {"a":1}\n\ndata: not json\n\n'), options));
    expect(items).toMatchObject([
      { type: 'sse', index: 0, event: 'answer', id: '7', data: '{"a":1}', json: { ok: true, value: { a: 1 } } },
      { type: 'sse', index: 1, event: undefined, id: undefined, data: 'not json', json: { ok: false } },
      { type: 'closed' },
    ]);
  });

  it('joins multi-line data with LF and reassembles UTF-8 split across chunks', async () => {
    const items = await collect(sseFrames(chunksOf('data: 你\ndata: 好\n\n', 1), options));
    expect(items[0]).toMatchObject({ type: 'sse', data: '你\n好' });
  });

  it('drops an event the stream ends in the middle of, as EventSource does', async () => {
    const items = await collect(sseFrames(chunksOf('data: one\n\ndata: cut'), options));
    expect(items.map((item) => item.type)).toEqual(['sse', 'closed']);
  });

  it('stops at the frame cap and says so', async () => {
    const body = 'data: x\n\n'.repeat(10);
    const items = await collect(sseFrames(chunksOf(body), { ...options, limits: { ...defaultLimits, maxFrames: 3 } }));
    expect(items.filter((item) => item.type === 'sse')).toHaveLength(3);
    expect(items.at(-1)).toMatchObject({ type: 'frame-limit', limit: 3 });
  });

  it('stops at the byte cap, also inside one endless event', async () => {
    const limits = { ...defaultLimits, maxBytes: 1000 };
    const many = await collect(sseFrames(chunksOf('data: x\n\n'.repeat(500), 100), { ...options, limits }));
    expect(many.at(-1)).toMatchObject({ type: 'byte-limit', limit: 1000 });
    const endless = await collect(sseFrames(chunksOf(`data: ${'y'.repeat(5000)}`, 100), { ...options, limits }));
    expect(endless).toEqual([expect.objectContaining({ type: 'byte-limit' })]);
  });

  it('turns an abort for a timeout into a timeout end, and any other failure into a broken end', async () => {
    const cut = new AbortController();
    async function* stalls(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('data: 1\n\n');
      cut.abort(new CutReason('timeout', 250));
      throw new Error('aborted');
    }
    const timedOut = await collect(sseFrames(stalls(), { ...options, signal: cut.signal }));
    expect(timedOut.map((item) => item.type)).toEqual(['sse', 'timeout']);

    async function* resets(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('data: 1\n\n');
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    }
    const broken = await collect(sseFrames(resets(), options));
    expect(broken.at(-1)).toMatchObject({ type: 'broken', message: expect.stringContaining('ECONNRESET') });
  });
});

describe('bodyBatches', () => {
  it('yields the whole body as one frame', async () => {
    const items = await collect(flatten(bodyBatches(chunksOf('{"ret":"0"}', 3), options)));
    expect(items).toMatchObject([{ type: 'body', text: '{"ret":"0"}', json: { ok: true } }, { type: 'closed' }]);
  });

  it('refuses to buffer more than the byte cap', async () => {
    const items = await collect(flatten(bodyBatches(chunksOf('x'.repeat(100), 10), { ...options, limits: { ...defaultLimits, maxBytes: 50 } })));
    expect(items).toEqual([expect.objectContaining({ type: 'byte-limit', limit: 50 })]);
  });
});
