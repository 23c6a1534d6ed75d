import { isDeepStrictEqual } from 'node:util';
import { quoteFrame, show } from '../core/engine.js';
import { jsonText } from '../core/quote.js';
import { type Frame, frameText, eventName } from '../core/exchange.js';
import { deviationOf, type Deviation, type Rule } from '../core/rule.js';
import { isArray, isRecord } from '../core/schemas.js';
import type { AbsentAssertion, Assertion, Capture, ValueAssertion } from './step-parts.js';
import type { AnswerMakers } from '../protocols/protocol.js';

/** `*[name=value]`: every item whose member `name` is `value` (a string, or a number or boolean written as JSON). */
const SELECTOR = /^\*\[([^=\]]+)=(.*)\]$/;

function selected(value: unknown, name: string, wanted: string): boolean {
  if (!isRecord(value) || !Object.hasOwn(value, name)) return false;
  const member = value[name];
  return typeof member === 'string' ? member === wanted : JSON.stringify(member) === wanted;
}

/**
 * The values at a JSON pointer; a `*` segment matches every item of an array or object, and
 * `*[name=value]` only the items whose member `name` is `value` (a record by its dataId).
 */
export function valuesAt(root: unknown, pointer: string): unknown[] {
  let current: unknown[] = [root];
  if (pointer === '') return current;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const selector = key.startsWith('*[') ? SELECTOR.exec(key) : null;
    const next: unknown[] = [];
    for (const value of current) {
      if (key === '*' || selector !== null) {
        const items = isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
        if (selector === null) next.push(...items);
        else for (const item of items) if (selected(item, selector[1] ?? '', selector[2] ?? '')) next.push(item);
      } else if (Array.isArray(value) && /^\d+$/.test(key)) {
        if (Number(key) < value.length) next.push(value[Number(key)]);
      } else if (isRecord(value) && Object.hasOwn(value, key)) {
        next.push(value[key]);
      }
    }
    current = next;
  }
  return current;
}

/** Values kept per assertion, so a long stream cannot grow memory without bound. */
const MAX_VALUES = 10_000;

const eventOf = eventName;

/** The piece of answer text a frame carries, as the protocol reads it. */
export type AnswerText = (frame: Frame) => string | undefined;

/** Where a marker of another scope was found, if it was. */
class MarkerSearch {
  /** The answer's text so far, cut to what a marker split across frames could still need. */
  #tail = '';
  found: Frame | undefined;

  constructor(readonly assertion: AbsentAssertion) {}

  see(frame: Frame, answerText: AnswerText | undefined): void {
    if (this.found !== undefined) return;
    const marker = this.assertion.absent;
    // Parsed and re-serialised, a \u-escaped marker reads as written.
    const text = frame.json.ok ? (jsonText(frame.json.value) ?? '') : frameText(frame);
    const piece = answerText?.(frame);
    if (piece !== undefined) this.#tail = `${this.#tail}${piece}`;
    if (text.includes(marker) || this.#tail.includes(marker)) this.found = frame;
    this.#tail = this.#tail.slice(-(marker.length - 1));
  }
}

/**
 * Watches an answer's frames for what a step captures and asserts: the first frame of the named
 * event (with a value at the pointer, for a capture), and any text of another scope. Keeps only
 * those frames, not the stream.
 */
export class FrameWatch {
  readonly #captures: ReadonlyArray<readonly [string, Capture]>;
  readonly #assertions: ReadonlyArray<readonly [number, ValueAssertion]>;
  readonly #markers: readonly MarkerSearch[];
  readonly #answerText: AnswerText | undefined;
  readonly #captured = new Map<string, unknown>();
  /** Per assertion: the values at its pointer across every matching frame, and the frame to quote. */
  readonly #asserted = new Map<number, { frame: Frame; values: unknown[] }>();

  readonly #answers: AnswerMakers;

  constructor(captures: Readonly<Record<string, Capture>> = {}, assertions: readonly Assertion[] = [], answerText?: AnswerText, answers: AnswerMakers = {}) {
    this.#captures = Object.entries(captures);
    this.#answers = answers;
    this.#assertions = assertions.flatMap((assertion, index) => ('absent' in assertion ? [] : [[index, assertion] as const]));
    this.#markers = assertions.flatMap((assertion) => ('absent' in assertion ? [new MarkerSearch(assertion)] : []));
    this.#answerText = answerText;
  }

  get idle(): boolean {
    return this.#captures.length === 0 && this.#assertions.length === 0 && this.#markers.length === 0;
  }

