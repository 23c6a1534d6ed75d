import { describe, expect, it } from 'vitest';
import type { Deviation } from '../src/core/rule.js';
import { Ledger, MAX_KEPT } from '../src/proxy/ledger.js';

const broken: Deviation = {
  type: 'stream',
  end: 'closed',
  rule: 'ctai.stop.present',
  severity: 'error',
  basis: 'doc',
  source: { doc: '002_cba551f1a5d093b7.txt', section: '流式应答' },
  message: 'the stream ended without a stop packet',
};

describe('the proxy ledger', () => {
  it('keeps an exchange with a deviation when clean traffic overflows the report, and counts every exchange in its totals', () => {
    const ledger = new Ledger({ protocol: 'ctai', doc: '002_cba551f1a5d093b7.txt', onDeviation: () => undefined });
    const exchange = (deviations: readonly Deviation[]) => {
      const id = ledger.nextId();
      const found = deviations.map((deviation) => ledger.found({ id, method: 'POST', path: '/v1/ctai/query_text_chat' }, deviation));
      ledger.add({
        id,
        method: 'POST',
        path: '/v1/ctai/query_text_chat',
        expect: 'stream',
        status: 200,
        frames: 3,
        end: { type: 'closed', atMs: 5 },
        durationMs: 5,
        deviations: found,
      });
    };
    exchange([broken]);
    for (let i = 0; i < MAX_KEPT + 200; i++) exchange([]);
    const report = ledger.report('http://127.0.0.1:1', false);
    expect(report.cases).toHaveLength(MAX_KEPT);
    expect(report.cases[0]?.outcome).toBe('failed');
    expect(report.totals).toMatchObject({ cases: MAX_KEPT + 201, failed: 1, passed: MAX_KEPT + 200, errors: 1 });
    expect(ledger.dropped).toBe(201);
  });
});
