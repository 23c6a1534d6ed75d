import { parseJson } from '../core/exchange.js';

/**
 * Values a recording holds that the replaying client has its own of: the run's `{{run}}` value
 * that made names unique, the socket's id. Each recorded value maps to the client's in the answer.
 */
export type Mapping = ReadonlyMap<string, string>;

export function mapText(text: string, mapping: Mapping): string {
  let out = text;
  for (const [recorded, current] of mapping) if (recorded !== current && recorded.length > 0) out = out.split(recorded).join(current);
  return out;
}

export function mapJson(value: unknown, mapping: Mapping): unknown {
  if (mapping.size === 0) return value;
  if (typeof value === 'string') return mapText(value, mapping);
  if (Array.isArray(value)) return value.map((item: unknown) => mapJson(item, mapping));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapJson(item, mapping)]));
  return value;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Finds the client's value for a recorded one: the recorded text with that value as a hole must
 * match the client's text exactly. Undefined when it does not match; the value itself when the
 * recorded text does not hold it.
 */
export function findValue(recordedText: string, value: string, text: string): { readonly value: string } | undefined {
  if (value === '' || !recordedText.includes(value)) return recordedText === text ? { value } : undefined;
  const hole = `([A-Za-z0-9]{${value.length}})`;
  const pattern = new RegExp(`^${recordedText.split(value).map(escape).join(hole)}$`);
  const match = pattern.exec(text);
  if (match === null) return undefined;
  const found = match.slice(1);
  // Every hole holds the same value, or the texts differ in more than the value.
  return found.every((item) => item === found[0]) ? { value: found[0] ?? value } : undefined;
}

/** How alike two request bodies are: JSON leaves in common (exact text counts most). */
export function likeness(recorded: string | undefined, body: string | undefined): number {
  if ((recorded ?? '') === (body ?? '')) return 1_000;
  if (recorded === undefined || body === undefined) return 0;
  const a = parseJson(recorded);
  const b = parseJson(body);
  if (!a.ok || !b.ok) return 0;
  const leaves = new Set(leavesOf(a.value));
  return leavesOf(b.value).filter((leaf) => leaves.has(leaf)).length;
}

function leavesOf(value: unknown, path = '', out: string[] = [], depth = 0): string[] {
  if (depth > 32) return out;
  if (Array.isArray(value)) value.forEach((item: unknown, i) => leavesOf(item, `${path}/${i}`, out, depth + 1));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) leavesOf(item, `${path}/${key}`, out, depth + 1);
  else out.push(`${path}=${JSON.stringify(value)}`);
  return out;
}

/** A recorded request the replay may answer with, and what the client sent to be matched to it. */
export interface Candidate {
  /** The request line: for HTTP, method, path and query below the recorded target; for Socket.IO, the event. */
  readonly line: string;
  /** The query string, `?from=3`, or ''. */
  readonly query: string;
  readonly body: string | undefined;
  readonly run: string | undefined;
}

/** What the client sent, as a candidate is matched against it. */
export interface Asked {
  readonly line: string;
  readonly query: string;
  readonly body: string | undefined;
}

/**
 * Recorded requests, each answered once, in the order they were recorded: a request gets the next
 * unused one with the same method and path (or event), preferring the body that matches best;
 * once all are used, the best match again (a client that asks once more than was recorded).
 */
export class ReplayPool<T extends Candidate> {
  readonly #used = new Set<T>();
  /** Recorded run values and the client's, once seen: a request that does not carry it (a list call) still gets it mapped. */
  readonly #learned = new Map<string, string>();

  constructor(private readonly candidates: readonly T[]) {}

  has(predicate: (candidate: T) => boolean): boolean {
    return this.candidates.some(predicate);
  }

  take(asked: Asked): { candidate: T; run: string | undefined } | undefined {
    const { line, body } = asked;
    let best: { candidate: T; run: string | undefined; score: number } | undefined;
    for (const pass of ['unused', 'any'] as const) {
      for (const candidate of this.candidates) {
        if (pass === 'unused' && this.#used.has(candidate)) continue;
        const route = findValue(candidate.line, candidate.run ?? '', line);
        if (route === undefined) continue;
        const run = candidate.run === undefined ? undefined : (this.#runOf(candidate, route.value, body) ?? this.#learned.get(candidate.run));
        const mapped =
          candidate.body === undefined || run === undefined || candidate.run === undefined ? candidate.body : candidate.body.split(candidate.run).join(run);
        const query = candidate.run === undefined || run === undefined ? candidate.query : candidate.query.split(candidate.run).join(run);
        // The query decides among polls of one resource (?from=N): it weighs more than any body.
        const score = likeness(mapped, body) + (query === asked.query ? 10_000 : 0);
        if (best === undefined || score > best.score) best = { candidate, run, score };
      }
      if (best !== undefined) break;
    }
    if (best === undefined) return undefined;
    this.#used.add(best.candidate);
    if (best.candidate.run !== undefined && best.run !== undefined) this.#learned.set(best.candidate.run, best.run);
    return { candidate: best.candidate, run: best.run };
  }

  /** The client's run value: from the path when the path holds it, else from the body. */
  #runOf(candidate: T, fromLine: string, body: string | undefined): string | undefined {
    const recorded = candidate.run;
    if (recorded === undefined) return undefined;
    if (fromLine !== recorded) return fromLine;
    if (candidate.body === undefined || body === undefined || !candidate.body.includes(recorded)) return undefined;
    const found = findValue(candidate.body, recorded, body);
    if (found !== undefined) return found.value;
    // Not the same body in full: any same-length value where the recorded one sat in its first place.
    const at = candidate.body.indexOf(recorded);
    if (at === -1) return undefined;
    const value = body.slice(at, at + recorded.length);
    return body.startsWith(candidate.body.slice(0, at)) && new RegExp(`^[A-Za-z0-9]{${recorded.length}}$`).test(value) ? value : undefined;
  }
}
