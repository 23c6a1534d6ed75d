import { deviationOf, type Deviation, type RuleMeta } from '../core/rule.js';
import type { Latency } from './latency.js';

/** Latency budgets a run was given (--max-ttft, --max-gap, --max-total), in ms; each one optional. */
export interface LatencyBudgets {
  readonly ttftMs?: number | undefined;
  readonly gapMs?: number | undefined;
  readonly totalMs?: number | undefined;
}

function budgetRule(id: string, flag: string, title: string): RuleMeta {
  // A budget is the user's own bound, not the document's: an error when set, judged on answers only.
  return { id, title, severity: 'error', basis: 'doc', source: { doc: 'chatwire run', section: flag }, scopes: ['stream', 'answer'] };
}

export const latencyRules = {
  ttft: budgetRule('latency.ttft', '--max-ttft', 'The first frame with content comes within --max-ttft of the request.'),
  gap: budgetRule('latency.gap', '--max-gap', 'No two frames of an answer are further apart than --max-gap.'),
  total: budgetRule('latency.total', '--max-total', 'An exchange is over within --max-total.'),
} as const;

/** Every latency rule, for `chatwire rules`. */
export const LATENCY_RULES: readonly RuleMeta[] = Object.values(latencyRules);

export function hasBudgets(budgets: LatencyBudgets | undefined): budgets is LatencyBudgets {
  return budgets !== undefined && (budgets.ttftMs !== undefined || budgets.gapMs !== undefined || budgets.totalMs !== undefined);
}

/**
 * The budgets an exchange overran, as deviations. An answer with no content at all is judged by
 * its end (a timeout is already a deviation of its own), not by --max-ttft.
 */
export function budgetDeviations(latency: Latency, budgets: LatencyBudgets): Deviation[] {
  const found: Deviation[] = [];
  const { ttftMs, gapMs, totalMs } = budgets;
  if (ttftMs !== undefined && latency.ttftMs !== null && latency.ttftMs > ttftMs) {
    found.push(
      deviationOf(latencyRules.ttft, {
        type: 'response',
        message: `the first content came after ${latency.ttftMs} ms`,
        expected: `at most ${ttftMs} ms`,
        actual: `${latency.ttftMs} ms`,
      }),
    );
  }
  if (gapMs !== undefined && latency.gaps.maxMs !== null && latency.gaps.maxMs > gapMs) {
    const over = latency.gaps.histogram.filter((bucket) => bucket.upToMs / 2 >= gapMs).reduce((sum, bucket) => sum + bucket.count, 0);
    // Histogram buckets wholly above the budget: a lower bound on how many gaps overran it.
    const many = over > 1 ? ` (at least ${over} gaps over the budget)` : '';
    found.push(
      deviationOf(latencyRules.gap, {
        type: 'response',
        message: `frames came up to ${latency.gaps.maxMs} ms apart${many}`,
        expected: `at most ${gapMs} ms between frames`,
        actual: `${latency.gaps.maxMs} ms`,
      }),
    );
  }
  if (totalMs !== undefined && latency.totalMs > totalMs) {
    found.push(
      deviationOf(latencyRules.total, {
        type: 'response',
        message: `the exchange took ${latency.totalMs} ms`,
        expected: `at most ${totalMs} ms`,
        actual: `${latency.totalMs} ms`,
      }),
    );
  }
  return found;
}