  see(frame: Frame): void {
    for (const marker of this.#markers) marker.see(frame, this.#answerText);
    if (!frame.json.ok) return;
    const value = frame.json.value;
    for (const [name, capture] of this.#captures) {
      if (this.#captured.has(name) || (capture.event !== undefined && capture.event !== eventOf(frame))) continue;
      const [found] = valuesAt(value, capture.pointer);
      // An answer maker that cannot answer the value leaves the capture missing, which is reported.
      const kept = found === undefined || capture.answer === undefined ? found : this.#answers[capture.answer]?.(found);
      if (kept !== undefined) this.#captured.set(name, kept);
    }
    for (const [index, assertion] of this.#assertions) {
      if (assertion.event !== undefined && assertion.event !== eventOf(frame)) continue;
      const found = valuesAt(value, assertion.pointer);
      const seen = this.#asserted.get(index);
      // Quote the first frame that has a value (or, failing that, the first that matched).
      if (seen === undefined) this.#asserted.set(index, { frame, values: found.slice(0, MAX_VALUES) });
      else {
        if (seen.values.length === 0 && found.length > 0) this.#asserted.set(index, { frame, values: seen.values });
        const target = this.#asserted.get(index);
        if (target !== undefined && target.values.length < MAX_VALUES) target.values.push(...found.slice(0, MAX_VALUES - target.values.length));
      }
    }
  }

  /** Captured values as strings, for templates; missing ones are reported by the caller. */
  captured(): { values: Record<string, string>; missing: string[] } {
    const values: Record<string, string> = {};
    const missing: string[] = [];
    for (const [name] of this.#captures) {
      const value = this.#captured.get(name);
      if (value === undefined) missing.push(name);
      else values[name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    return { values, missing };
  }

  /** Deviations for the assertions that do not hold, under the rules they name. */
  judge(rules: ReadonlyMap<string, Rule>, fill: (value: unknown) => unknown): Deviation[] {
    const deviations: Deviation[] = [];
    for (const marker of this.#markers) {
      const rule = rules.get(marker.assertion.rule);
      const frame = marker.found;
      if (rule === undefined || frame === undefined) continue;
      const why = marker.assertion.because === undefined ? '' : ` (${marker.assertion.because})`;
      const event = eventOf(frame);
      deviations.push(
        deviationOf(rule, {
          type: 'frame',
          frame: frame.index,
          ...(event === undefined ? {} : { event }),
          pointer: '',
          quote: quoteFrame(frame),
          message: `the answer carries "${marker.assertion.absent}", which was sent in another scope${why}`,
          expected: 'nothing of the other scope',
        }),
      );
    }
    for (const [index, assertion] of this.#assertions) {
      const rule = rules.get(assertion.rule);
      if (rule === undefined) continue;
      const why = assertion.because === undefined ? '' : ` (${assertion.because})`;
      const seen = this.#asserted.get(index);
      const frame = seen?.frame;
      if (seen === undefined || frame === undefined) {
        // Nothing to look at keeps what only forbids (excludes, atMost, exists: false).
        if (
          assertion.exists !== true &&
          assertion.text !== true &&
          assertion.equals === undefined &&
          assertion.includes === undefined &&
          assertion.only === undefined
        )
          continue;
        deviations.push(
          deviationOf(rule, {
            type: 'stream',
            end: 'closed',
            message: `no${assertion.event === undefined ? '' : ` ${assertion.event}`} frame with JSON came to check ${assertion.pointer}${why}`,
          }),
        );
        continue;
      }
      const { values } = seen;
      const failure = check(assertion, values, fill);
      if (failure === undefined) continue;
      const event = eventOf(frame);
      deviations.push(
        deviationOf(rule, {
          type: 'frame',
          frame: frame.index,
          ...(event === undefined ? {} : { event }),
          pointer: assertion.pointer,
          quote: quoteFrame(frame),
          message: `${failure.message}${why}`,
          expected: failure.expected,
          actual: show(values.length === 1 ? values[0] : values),
        }),
      );
    }
    return deviations;
  }
}

function check(assertion: ValueAssertion, values: readonly unknown[], fill: (value: unknown) => unknown): { message: string; expected: string } | undefined {
  const at = assertion.pointer;
  if (assertion.exists !== undefined && values.length > 0 !== assertion.exists) {
    return { message: assertion.exists ? `${at} is missing` : `${at} should not be there`, expected: assertion.exists ? 'present' : 'absent' };
  }
  if (assertion.text === true && !values.some((value) => typeof value === 'string' && value.trim() !== '')) {
    return { message: `${at} holds no text`, expected: 'a string with words in it' };
  }
  if (assertion.atMost !== undefined && values.length > assertion.atMost) {
    return { message: `${at} has ${values.length} values`, expected: `at most ${assertion.atMost}` };
  }
  if (assertion.equals !== undefined) {
    const expected = fill(assertion.equals);
    if (values.length !== 1 || !isDeepStrictEqual(values[0], expected)) return { message: `${at} is not ${show(expected)}`, expected: show(expected) };
  }
  if (assertion.includes !== undefined) {
    const expected = fill(assertion.includes);
    if (!values.some((value) => isDeepStrictEqual(value, expected)))
      return { message: `${at} does not include ${show(expected)}`, expected: `a value ${show(expected)}` };
  }
  if (assertion.only !== undefined) {
    const expected = fill(assertion.only);
    if (values.length === 0 || values.some((value) => !isDeepStrictEqual(value, expected)))
      return { message: `${at} is not always ${show(expected)}`, expected: `only ${show(expected)}` };
  }
  if (assertion.excludes !== undefined) {
    const expected = fill(assertion.excludes);
    if (values.some((value) => isDeepStrictEqual(value, expected)))
      return { message: `${at} still includes ${show(expected)}`, expected: `no value ${show(expected)}` };
  }
  return undefined;
}
