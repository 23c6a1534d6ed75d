import { instantClock } from '../src/core/clock.js';
import { ExchangeCheck } from '../src/core/engine.js';
import { defaultLimits, parseJson, type ResponseHead, type StreamEnd, type StreamItem } from '../src/core/exchange.js';
import type { Deviation, Scope } from '../src/core/rule.js';
import type { Protocol } from '../src/protocols/protocol.js';
import { rulesFor } from '../src/suite/judge.js';
import { bodyBatches } from '../src/transports/http/body.js';
import { httpRules } from '../src/transports/http/rules.js';
import { flatten, isEnd } from '../src/core/exchange.js';
import { sseFrames } from '../src/transports/sse/stream.js';

export interface CheckOptions {
  readonly head?: Partial<ResponseHead>;
  readonly request?: unknown;
  readonly requestBody?: string;
  readonly requestHeaders?: Record<string, string>;
  /** The request's URL; rules of some protocols depend on its path. */
  readonly url?: string;
  readonly because?: string;
  /** Replaces the transport's own end (always `closed` for a finished string). */
  readonly end?: StreamEnd;
  /** Split the body into chunks of this many bytes, to exercise reassembly. */
  readonly chunkBytes?: number;
  /** What rules remember across the exchanges of one case: pass the same Map to check several exchanges as one case. */
  readonly memory?: Map<string, unknown>;
}

export async function* chunksOf(body: string, chunkBytes = 64 * 1024): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(body, 'utf8');
  for (let offset = 0; offset < bytes.length; offset += chunkBytes) yield bytes.subarray(offset, offset + chunkBytes);
}

/** Runs a protocol's rules of one scope over a body, as the suite runner does, and returns the deviations. */
export async function check(protocol: Protocol, scope: Scope, body: string, options: CheckOptions = {}): Promise<Deviation[]> {
  const requestBody = options.requestBody ?? (options.request === undefined ? undefined : JSON.stringify(options.request));
  const parsed = requestBody === undefined ? undefined : parseJson(requestBody);
  const checker = new ExchangeCheck(rulesFor(protocol, scope, httpRules), {
    request: { method: 'POST', url: options.url ?? 'http://test.invalid/', headers: options.requestHeaders ?? {}, body: requestBody },
    requestJson: parsed?.ok === true ? parsed.value : undefined,
    because: options.because,
    memory: options.memory,
  });
  const defaultType = scope === 'stream' ? 'text/event-stream' : 'application/json';
  checker.response({ status: 200, atMs: 0, ...options.head, headers: { 'content-type': defaultType, ...options.head?.headers } });
  const clock = instantClock();
  const readOptions = { limits: defaultLimits, clock, startedAt: 0 };
  const isStream = scope === 'stream' || (options.head?.headers?.['content-type'] ?? defaultType).startsWith('text/event-stream');
  const items: AsyncIterable<StreamItem> = isStream
    ? sseFrames(chunksOf(body, options.chunkBytes), readOptions)
    : flatten(bodyBatches(chunksOf(body, options.chunkBytes), readOptions));
  for await (const item of items) {
    if (isEnd(item)) return [...checker.end(options.end ?? item)];
    checker.frame(item);
  }
  throw new Error('the transport yielded no end');
}

/** Rule ids of the deviations, deduplicated and sorted. */
export function ruleIds(deviations: readonly Deviation[]): string[] {
  return [...new Set(deviations.map((deviation) => deviation.rule))].sort();
}

export function sseEvent(data: unknown, fields: { id?: string; event?: string } = {}, eol = '\n'): string {
  let text = '';
  if (fields.event !== undefined) text += `event: ${fields.event}${eol}`;
  if (fields.id !== undefined) text += `id: ${fields.id}${eol}`;
  return `${text}data: ${typeof data === 'string' ? data : JSON.stringify(data)}${eol}${eol}`;
}
