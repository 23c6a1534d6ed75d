/**
 * Building blocks protocols assemble their rules from. Each returns an ordinary Rule; nothing here
 * knows any particular protocol.
 */
import type { ExchangeContext, Finding, Rule, RuleMeta } from './rule.js';
import type { Frame } from './exchange.js';
import { isRecord, schemas } from './schemas.js';
import { show } from './engine.js';

export function mediaType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  return contentType.split(';')[0]?.trim().toLowerCase();
}

/** The response's Content-Type has the given media type (parameters such as charset are free). */
export function contentTypeRule(meta: RuleMeta, expected: string): Rule {
  return {
    ...meta,
    create: (_context, report) => ({
      response(head) {
        const actual = head.headers['content-type'];
        if (mediaType(actual) !== expected) {
          report({
            at: 'response',
            message: `Content-Type is ${actual === undefined ? 'missing' : `"${actual}"`}, not ${expected}`,
            expected,
            actual: actual ?? '(absent)',
          });
        }
      },
    }),
  };
}

/** The response status is one of `allowed`. */
export function statusRule(meta: RuleMeta, allowed: readonly number[]): Rule {
  return {
    ...meta,
    create: (_context, report) => ({
      response(head) {
        if (!allowed.includes(head.status)) {
          report({ at: 'response', message: `HTTP status is ${head.status}`, expected: allowed.join(' or '), actual: String(head.status) });
        }
      },
    }),
  };
}

export { refusalRule, type RefusalSigns } from './refusal-rule.js';

/** Every frame (or the selected ones) carries JSON; with `object`, a JSON object. */
export function jsonFrameRule(meta: RuleMeta, options: { select?: (frame: Frame) => boolean; object?: boolean } = {}): Rule {
  return {
    ...meta,
    create: (_context, report) => ({
      frame(frame) {
        if (options.select !== undefined && !options.select(frame)) return;
        if (frame.json.ok && (options.object !== true || isRecord(frame.json.value))) return;
        const message = frame.json.ok ? 'the payload is JSON but not an object' : `the payload is not JSON: ${frame.json.error}`;
        report({ at: 'frame', frame, pointer: '', message, expected: options.object === true ? 'a JSON object' : 'a JSON value' });
      },
    }),
  };
}

type Report = (finding: Finding) => void;

export interface ProblemOptions {
  /** Where the checked value sits inside the frame's JSON, e.g. "/data". */
  readonly pointerPrefix?: string;
  /** Put before each message, e.g. the event name. */
  readonly messagePrefix?: string;
  /** Leave out problems at these pointers (another rule reports them). */
  readonly skip?: (pointer: string) => boolean;
}

/** Reports each problem of `value` against schema `schemaId` as a finding on `frame`. */
export function reportFrameProblems(report: Report, frame: Frame, schemaId: string, value: unknown, options: ProblemOptions = {}): void {
  for (const problem of schemas().check(schemaId, value)) {
    if (options.skip?.(problem.pointer) === true) continue;
    report({
      at: 'frame',
      frame,
      pointer: `${options.pointerPrefix ?? ''}${problem.pointer}`,
      message: `${options.messagePrefix ?? ''}${problem.message}`,
      expected: problem.expected,
      actual: problem.actual,
    });
  }
}

/** Reports each problem of a client's request body against schema `schemaId`. */
export function reportRequestProblems(report: Report, schemaId: string, value: unknown): void {
  for (const problem of schemas().check(schemaId, value)) {
    report({ at: 'request', pointer: problem.pointer, message: problem.message, expected: problem.expected, actual: problem.actual });
  }
}

export function requestPath(context: ExchangeContext): string {
  return new URL(context.request.url, 'http://request.invalid').pathname;
}

/** The request body matches the schema its path selects (for protocols with several calls). */
export function requestSchemaByPathRule(meta: RuleMeta, table: ReadonlyArray<readonly [RegExp, string]>): Rule {
  return {
    ...meta,
    create: (context, report) => ({
      end() {
        const schemaId = table.find(([pattern]) => pattern.test(requestPath(context)))?.[1];
        if (schemaId !== undefined && context.requestJson !== undefined) reportRequestProblems(report, schemaId, context.requestJson);
      },
    }),
  };
}

export interface SchemaRuleOptions {
  /** Which frames the schema applies to; all JSON frames by default. */
  readonly select?: (frame: Frame, value: unknown) => boolean;
  /** Keep only problems at these pointers (to split one schema into error and warn parts). */
  readonly pointers?: (pointer: string) => boolean;
}

/** Each selected frame's JSON matches a schema from `schemas/`; one finding per problem. */
export function frameSchemaRule(meta: RuleMeta, schemaId: string, options: SchemaRuleOptions = {}): Rule {
  return {
    ...meta,
    create: (_context, report) => {
      const registry = schemas();
      registry.validator(schemaId); // compile before the first frame, and fail early on a bad id
      return {
        frame(frame) {
          if (!frame.json.ok) return;
          const value = frame.json.value;
          if (options.select !== undefined && !options.select(frame, value)) return;
          const keep = options.pointers;
          reportFrameProblems(report, frame, schemaId, value, keep === undefined ? {} : { skip: (pointer) => !keep(pointer) });
        },
      };
    },
  };
}

