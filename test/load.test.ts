import { describe, expect, it } from 'vitest';
import { Markers, RUN_ID, randomRunId } from '../src/load/crosstalk.js';
import { sessionsOf } from '../src/load/engine.js';
import { LatencyHistogram } from '../src/load/latency.js';
import { mergeReports } from '../src/load/merge.js';
import { CrosstalkBoard, quoteRequest, quoteRequestInData } from '../src/mock/crosstalk.js';
import type { LoadSummary, RunReport } from '../src/report/model.js';

describe('load markers', () => {
  it('gives each session 8 characters of its own and finds only the others in a text', () => {
    const markers = new Markers('4k7', 64);
    expect(markers.of(0)).toBe('4k700000');
    expect(markers.of(35)).toBe('4k70000z');
    const text = `cw${markers.of(3)}p7 and cw-${markers.of(3)}-xp, then cw${markers.of(12)}q7`;
    expect(markers.foreign(text, 3)).toEqual({ marker: markers.of(12), session: 12 });
    expect(markers.foreign(text.replace(markers.of(12), 'nothing'), 3)).toBeUndefined();
    // A hex id never holds a run id (its second character is past f), nor a session beyond the run's.
    expect(markers.foreign('msg 4a700001 4k7zzzzz', 3)).toBeUndefined();
    for (let i = 0; i < 50; i++) expect(randomRunId()).toMatch(RUN_ID);
  });

  it('splits sessions between shards without overlap or gap', () => {
    const shards = [1, 2, 3].map((index) => sessionsOf(8, { index, count: 3 }));
    expect(shards).toEqual([
      [0, 3, 6],
      [1, 4, 7],
      [2, 5],
    ]);
  });
});

describe('load latency', () => {
  it('keeps percentiles within 2% in constant memory, and merges histograms as if one run', () => {
    const all = new LatencyHistogram();
    const [a, b] = [new LatencyHistogram(), new LatencyHistogram()];
    for (let ms = 1; ms <= 1000; ms++) {
      all.add(ms);
      (ms % 2 === 0 ? a : b).add(ms);
    }
    expect(Math.abs(all.percentile(0.5) - 500) / 500).toBeLessThanOrEqual(0.02);
    expect(Math.abs(all.percentile(0.99) - 990) / 990).toBeLessThanOrEqual(0.02);
    expect(all.summary().max).toBe(1000);
    expect(all.summary().histogram.length).toBeLessThan(400);
    const joined = new LatencyHistogram();
    joined.addSummary(a.summary());
    joined.addSummary(b.summary());
    expect(joined.summary()).toEqual(all.summary());
  });
});

describe('the crosstalk overlay', () => {
  it("lends another answer's latest frame and its request, on the same channel only, while it is in flight", async () => {
    const board = new CrosstalkBoard();
    const encode = (text: string) => new TextEncoder().encode(text);
    const mine = { last: undefined, request: async () => '{"q":"mine"}' };
    const theirs = { last: encode('data: {"n":1}\n\n'), request: async () => '{"q":"cw4k700002"}' };
    board.join('ctai', mine);
    board.join('fastgpt', { last: encode('data: {"n":2}\n\n'), request: async () => '{}' });
    expect(await board.borrow('ctai', mine)).toBeUndefined();
    const leave = board.join('ctai', theirs);
    const lent = await board.borrow('ctai', mine);
    expect(lent?.request).toBe('{"q":"cw4k700002"}');
    expect(new TextDecoder().decode(quoteRequest(lent?.frame ?? encode(''), lent?.request ?? ''))).toBe(
      'data: {"n":1,"chatwire_crosstalk":"{\\"q\\":\\"cw4k700002\\"}"}\n\n',
    );
    leave();
    leave();
    expect(await board.borrow('ctai', mine)).toBeUndefined();
    expect(new TextDecoder().decode(quoteRequest(encode('data: {}\n\n'), 'x'))).toBe('data: {"chatwire_crosstalk":"x"}\n\n');
    expect(quoteRequestInData({ delta: 'hi' }, 'x')).toEqual({ delta: 'hi', chatwire_crosstalk: 'x' });
  });
});

describe('chatwire merge', () => {
  const load = (shard: string, exchanges: number, crosstalk: number): LoadSummary => {
    const latency = new LatencyHistogram();
    for (let i = 0; i < exchanges; i++) latency.add(100 + i);
    return {
      sessions: 4,
      shards: [shard],
      runId: '4k7',
      durationMs: 1000,
      exchanges,
      errors: 0,
      failed: crosstalk,
      busy: 1,
      latency: latency.summary(),
      rules: crosstalk === 0 ? {} : { 'load.crosstalk': crosstalk },
      cases: [{ protocol: 'ctai', name: 'stream-answer', runs: exchanges, failed: crosstalk }],
    };
  };
  const report = (startedAt: string, outcome: 'passed' | 'failed', summary: LoadSummary): Omit<RunReport, 'totals'> => ({
    tool: 'chatwire',
    version: '0.1.0',
    target: 'http://127.0.0.1:8080',
    embeddedMock: false,
    strict: false,
    startedAt,
    durationMs: 1500,
    cases: [
      {
        protocol: 'ctai',
        name: 'stream-answer',
        title: 'A streaming question',
        source: { doc: 'd', section: 's' },
        outcome,
        durationMs: 300,
        steps: [],
      },
    ],
    load: summary,
  });

  it('sums the shards, keeps the worst outcome and spans their time', () => {
    const merged = mergeReports(
      [report('2026-01-01T00:00:00.000Z', 'passed', load('1/2', 10, 0)), report('2026-01-01T00:00:01.000Z', 'failed', load('2/2', 20, 3))],
      false,
    );
    expect(merged.cases).toHaveLength(1);
    expect(merged.cases[0]?.outcome).toBe('failed');
    expect(merged.durationMs).toBe(2500);
    expect(merged.load).toMatchObject({ shards: ['1/2', '2/2'], exchanges: 30, failed: 3, busy: 2, rules: { 'load.crosstalk': 3 } });
    expect(merged.load?.cases).toEqual([{ protocol: 'ctai', name: 'stream-answer', runs: 30, failed: 3 }]);
    expect(merged.load?.latency.max).toBe(119);
  });

  it('refuses one shard twice', () => {
    const twice = report('2026-01-01T00:00:00.000Z', 'passed', load('1/2', 10, 0));
    expect(() => mergeReports([twice, twice], false)).toThrow('shard 1/2 of load run 4k7 is in two of them');
  });
});
