import { type Frame, type ResponseHead, type StreamEnd, frameText, eventName } from './exchange.js';
import type { Deviation, ExchangeContext, Finding, Rule, RuleChecker } from './rule.js';

const QUOTE_LIMIT = 240;
/** Past this many deviations of one rule in one exchange, the rest are counted, not kept. */
export const DEFAULT_MAX_PER_RULE = 20;

export function quote(text: string, limit = QUOTE_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} chars)`;
}

/**
 * Runs a set of rules over one exchange as it arrives: feed `response`, each `frame`, then `end`.
 * Keeps the deviations, bounded per rule, and nothing else.
 */
export class ExchangeCheck {
  readonly #checkers: Array<{ rule: Rule; checker: RuleChecker }> = [];
  readonly #deviations: Deviation[] = [];
  readonly #counts = new Map<Rule, number>();
  readonly #maxPerRule: number;

  constructor(rules: readonly Rule[], context: ExchangeContext, options: { maxPerRule?: number } = {}) {
    this.#maxPerRule = options.maxPerRule ?? DEFAULT_MAX_PER_RULE;
    for (const rule of rules) {
      const checker = rule.create(context, (finding) => this.#record(rule, finding));
      this.#checkers.push({ rule, checker });
    }
  }

  response(head: ResponseHead): void {
    for (const { checker } of this.#checkers) checker.response?.(head);
  }

  frame(frame: Frame): void {
    for (const { checker } of this.#checkers) checker.frame?.(frame);
  }

  end(end: StreamEnd): readonly Deviation[] {
    for (const { checker } of this.#checkers) checker.end?.(end);
    for (const [rule, count] of this.#counts) {
      const omitted = count - this.#maxPerRule;
      if (omitted > 0) {
        this.#deviations.push({
          ...base(rule, `${omitted} more deviation(s) of this rule were left out of the report`),
          type: 'omitted',
          count: omitted,
        });
      }
    }
    return this.#deviations;
  }

  get deviations(): readonly Deviation[] {
    return this.#deviations;
  }

  #record(rule: Rule, finding: Finding): void {
    const count = (this.#counts.get(rule) ?? 0) + 1;
    this.#counts.set(rule, count);
    if (count > this.#maxPerRule) return;
    this.#deviations.push(toDeviation(rule, finding));
  }
}

function base(rule: Rule, message: string, expected?: string, actual?: string) {
  return {
    rule: rule.id,
    severity: rule.severity,
    basis: rule.basis,
    source: rule.source,
    message,
    ...(expected === undefined ? {} : { expected }),
    ...(actual === undefined ? {} : { actual }),
  };
}

function toDeviation(rule: Rule, finding: Finding): Deviation {
  const common = { ...base(rule, finding.message, finding.expected, finding.actual), ...(finding.misconfiguration === undefined ? {} : { misconfiguration: finding.misconfiguration }) };
  switch (finding.at) {
    case 'frame': {
      const { frame } = finding;
      const text = frameText(frame);
      const event = eventName(frame);
      return {
        ...common,
        type: 'frame',
        frame: frame.index,
        ...(event === undefined ? {} : { event }),
        pointer: finding.pointer,
        quote: quote(text),
      };
    }
    case 'end':
      return { ...common, type: 'stream', end: finding.end.type };
    case 'response':
      return { ...common, type: 'response' };
    case 'request':
      return { ...common, type: 'request', pointer: finding.pointer };
  }
}

/** A short printable form of any JSON value, for `expected` / `actual`. */
export function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value) ?? String(value);
  return quote(text, 120);
}