/** The request body (on the mock side, the client's) matches a schema from `schemas/`. */
export function requestSchemaRule(meta: RuleMeta, schemaId: string): Rule {
  return {
    ...meta,
    create: (context, report) => ({
      end() {
        if (context.requestJson !== undefined) reportRequestProblems(report, schemaId, context.requestJson);
      },
    }),
  };
}

/** The request body is JSON. */
export function requestJsonRule(meta: RuleMeta): Rule {
  return {
    ...meta,
    create: (context, report) => ({
      end() {
        if (context.requestJson !== undefined) return;
        const body = context.request.body;
        report({
          at: 'request',
          pointer: '',
          message: body === undefined || body === '' ? 'the request has no body' : 'the request body is not JSON',
          expected: 'a JSON object',
          actual: body === undefined ? '(absent)' : show(body),
        });
      },
    }),
  };
}

/** A header's value whatever the case of its name (a bridge may keep the client's spelling). */
function headerOf(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  if (headers[name] !== undefined) return headers[name];
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** Whether an Authorization value carries a key the documented way: `Bearer <key>`. */
export const isBearer = (authorization: string | undefined): boolean => /^Bearer\s+\S/i.test(authorization?.trim() ?? '');

const KEY_RULES = new Set<string>();

/** Whether a deviation is a requestKeyRule's: judged on the headers alone, it stands when the body cannot be judged. */
export const isKeyRule = (ruleId: string): boolean => KEY_RULES.has(ruleId);

/**
 * For a protocol whose every call needs a key: the request carries it as the document shows it,
 * `Authorization: Bearer <key>`. Judged by the mock and the proxy, whatever the server then answers;
 * the key itself is never quoted.
 */
export function requestKeyRule(meta: RuleMeta): Rule {
  KEY_RULES.add(meta.id);
  return {
    ...meta,
    create: (context, report) => ({
      end() {
        const sent = headerOf(context.request.headers, 'authorization')?.trim() ?? '';
        if (isBearer(sent)) return;
        report({
          at: 'request',
          pointer: '',
          // Worded so that the mock's redaction of credentials leaves it readable.
          message:
            sent === '' ? 'the request carries no API key (no Authorization header)' : 'the Authorization header lacks the "Bearer " prefix before the key',
          expected: 'the header Authorization with "Bearer " before the key',
          actual: sent === '' ? '(absent)' : sent.includes(' ') ? `a "${sent.split(/\s+/)[0] ?? ''}" credential` : 'a bare value without "Bearer "',
        });
      },
    }),
  };
}

/**
 * What a rule keeps across the exchanges of one case under `key` (see ExchangeContext.memory), made
 * by `create` the first time; a fresh value when the exchange stands alone.
 */
export function remember<T>(context: ExchangeContext, key: string, create: () => T, is: (value: unknown) => value is T): T {
  return context.memory === undefined ? create() : keptIn(context.memory, key, create, is);
}

/** What `memory` keeps under `key`, made by `create` the first time (the mock writes there what its rules read). */
export function keptIn<T>(memory: Map<string, unknown>, key: string, create: () => T, is: (value: unknown) => value is T): T {
  const kept = memory.get(key);
  if (is(kept)) return kept;
  const value = create();
  memory.set(key, value);
  return value;
}

/** Sets `key` in a map of at most `max` entries, the oldest let go first: what a long-running mock remembers stays bounded. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  if (!map.has(key) && map.size >= max) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
  map.set(key, value);
}

/** A non-streaming answer is one body: an event stream where one JSON answer belongs is a deviation. */
export function singleBodyRule(meta: RuleMeta): Rule {
  return {
    ...meta,
    create: (_context, report) => {
      let reported = false;
      return {
        frame(frame) {
          if (reported || frame.type !== 'sse') return;
          reported = true;
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: 'an event stream came where one JSON answer belongs (the request did not ask for a stream)',
            expected: 'one JSON body',
            actual: 'text/event-stream frames',
          });
        },
      };
    },
  };
}

/**
 * A rule the suites check through their assertions (a change visible in the next read, a marker of
 * another scope absent): it judges no exchange by itself, so reports carry its id and source.
 */
export function assertedRule(meta: Omit<RuleMeta, 'scopes'>): Rule {
  return { ...meta, scopes: [], create: () => ({}) };
}

/**
 * After the protocol's last frame the server ends the response: still open after the close grace
 * (or until the timeout) is a deviation. `last` names that frame for the report.
 */
export function closedAfterRule(meta: RuleMeta, isLast: (frame: Frame, context: ExchangeContext) => boolean, last: string): Rule {
  return {
    ...meta,
    create: (context, report) => {
      let seen = false;
      let after = 0;
      return {
        frame(frame) {
          if (seen) after++;
          else if (isLast(frame, context)) seen = true;
        },
        end(end) {
          if (!seen || (end.type !== 'held-open' && end.type !== 'timeout')) return;
          const since = after === 0 ? last : `${last} and the ${after} frame(s) after it`;
          const actual = end.type === 'held-open' ? `still open ${end.graceMs} ms after ${since}` : `open after ${since} until the timeout`;
          report({ at: 'end', end, message: `the response stayed open after ${last}`, expected: 'the server ends the response', actual });
        },
      };
    },
  };
}
