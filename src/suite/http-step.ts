import type { Clock } from '../core/clock.js';
import { parseJson, timeLimitOf, type Limits, type RequestRecord } from '../core/exchange.js';
import { mediaType } from '../core/kit.js';
import { fillJson, fillTemplate, type TemplateVars } from '../core/template.js';
import type { Protocol } from '../protocols/protocol.js';
import type { StepReport } from '../report/model.js';
import { bodyBatches } from '../transports/http/body.js';
import { sendHttp } from '../transports/http/request.js';
import { sseBatches } from '../transports/sse/stream.js';
import { ExchangeCheck } from '../core/engine.js';
import { judge, rulesFor } from './judge.js';
import type { FrameWatch } from './expectations.js';
import { stepHeaders } from './headers.js';
import type { HttpStep } from './suite.js';

export interface HttpTarget {
  /** The server root, possibly with a path prefix; each step's path is appended. */
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly limits: Limits;
  readonly clock: Clock;
  readonly signal?: AbortSignal | undefined;
  /** Called whenever the target shows it is alive: a response, a connection. */
  readonly onHeard?: (() => void) | undefined;
  /** What rules remember across the exchanges of one case (see ExchangeContext.memory). */
  readonly memory?: Map<string, unknown> | undefined;
}

export function joinUrl(baseUrl: string, path: string, query: Readonly<Record<string, string>> = {}): string {
  const url = new URL(baseUrl);
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url.href;
}

function buildRequest(protocol: Protocol, step: HttpStep, target: HttpTarget, vars: TemplateVars): { request: RequestRecord; json: unknown } {
  const body = step.rawBody !== undefined ? fillTemplate(step.rawBody, vars) : step.body === undefined ? undefined : JSON.stringify(fillJson(step.body, vars));
  const parsed = body === undefined ? undefined : parseJson(body);
  const json = parsed?.ok === true ? parsed.value : undefined;
  const query = Object.fromEntries(Object.entries(step.query ?? {}).map(([key, value]) => [key, fillTemplate(value, vars)]));
  const url = joinUrl(target.baseUrl, fillTemplate(step.path, vars), query);
  const base = {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    accept: protocol.answerKind(json, url) === 'stream' ? 'text/event-stream' : 'application/json',
    ...target.headers,
  };
  return { request: { method: step.method, url, headers: stepHeaders(base, step.headers, vars), body }, json };
}

/** Sends one HTTP step and judges its answer as it arrives. */
export async function runHttpStep(
  protocol: Protocol,
  step: HttpStep,
  index: number,
  target: HttpTarget,
  vars: TemplateVars,
  because: string | undefined,
  frames: FrameWatch,
): Promise<StepReport> {
  const { request, json } = buildRequest(protocol, step, target, vars);
  const only = step.rules === undefined ? undefined : new Set(step.rules);
  const rules = rulesFor(protocol, step.expect).filter((rule) => only === undefined || only.has(rule.id) || !rule.id.startsWith(`${protocol.id}.`));
  const check = new ExchangeCheck(rules, { request, requestJson: json, because, memory: target.memory });
  // A stream is judged silent early. A whole answer may take as long as the exchange limit allows to
  // start (the model writes it first), but once its body has begun it must not stall.
  const watch = step.expect === 'stream' ? target.limits : { firstFrameMs: target.limits.timeoutMs, idleMs: target.limits.idleMs };
  const exchange = await sendHttp(request, { limits: target.limits, clock: target.clock, signal: target.signal, watch });
  try {
    const { outcome } = exchange;
    const base = { index, method: request.method, url: request.url, expect: step.expect };
    if (outcome.type === 'no-response') {
      check.end(outcome.end);
      return { ...base, status: null, frames: 0, end: outcome.end.type, ...timeLimitOf(outcome.end), durationMs: outcome.end.atMs, deviations: check.deviations };
    }
    target.onHeard?.();
    check.response(outcome.head);
    const asStream = step.expect === 'stream' || mediaType(outcome.head.headers['content-type']) === 'text/event-stream';
    const options = { limits: target.limits, clock: target.clock, startedAt: exchange.startedAt, signal: exchange.signal };
    const items = asStream ? sseBatches(outcome.body, options) : bodyBatches(alive(outcome.body, () => exchange.activity()), options);
    const isLast = asStream ? protocol.isLastFrame : undefined;
    const judged = await judge(items, check, (frame) => {
      // Frames, not bytes, are signs of life: a stream of keep-alive comments alone never ends.
      if (protocol.isHeartbeat?.(frame) !== true) exchange.activity();
      if (isLast?.(frame) === true) exchange.expectClose();
      frames.see(frame);
    });
    return { ...base, status: outcome.head.status, frames: judged.frames, end: judged.end.type, ...timeLimitOf(judged.end), durationMs: judged.end.atMs, deviations: check.deviations };
  } finally {
    exchange.dispose();
  }
}

/** The body's chunks, each a sign of life: a whole answer is one frame, so its bytes are all there is to watch. */
async function* alive(chunks: AsyncIterable<Uint8Array>, activity: () => void): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of chunks) {
    activity();
    yield chunk;
  }
}
