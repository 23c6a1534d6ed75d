import { isDeepStrictEqual } from 'node:util';
import { show, quote } from '../core/engine.js';
import { type Frame, frameText, eventName } from '../core/exchange.js';
import type { Deviation, Rule } from '../core/rule.js';
import { isRecord } from '../core/schemas.js';
import type { Assertion, Capture } from './suite.js';

/** The values at a JSON pointer; a `*` segment matches every item of an array or object. */
export function valuesAt(root: unknown, pointer: string): unknown[] {
  let current: unknown[] = [root];
  if (pointer === '') return current;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const next: unknown[] = [];
    for (const value of current) {
      if (key === '*') {
        if (Array.isArray(value)) next.push(...value);
        else if (isRecord(value)) next.push(...Object.values(value));
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

/**
 * Watches an answer's frames for what a step captures and asserts: the first frame of the named
 * event (with a value at the pointer, for a capture). Keeps only those frames, not the stream.
 */
export class FrameWatch {
  readonly #captures: ReadonlyArray<readonly [string, Capture]>;
  readonly #assertions: readonly Assertion[];
  readonly #captured = new Map<string, unknown>();
  /** Per assertion: the values at its pointer across every matching frame, and the frame to quote. */
  readonly #asserted = new Map<number, { frame: Frame; values: unknown[] }>();

  constructor(captures: Readonly<Record<string, Capture>> = {}, assertions: readonly Assertion[] = []) {
    this.#captures = Object.entries(captures);
    this.#assertions = assertions;
  }

  get idle(): boolean {
    return this.#captures.length === 0 && this.#assertions.length === 0;
  }

  see(frame: Frame): void {
    if (!frame.json.ok) return;
    const value = frame.json.value;
    for (const [name, capture] of this.#captures) {
      if (this.#captured.has(name) || (capture.event !== undefined && capture.event !== eventOf(frame))) continue;
      const [found] = valuesAt(value, capture.pointer);
      if (found !== undefined) this.#captured.set(name, found);
    }
    this.#assertions.forEach((assertion, index) => {
      if (assertion.event !== undefined && assertion.event !== eventOf(frame)) return;
      const found = valuesAt(value, assertion.pointer);
      const seen = this.#asserted.get(index);
      // Quote the first frame that has a value (or, failing that, the first that matched).
      if (seen === undefined) this.#asserted.set(index, { frame, values: found.slice(0, MAX_VALUES) });
      else {
        if (seen.values.length === 0 && found.length > 0) this.#asserted.set(index, { frame, values: seen.values });
        const target = this.#asserted.get(index);
        if (target !== undefined && target.values.length < MAX_VALUES) target.values.push(...found.slice(0, MAX_VALUES - target.values.length));
      }
    });
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
    this.#assertions.forEach((assertion, index) => {
      const rule = rules.get(assertion.rule);
      if (rule === undefined) return;
      const base = { rule: rule.id, severity: rule.severity, basis: rule.basis, source: rule.source };
      const why = assertion.because === undefined ? '' : ` (${assertion.because})`;
      const seen = this.#asserted.get(index);
      const frame = seen?.frame;
      if (seen === undefined || frame === undefined) {
        deviations.push({ ...base, type: 'stream', end: 'closed', message: `no${assertion.event === undefined ? '' : ` ${assertion.event}`} frame with JSON came to check ${assertion.pointer}${why}` });
        return;
      }
      const { values } = seen;
      const failure = check(assertion, values, fill);
      if (failure === undefined) return;
      const text = frameText(frame);
      const event = eventOf(frame);
      deviations.push({
        ...base,
        type: 'frame',
        frame: frame.index,
        ...(event === undefined ? {} : { event }),
        pointer: assertion.pointer,
        quote: quote(text),
        message: `${failure.message}${why}`,
        expected: failure.expected,
        actual: show(values.length === 1 ? values[0] : values),
      });
    });
    return deviations;
  }
}

function check(assertion: Assertion, values: readonly unknown[], fill: (value: unknown) => unknown): { message: string; expected: string } | undefined {
  const at = assertion.pointer;
  if (assertion.exists !== undefined && (values.length > 0) !== assertion.exists) {
    return { message: assertion.exists ? `${at} is missing` : `${at} should not be there`, expected: assertion.exists ? 'present' : 'absent' };
  }
  if (assertion.equals !== undefined) {
    const expected = fill(assertion.equals);
    if (values.length !== 1 || !isDeepStrictEqual(values[0], expected)) return { message: `${at} is not ${show(expected)}`, expected: show(expected) };
  }
  if (assertion.includes !== undefined) {
    const expected = fill(assertion.includes);
    if (!values.some((value) => isDeepStrictEqual(value, expected))) return { message: `${at} does not include ${show(expected)}`, expected: `a value ${show(expected)}` };
  }
  if (assertion.excludes !== undefined) {
    const expected = fill(assertion.excludes);
    if (values.some((value) => isDeepStrictEqual(value, expected))) return { message: `${at} still includes ${show(expected)}`, expected: `no value ${show(expected)}` };
  }
  return undefined;
}
