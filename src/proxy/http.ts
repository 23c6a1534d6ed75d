import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson, type RequestRecord, type StreamEnd } from '../core/exchange.js';
import { isKeyRule, mediaType } from '../core/kit.js';
import type { Deviation, Scope } from '../core/rule.js';
import { checkClientRequest } from '../mock/exchange.js';
import type { AnswerKind } from '../protocols/protocol.js';
import { httpRules } from '../transports/http/rules.js';
import { decoded, streamSink, wholeSink, type BodySink } from './answer.js';
import type { ProxyContext } from './context.js';
import { LiveExchange } from './live.js';
import { relayHttp, upstreamUrl, type RelayEnd } from './relay.js';

/** A request as the request rules see it, and the scope its answer is judged in. */
export interface CheckedRequest {
  readonly json: unknown;
  readonly deviations: readonly Deviation[];
  /** Why the client got the request wrong (the first error of its rules, or no key where one is needed), if it did. */
  readonly because: string | undefined;
}

/** Runs the protocol's request rules (the mock's client check) over a request that passed. */
export function checkRequest(context: ProxyContext, record: RequestRecord, truncated: boolean): CheckedRequest {
  context.ledger.learn(record.headers);
  const parsed = record.body === undefined ? undefined : parseJson(record.body);
  const json = parsed?.ok === true ? parsed.value : undefined;
  // A body past the checked size is forwarded whole but not judged: a cut JSON text would be a false finding.
  // Only its key is judged then (a call without one is the client's mistake, whatever the server answers).
  const all = checkClientRequest(context.protocol, record, json, () => undefined, context.requestMemory);
  const deviations = truncated ? all.filter((deviation) => isKeyRule(deviation.rule)) : all;
  return { json, deviations, because: deviations.find((deviation) => deviation.severity === 'error')?.message };
}

/** How a relayed answer ended, as a stream end. */
export function endOf(outcome: RelayEnd, atMs: number): StreamEnd {
  switch (outcome.type) {
    case 'finished':
      return { type: 'closed', atMs };
    case 'upstream-failed':
      return { type: 'broken', atMs, message: outcome.message };
    case 'client-gone':
      return { type: 'broken', atMs, message: 'the client closed the connection before the answer ended' };
  }
}

/**
 * One HTTP exchange (an SSE stream or a whole JSON answer): the request checked by the request
 * rules, the answer judged by the protocol's and HTTP's rules as it passes.
 */
export function proxyHttp(req: IncomingMessage, res: ServerResponse, context: ProxyContext, answerKind: (json: unknown, url: string) => AnswerKind): void {
  const { clock, limits } = context;
  const startedAt = clock.now();
  let live: LiveExchange | undefined;
  let scope: Scope = 'answer';
  let asked: AnswerKind = 'answer';
  let sink: BodySink | undefined;
  relayHttp(
    req,
    res,
    context.target,
    () => clock.now(),
    {
      request(record, truncated) {
        const checked = checkRequest(context, record, truncated);
        const url = upstreamUrl(context.target, record.url).href;
        asked = answerKind(checked.json, url);
        // A request the client got wrong: the server may refuse it, or answer it anyway (judged then).
        scope = checked.because !== undefined ? 'refusal' : asked;
        const request = { ...record, url };
        const tap = context.observer?.open({ type: 'request', request, label: { expect: scope } });
        live = new LiveExchange({
          ledger: context.ledger,
          clock,
          startedAt,
          method: record.method,
          path: record.url,
          scope,
          rules: [...context.protocol.rules, ...httpRules],
          context: { request, requestJson: checked.json, because: checked.because, live: true },
          requestDeviations: checked.deviations,
          maxFrames: limits.maxFrames,
          tap,
          ...(context.protocol.isLastFrame === undefined
            ? {}
            : {
                closeAfter: {
                  isLast: context.protocol.isLastFrame,
                  isHeartbeat: context.protocol.isHeartbeat,
                  graceMs: limits.closeGraceMs,
                  signal: context.signal,
                },
              }),
        });
      },
      response(head) {
        if (live === undefined) return;
        // Streamed anyway: the stream's own rules judge it (a refusal is never an event stream of answers).
        if (scope === 'refusal' && asked === 'stream' && head.status < 400 && mediaType(head.headers['content-type']) === 'text/event-stream') {
          scope = 'stream';
          live.rescope(scope);
        }
        live.response(head);
        const current = live;
        // As the suites read it: a stream is asked for, or the answer says it is one.
        const asStream = scope === 'stream' || mediaType(head.headers['content-type']) === 'text/event-stream';
        const plain = asStream ? streamSink(current, limits.maxBytes) : wholeSink(current, limits.maxBytes);
        sink = decoded(plain, head.headers['content-encoding'], (message) => current.end({ type: 'broken', atMs: current.elapsed(), message }));
      },
      chunk(chunk) {
        live?.chunk(chunk);
        sink?.chunk(chunk);
      },
      end(outcome) {
        const current = live;
        if (current === undefined) return;
        const close = (): void => current.end(endOf(outcome, current.elapsed()), { clientGone: outcome.type === 'client-gone' });
        if (sink === undefined || outcome.type !== 'finished') close();
        else sink.finish(close);
      },
    },
    context.onError,
  );
}
