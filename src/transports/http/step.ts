import { ExchangeCheck } from '../../core/engine.js';
import { parseJson, timeLimitOf, type RequestRecord } from '../../core/exchange.js';
import { mediaType } from '../../core/kit.js';
import { fillJson, fillTemplate, type TemplateVars } from '../../core/template.js';
import type { AnswerKind, Protocol } from '../../protocols/protocol.js';
import type { StepReport } from '../../report/model.js';
import { stepHeaders } from '../../suite/headers.js';
import { judge, rulesFor } from '../../suite/judge.js';
import type { StepContext, StepTarget } from '../../suite/step.js';
import { sseBatches } from '../sse/stream.js';
import { labelOf, tapped } from '../observer.js';
import { bodyBatches } from './body.js';
import { describeRetries, sendHttpPatiently } from './busy.js';
import { joinUrl } from './request.js';
import { httpRules } from './rules.js';
import type { HttpStep } from './step-schema.js';

/** Which kind of answer a request asks for, as its protocol reads the request. */
export type AnswerKindOf = (requestJson: unknown, url: string) => AnswerKind;

function buildRequest(step: HttpStep, target: StepTarget, vars: TemplateVars, answerKind: AnswerKindOf): { request: RequestRecord; json: unknown } {
  const body = step.rawBody !== undefined ? fillTemplate(step.rawBody, vars) : step.body === undefined ? undefined : JSON.stringify(fillJson(step.body, vars));
  const parsed = body === undefined ? undefined : parseJson(body);
  const json = parsed?.ok === true ? parsed.value : undefined;
  const query = Object.fromEntries(Object.entries(step.query ?? {}).map(([key, value]) => [key, fillTemplate(value, vars)]));
  const url = joinUrl(target.baseUrl, fillTemplate(step.path, vars), query);
  const base = {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    accept: answerKind(json, url) === 'stream' ? 'text/event-stream' : 'application/json',
    ...target.headers,
  };
  return { request: { method: step.method, url, headers: stepHeaders(base, step.headers, vars), body }, json };
}

/** Sends one HTTP step and judges its answer as it arrives. */
export async function runHttpStep(protocol: Protocol, step: HttpStep, context: StepContext, answerKind: AnswerKindOf): Promise<StepReport> {
  const { index, target, because, watch: frames } = context;
  const { request, json } = buildRequest(step, target, context.vars, answerKind);
  const only = step.rules === undefined ? undefined : new Set(step.rules);
  const rules = rulesFor(protocol, step.expect, httpRules).filter((rule) => only === undefined || only.has(rule.id) || !rule.id.startsWith(`${protocol.id}.`));
  // A stream is judged silent early. A whole answer may take as long as the exchange limit allows to
  // start (the model writes it first), but once its body has begun it must not stall.
  const watch = step.expect === 'stream' ? target.limits : { firstFrameMs: target.limits.timeoutMs, idleMs: target.limits.idleMs };
  const tap = target.observer?.open({ type: 'request', request, label: labelOf(context.vars, index, step.expect) });
  const { exchange, retries } = await sendHttpPatiently(request, {
    limits: target.limits,
    clock: target.clock,
    signal: target.signal,
    watch,
    retries: target.busyRetries,
    onBusy: target.onBusy,
  });
  try {
    const { outcome } = exchange;
    // Still turned away as busy after asking again: a rate limiter's answer, not the protocol's; only
    // the transport's rules judge it (http.busy.let-through says what happened).
    const busy = outcome.type === 'response' && outcome.head.status === 429;
    const check = new ExchangeCheck(busy ? rules.filter((rule) => httpRules.includes(rule)) : rules, {
      request,
      requestJson: json,
      because,
      memory: target.memory,
    });
    if (outcome.type === 'response') tap?.response(outcome.head);
    const note = describeRetries(retries);
    const base = { index, method: request.method, url: request.url, expect: step.expect, ...(note === undefined ? {} : { note }) };
    if (outcome.type === 'no-response') {
      check.end(outcome.end);
      tap?.end(outcome.end);
      return {
        ...base,
        status: null,
        frames: 0,
        end: outcome.end.type,
        ...timeLimitOf(outcome.end),
        durationMs: outcome.end.atMs,
        deviations: check.deviations,
      };
    }
    target.onHeard?.();
    check.response(outcome.head);
    const asStream = step.expect === 'stream' || mediaType(outcome.head.headers['content-type']) === 'text/event-stream';
    const options = { limits: target.limits, clock: target.clock, startedAt: exchange.startedAt, signal: exchange.signal };
    const body = tapped(outcome.body, tap, () => target.clock.now() - exchange.startedAt);
    const items = asStream
      ? sseBatches(body, options)
      : bodyBatches(
          alive(body, () => exchange.activity()),
          options,
        );
    const isLast = asStream ? protocol.isLastFrame : undefined;
    const judged = await judge(items, check, (frame) => {
      // Frames, not bytes, are signs of life: a stream of keep-alive comments alone never ends.
      if (protocol.isHeartbeat?.(frame) !== true) exchange.activity();
      if (isLast?.(frame) === true) exchange.expectClose();
      frames.see(frame);
      tap?.frame(frame);
    });
    tap?.end(judged.end);
    return {
      ...base,
      status: outcome.head.status,
      frames: judged.frames,
      end: judged.end.type,
      ...timeLimitOf(judged.end),
      durationMs: judged.end.atMs,
      deviations: check.deviations,
    };
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
