import { type Frame, type ResponseHead, type StreamEnd, frameText, eventName } from './exchange.js';
import { jsonPrefix } from './quote.js';
import { deviationOf, type Deviation, type ExchangeContext, type Finding, type Rule, type RuleChecker } from './rule.js';

const QUOTE_LIMIT = 240;
const SHOW_LIMIT = 120;
/** Past this many deviations of one rule in one exchange, the rest are counted, not kept. */
export const DEFAULT_MAX_PER_RULE = 20;

export function quote(text: string, limit = QUOTE_LIMIT): string {
  return detached(text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} chars)`);
}

/**
 * A copy of a short text that keeps no hold on a larger string it was sliced from: a frame's data
 * is a slice of a whole network chunk's text, which a kept deviation would otherwise keep alive.
 */
function detached(text: string): string {
  const copy: unknown = JSON.parse(JSON.stringify(text));
  return typeof copy === 'string' ? copy : text;
}

/**
 * Runs a set of rules over one exchange as it arrives: feed `response`, each `frame`, then `end`.
 * Keeps the deviations, bounded per rule, and nothing else.
 */
export class ExchangeCheck {
  readonly #checkers: Array<{ rule: Rule; checker: RuleChecker }> = [];
  /** The checkers that look at frames, found once: a stream may have a million frames. */
  readonly #frameHooks: Array<(frame: Frame) => void> = [];
  readonly #deviations: Deviation[] = [];
  readonly #counts = new Map<Rule, number>();
  readonly #maxPerRule: number;

  constructor(rules: readonly Rule[], context: ExchangeContext, options: { maxPerRule?: number } = {}) {
    this.#maxPerRule = options.maxPerRule ?? DEFAULT_MAX_PER_RULE;
    for (const rule of rules) {
      const checker = rule.create(context, (finding) => this.#record(rule, finding));
      this.#checkers.push({ rule, checker });
      if (checker.frame !== undefined) this.#frameHooks.push(checker.frame.bind(checker));
    }
  }

  response(head: ResponseHead): void {
    for (const { checker } of this.#checkers) checker.response?.(head);
  }

  frame(frame: Frame): void {
    for (const hook of this.#frameHooks) hook(frame);
  }

  end(end: StreamEnd): readonly Deviation[] {
    for (const { checker } of this.#checkers) checker.end?.(end);
    for (const [rule, count] of this.#counts) {
      const omitted = count - this.#maxPerRule;
      if (omitted > 0) {
        this.#deviations.push(
          deviationOf(rule, { type: 'omitted', count: omitted, message: `${omitted} more deviation(s) of this rule were left out of the report` }),
        );
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

function toDeviation(rule: Rule, finding: Finding): Deviation {
  const said = {
    message: finding.message,
    ...(finding.expected === undefined ? {} : { expected: finding.expected }),
    ...(finding.actual === undefined ? {} : { actual: finding.actual }),
    ...(finding.misconfiguration === undefined ? {} : { misconfiguration: finding.misconfiguration }),
  };
  switch (finding.at) {
    case 'frame': {
      const { frame } = finding;
      const event = eventName(frame);
      return deviationOf(rule, {
        ...said,
        type: 'frame',
        frame: frame.index,
        ...(event === undefined ? {} : { event }),
        pointer: finding.pointer,
        quote: quoteFrame(frame),
      });
    }
    case 'end':
      return deviationOf(rule, { ...said, type: 'stream', end: finding.end.type });
    case 'response':
      return deviationOf(rule, { ...said, type: 'response' });
    case 'request':
      return deviationOf(rule, { ...said, type: 'request', pointer: finding.pointer });
  }
}

/** A short printable form of any JSON value, for `expected` / `actual`. */
export function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  // JSON has no text for a function or a symbol: its type is all there is to show.
  const shown = jsonPrefix(value, SHOW_LIMIT);
  if (shown === undefined) return typeof value;
  return shown.complete ? quote(shown.text, SHOW_LIMIT) : `${shown.text}… (longer)`;
}

/** The start of a frame's text, never the whole of it: a frame may be huge, or nested too deep to serialise. */
export function quoteFrame(frame: Frame): string {
  if (frame.type !== 'socketio') return quote(frameText(frame));
  const shown = jsonPrefix(frame.args.length === 1 ? frame.args[0] : frame.args, QUOTE_LIMIT);
  if (shown === undefined) return '';
  return shown.complete ? shown.text : `${shown.text}… (longer)`;
}
