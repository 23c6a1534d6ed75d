import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The corpus is plain JavaScript, written from the documents alone, without chatwire's code.
import { runCorpus, type Verdict } from './adversaries/corpus.mjs';

/** For each seeded fault, the rule (or rule family) that must report it. */
const families = JSON.parse(readFileSync(new URL('./adversaries/verdicts.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;

/** What is wrong with one verdict, or undefined when it is right. */
function wrong(protocol: string, verdict: Verdict): string | undefined {
  const at = `${verdict.id} (${verdict.says})`;
  if (verdict.ms > 30_000) return `${at}: took ${verdict.ms} ms`;
  if (verdict.expect === 'pass') return verdict.code === 0 ? undefined : `${at}: a conformant server got exit ${verdict.code}: ${verdict.rules.join(', ')} ${verdict.stderr}`;
  const family = families[protocol]?.[verdict.id];
  if (verdict.code !== 1) return `${at}: a faulty server got exit ${verdict.code} ${verdict.stderr}`;
  if (family === undefined) return `${at}: no expected rule in test/adversaries/verdicts.json`;
  return verdict.rules.some((rule) => rule.startsWith(family)) ? undefined : `${at}: expected ${family}, got ${verdict.rules.join(', ')}`;
}

// Every server of the corpus against the built CLI: each conformant one exits 0, each faulty one
// exits 1 naming its fault's rule, and no run takes over 30 s.
describe('verdicts on servers chatwire was not written against', () => {
  for (const protocol of ['ctai', 'fastgpt', 'fastgpt-py', 'pocketqa', 'tasks']) {
    it(`${protocol}: every conformant server passes, every seeded fault is found`, async () => {
      const verdicts = await runCorpus(protocol, { parallel: 4 });
      expect(verdicts.length).toBeGreaterThanOrEqual(16);
      expect(verdicts.filter((v) => v.expect === 'pass').length).toBeGreaterThanOrEqual(6);
      expect(verdicts.filter((v) => v.expect === 'fail').length).toBeGreaterThanOrEqual(10);
      expect(verdicts.map((v) => wrong(protocol, v)).filter((problem) => problem !== undefined)).toEqual([]);
    }, 300_000);
  }
});
