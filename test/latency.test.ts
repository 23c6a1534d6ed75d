import { describe, expect, it } from 'vitest';
import type { Frame, ResponseHead, StreamEnd } from '../src/core/exchange.js';
import { budgetDeviations } from '../src/report/budgets.js';
import { LatencyMeter, MAX_TIMELINE_FRAMES } from '../src/report/latency.js';
import type { WireObserver, WireTap } from '../src/transports/observer.js';

const head: ResponseHead = { status: 200, headers: {}, atMs: 5 };
const frameAt = (index: number, atMs: number, data = '{"n":1}'): Frame => ({
  type: 'sse',
  index,
  atMs,
  event: undefined,
  id: undefined,
  data,
  json: { ok: true, value: JSON.parse(data) as unknown },
});
const opening = { type: 'request' as const, request: { method: 'POST', url: 'http://x/', headers: {}, body: undefined }, label: {} };

/** Plays one exchange through a meter, as a transport would. */
function play(meter: LatencyMeter, frames: readonly Frame[], end: StreamEnd, inner?: WireObserver): void {
  const tap = meter.observer(inner).open(opening);
  tap.response(head);
  tap.chunk(new Uint8Array([1]), 7);
  for (const frame of frames) tap.frame(frame);
  tap.end(end);
}

describe('latency of an exchange', () => {
  it('times the first byte, the first frame with content (not a heartbeat), the gaps and the end', () => {
    const meter = new LatencyMeter((frame) => frame.type === 'sse' && frame.data === '{}', false);
    play(meter, [frameAt(0, 10, '{}'), frameAt(1, 30), frameAt(2, 35), frameAt(3, 135)], { type: 'closed', atMs: 140 });
    const latency = meter.latency(999);
    expect(latency).toMatchObject({ ttfbMs: 7, ttftMs: 30, totalMs: 140, gaps: { count: 3, maxMs: 100 } });
    // Percentiles come from buckets 1/32 of a doubling wide: within 3 %.
    expect(Math.abs((latency.gaps.p50Ms ?? 0) - 20) / 20).toBeLessThan(0.03);
    expect(latency.gaps.histogram).toEqual([
      { upToMs: 8, count: 1 },
      { upToMs: 32, count: 1 },
      { upToMs: 128, count: 1 },
    ]);
    expect(meter.timeline()).toBeUndefined();
  });

  it('keeps gap percentiles within 3 % over a long stream, in constant memory', () => {
    const meter = new LatencyMeter(undefined, false);
    // 100 000 gaps of 1..1000 ms in a scrambled order: p50 is 500, p99 990, max 1000.
    const frames = Array.from({ length: 100_001 }, (_, i) => i);
    let at = 0;
    const tap = meter.observer(undefined).open(opening);
    for (const i of frames) {
      at += i === 0 ? 0 : ((i * 7919) % 1000) + 1;
      tap.frame(frameAt(i, at));
    }
    const { gaps } = meter.latency(at);
    expect(gaps.count).toBe(100_000);
    expect(gaps.maxMs).toBe(1000);
    expect(Math.abs((gaps.p50Ms ?? 0) - 500) / 500).toBeLessThan(0.03);
    expect(Math.abs((gaps.p99Ms ?? 0) - 990) / 990).toBeLessThan(0.03);
  });

  it('passes every call on to the observer it wraps, and times only the step’s own exchange', () => {
    const seen: string[] = [];
    const inner: WireObserver = {
      open: (): WireTap => ({
        id: 7,
        response: () => seen.push('response'),
        chunk: () => seen.push('chunk'),
        frame: () => seen.push('frame'),
        end: () => seen.push('end'),
      }),
    };
    const meter = new LatencyMeter(undefined, true);
    play(meter, [frameAt(0, 10)], { type: 'closed', atMs: 12 }, inner);
    // A later exchange (a poll of a series) is not the step's answer.
    meter.observer(undefined).open(opening).frame(frameAt(0, 500));
    expect(seen).toEqual(['response', 'chunk', 'frame', 'end']);
    expect(meter.latency(0).totalMs).toBe(12);
    expect(meter.timeline()?.frames).toEqual([{ index: 0, atMs: 10, text: '{"n":1}' }]);
  });

  it('keeps a bounded timeline', () => {
    const meter = new LatencyMeter(undefined, true);
    const tap = meter.observer(undefined).open(opening);
    for (let i = 0; i < MAX_TIMELINE_FRAMES + 5; i++) tap.frame(frameAt(i, i));
    expect(meter.timeline()?.frames).toHaveLength(MAX_TIMELINE_FRAMES);
    expect(meter.timeline()?.omitted).toBe(5);
  });
});

describe('latency budgets', () => {
  const meter = new LatencyMeter(undefined, false);
  play(meter, [frameAt(0, 300), frameAt(1, 350), frameAt(2, 1350)], { type: 'closed', atMs: 1400 });
  const latency = meter.latency(0);

  it('an overrun is a deviation of its own rule, saying by how much', () => {
    const found = budgetDeviations(latency, { ttftMs: 200, gapMs: 500, totalMs: 1000 });
    expect(found.map((d) => [d.rule, d.actual, d.expected])).toEqual([
      ['latency.ttft', '300 ms', 'at most 200 ms'],
      ['latency.gap', '1000 ms', 'at most 500 ms between frames'],
      ['latency.total', '1400 ms', 'at most 1000 ms'],
    ]);
  });

  it('an answer within its budgets, or with none set, has none', () => {
    expect(budgetDeviations(latency, { ttftMs: 300, gapMs: 1000, totalMs: 1400 })).toEqual([]);
    expect(budgetDeviations(latency, {})).toEqual([]);
  });
});
