import { describe, expect, it } from 'vitest';
import { fuzzMock } from './run.js';

/** How many malformed requests `npm run fuzz` sends; CHATWIRE_FUZZ_SEED replays a failing run. */
const REQUESTS = 100_000;
const seed = process.env['CHATWIRE_FUZZ_SEED'];

describe('the mock under malformed input', () => {
  it("answers 100,000 malformed requests in each protocol's error form, without crashing or growing", async () => {
    const result = await fuzzMock(REQUESTS, seed === undefined ? undefined : Number(seed));
    console.log(
      `fuzz: ${result.sent} requests (${JSON.stringify(result.byKind)}); mock RSS ${result.rssSettledMb.toFixed(0)} MB settled, ${result.rssEndMb.toFixed(0)} MB at the end`,
    );
    expect(result.sent).toBeGreaterThanOrEqual(REQUESTS);
    expect(result.rssEndMb - result.rssSettledMb).toBeLessThan(50);
  });
});
