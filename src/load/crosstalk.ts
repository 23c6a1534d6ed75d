import { randomInt } from 'node:crypto';
import { quote } from '../core/engine.js';
import { eventName, frameText, type Frame } from '../core/exchange.js';
import { assertedRule } from '../core/kit.js';
import { deviationOf, type Deviation, type Rule } from '../core/rule.js';
import { FrameWatch, type AnswerText } from '../suite/expectations.js';
import type { Assertion, Capture } from '../suite/step-parts.js';

/** A frame that carries another session's marker: one client's words in another client's answer. */
export const crosstalkRule: Rule = assertedRule({
  id: 'load.crosstalk',
  title: "An answer never carries another session's words (sessions under load stay apart)",
  severity: 'error',
  security: true,
  basis: 'doc',
  source: { doc: 'every protocol document', section: 'a session, chat, room or conversation is its own (chatwire load: one marker per session)' },
});

/** Digits of a session's number in its marker: 36^5 sessions. */
const SESSION_DIGITS = 5;
/**
 * A load run's id: a digit, a letter past f, and one more, so that it never occurs inside a hex
 * id (a msg_id, a UUID), which would read as a marker.
 */
export const RUN_ID = /^[0-9][g-z][0-9a-z]$/;

export function randomRunId(): string {
  const base36 = '0123456789abcdefghijklmnopqrstuvwxyz';
  return `${randomInt(10)}${base36[16 + randomInt(20)] ?? 'z'}${base36[randomInt(36)] ?? '0'}`;
}

/**
 * The markers of one load run: session n sends `{{run}}` as the run id and n in base 36 (8
 * characters, the length the suites' ids are sized for), so every session's requests carry words
 * of their own, and any session's marker is recognisable in any answer.
 */
export class Markers {
  readonly #pattern: RegExp;

  constructor(
    readonly runId: string,
    /** Sessions across every shard: a marker names one of them. */
    readonly sessions: number,
  ) {
    this.#pattern = new RegExp(`${runId}([0-9a-z]{${SESSION_DIGITS}})`, 'g');
  }

  of(session: number): string {
    return `${this.runId}${session.toString(36).padStart(SESSION_DIGITS, '0')}`;
  }

  /** The first marker of a session other than `own` in the text. */
  foreign(text: string, own: number): { marker: string; session: number } | undefined {
    for (const match of text.matchAll(this.#pattern)) {
      const session = Number.parseInt(match[1] ?? '', 36);
      if (session !== own && session < this.sessions) return { marker: match[0], session };
    }
    return undefined;
  }
}

/** A step's watch that also looks, in every frame, for the marker of another session. */
export class CrosstalkWatch extends FrameWatch {
  #tail = '';
  #found: { frame: Frame; marker: string; session: number } | undefined;

  constructor(
    private readonly markers: Markers,
    private readonly own: number,
    captures: Readonly<Record<string, Capture>> | undefined,
    assertions: readonly Assertion[] | undefined,
    private readonly text: AnswerText | undefined,
  ) {
    super(captures, assertions, text);
  }

  override get idle(): boolean {
    return false;
  }

  override see(frame: Frame): void {
    super.see(frame);
    if (this.#found !== undefined) return;
    // Parsed and re-serialised, a \u-escaped marker reads as written.
    const whole = frame.json.ok ? (JSON.stringify(frame.json.value) ?? '') : frameText(frame);
    const piece = this.text?.(frame);
    // A marker an answer streams token by token is found across frames, in the answer's text.
    if (piece !== undefined) this.#tail = `${this.#tail}${piece}`;
    const found = this.markers.foreign(whole, this.own) ?? this.markers.foreign(this.#tail, this.own);
    if (found !== undefined) this.#found = { frame, ...found };
    this.#tail = this.#tail.slice(-(this.markers.of(0).length - 1));
  }

  override judge(rules: ReadonlyMap<string, Rule>, fill: (value: unknown) => unknown): Deviation[] {
    const deviations = super.judge(rules, fill);
    const found = this.#found;
    if (found === undefined) return deviations;
    const event = eventName(found.frame);
    const crosstalk = deviationOf(crosstalkRule, {
      type: 'frame',
      frame: found.frame.index,
      ...(event === undefined ? {} : { event }),
      pointer: '',
      quote: quote(frameText(found.frame)),
      message: `the answer carries "${found.marker}", the marker of session ${found.session}: another client's words`,
      expected: `only this session's marker (${this.markers.of(this.own)})`,
    });
    return [...deviations, crosstalk];
  }
}
