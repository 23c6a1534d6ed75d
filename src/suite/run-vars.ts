import { runNumber } from '../core/run-marker.js';
import type { SuiteCase } from './suite-file.js';

/** What a run (or a load session) fills a case's {{run}}, {{runNumber}} and {{case}} with. */
export function runVars(marker: string, caseName: string): { readonly run: string; readonly runNumber: string; readonly case: string } {
  return { run: marker, runNumber: runNumber(marker), case: caseName };
}

/** The names runVars fills. */
export const RUN_VARS: readonly string[] = Object.keys(runVars('0', ''));

/** Names a case uses as {{name}} that neither the run, the user, nor an earlier capture provides. */
export function missingVariables(suiteCase: SuiteCase, known: ReadonlySet<string>): string[] {
  const provided = new Set(known);
  const missing = new Set<string>();
  for (const step of suiteCase.steps) {
    const { capture, ...rest } = step;
    for (const match of JSON.stringify(rest).matchAll(/\{\{(\w+)\}\}/g)) {
      const name = match[1] ?? '';
      if (!provided.has(name)) missing.add(name);
    }
    for (const name of Object.keys(capture ?? {})) provided.add(name);
  }
  return [...missing];
}
