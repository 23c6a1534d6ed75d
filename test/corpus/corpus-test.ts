import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The corpus is plain JavaScript, written from the documents alone, without chatwire's code.
import { runCorpus, type Verdict } from '../adversaries/corpus.mjs';

/** What each seeded fault must get: an error under a rule, a warning under an inferred rule, or a known gap. */
interface Expected {
  readonly faults: Readonly<Record<string, string>>;
  readonly warnings: Readonly<Record<string, string>>;
  readonly gaps: Readonly<Record<string, string>>;
}

/**
 * The longest a run may take. A silent task is cut by the default 15 s idle limit, so its run lasts
 * about 20 s; the rest is room for a machine busy with other test files, five to ten runs at a time:
 * a pocketqa server that streams a code point every 5 ms took 15 s alone and 56 s so on a slower
 * machine.
 */
const MAX_RUN_MS = 75_000;

const expected = JSON.parse(readFileSync(new URL('../adversaries/verdicts.json', import.meta.url), 'utf8')) as Record<string, Expected>;

/** What is wrong with one verdict, or undefined when it is right. */
function wrong(protocol: string, verdict: Verdict): string | undefined {
  const at = `${verdict.id} (${verdict.says})`;
  const want = expected[protocol];
  if (verdict.ms > MAX_RUN_MS) return `${at}: took ${verdict.ms} ms`;
  if (verdict.expect === 'pass')
    return verdict.code === 0 ? undefined : `${at}: a conformant server got exit ${verdict.code}: ${verdict.rules.join(', ')} ${verdict.stderr}`;
  if (want?.gaps[verdict.id] !== undefined) return undefined;
  const warning = want?.warnings[verdict.id];
  if (warning !== undefined)
    return verdict.warnings.includes(warning) || verdict.rules.includes(warning)
      ? undefined
      : `${at}: expected a warning under ${warning}, got ${verdict.warnings.join(', ')}`;
  const family = want?.faults[verdict.id];
  if (verdict.code !== 1) return `${at}: a faulty server got exit ${verdict.code} ${verdict.stderr}`;
  if (family === undefined) return `${at}: no expected rule in test/adversaries/verdicts.json`;
  return verdict.rules.some((rule) => rule.startsWith(family)) ? undefined : `${at}: expected ${family}, got ${verdict.rules.join(', ')}`;
}

/**
 * Every server of a protocol's corpus against the built CLI: each conformant one exits 0, each
 * faulty one exits 1 naming its fault's rule, and no run takes over 75 s. `parallel` runs at a time:
 * more for a protocol whose runs mostly wait (polls, Socket.IO), which leaves the cores idle.
 */
export function corpusTest(protocol: string, parallel = 5): void {
  describe(`verdicts on ${protocol} servers chatwire was not written against`, () => {
    it('every conformant server passes, every seeded fault is found by its rule', async () => {
      const verdicts = await runCorpus(protocol, { parallel, killAfterMs: MAX_RUN_MS + 15_000 });
      expect(verdicts.filter((v) => v.expect === 'pass').length).toBeGreaterThanOrEqual(6);
      expect(verdicts.filter((v) => v.expect === 'fail').length).toBeGreaterThanOrEqual(10);
      expect(verdicts.map((v) => wrong(protocol, v)).filter((problem) => problem !== undefined)).toEqual([]);
    }, 400_000);
  });
}
