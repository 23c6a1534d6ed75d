import { describe, expect, it } from 'vitest';
import { fuzzMock } from './fuzz/run.js';

// A sample of the fuzz (`npm run fuzz` sends 100,000): malformed requests to every route of every
// protocol, each answered in that protocol's error form, naming the problem.
describe('the mock under malformed input (sample)', () => {
  it("answers 2,000 malformed requests in each protocol's error form, without crashing or growing", async () => {
    const result = await fuzzMock(2_000);
    expect(result.sent).toBeGreaterThanOrEqual(2_000);
    expect(result.rssEndMb - result.rssSettledMb).toBeLessThan(50);
  }, 120_000);
});
