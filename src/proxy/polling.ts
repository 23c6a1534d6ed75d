import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson, type PollFrame, type RequestRecord } from '../core/exchange.js';
import type { Deviation } from '../core/rule.js';
import type { PollingProtocol } from '../protocols/protocol.js';
import type { WireTap } from '../transports/observer.js';
import type { ProxyContext } from './context.js';
import { checkRequest, endOf } from './http.js';
import { LiveExchange } from './live.js';
import { relayHttp, upstreamUrl } from './relay.js';

/** One polled resource: its polls' answers are the frames of one exchange, judged across polls. */
interface Series {
  readonly live: LiveExchange;
  readonly tap: WireTap | undefined;
  /** The offset after the final poll, once a poll said the resource stopped running. */
  endOffset: number | undefined;
  replays: number;
  /** Cancels the wait for the client's next poll. */
  timer: AbortController | undefined;
}

/** The most polled resources followed at once; past it the oldest is ended. */
const MAX_SERIES = 1_000;

/**
 * Follows polls the way the suites make them: the polls of one resource (same path) form one
 * exchange until the client stops. After the final poll, polls from its offset are past the end
 * and polls from below it re-read the log; the exchange ends when the client has been quiet for
 * the close grace. A client that stops polling a running resource has left: only what passed is judged.
 */
export class PollingProxy {
  readonly #series = new Map<string, Series>();

  constructor(
    readonly context: ProxyContext,
    readonly protocol: PollingProtocol,
  ) {
    context.signal.addEventListener('abort', () => {
      for (const key of [...this.#series.keys()]) this.#close(key, 'stopped');
    });
  }

  /** A GET carrying the protocol's offset parameter is a poll. */
  isPoll(req: IncomingMessage): boolean {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    return req.method === 'GET' && url.searchParams.has(this.protocol.poll.param);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const { context } = this;
    const { clock, limits } = context;
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const key = url.pathname;
    const from = Number(url.searchParams.get(this.protocol.poll.param));
    const startedAt = clock.now();
    let series: Series | undefined;
    let pollTap: WireTap | undefined;
    let status = 0;
    let text = '';
    let bytes = 0;
    const decoder = new TextDecoder('utf-8');
    relayHttp(
      req,
      res,
      context.target,
      () => clock.now(),
      {
        request: (record, truncated) => {
          const checked = checkRequest(context, record, truncated);
          const request = { ...record, url: upstreamUrl(context.target, record.url).href };
          series = this.#open(key, request, checked.json, checked.deviations);
          if (series.live.frames > 0) series.live.requestDeviations(checked.deviations);
          series.timer?.abort();
          pollTap = context.observer?.open({ type: 'request', request, label: {}, series: series.tap?.id });
        },
        response: (head) => {
          status = head.status;
          pollTap?.response(head);
        },
        chunk: (chunk) => {
          pollTap?.chunk(chunk, clock.now() - startedAt);
          bytes += chunk.length;
          if (bytes <= limits.maxBytes) text += decoder.decode(chunk, { stream: true });
        },
        end: (outcome) => {
          const current = series;
          if (current === undefined) return;
          const atMs = clock.now() - startedAt;
          if (outcome.type !== 'finished' || bytes > limits.maxBytes) {
            pollTap?.end(endOf(outcome, atMs));
            const end =
              bytes > limits.maxBytes
                ? { type: 'byte-limit' as const, atMs: current.live.elapsed(), limit: limits.maxBytes }
                : endOf(outcome, current.live.elapsed());
            current.live.end(end, { clientGone: outcome.type === 'client-gone' });
            this.#forget(key, current);
            return;
          }
          text += decoder.decode();
          const json = parseJson(text);
          const phase: PollFrame['phase'] = current.endOffset === undefined ? 'poll' : from >= current.endOffset ? 'past-end' : 'replay';
          if (phase === 'replay' && from === 0) current.replays++;
          const pass = phase === 'replay' ? Math.max(0, current.replays - 1) : 0;
          const frame: PollFrame = { type: 'poll', index: current.live.frames, atMs: current.live.elapsed(), phase, pass, from, status, text, json };
          pollTap?.frame({ type: 'body', index: 0, atMs, text, json });
          pollTap?.end({ type: 'closed', atMs });
          current.live.frame(frame);
          const cursor = json.ok ? this.protocol.poll.cursor(json.value) : undefined;
          if (current.endOffset === undefined && cursor !== undefined && !cursor.running) current.endOffset = cursor.next;
          // Quiet for the close grace after the end, or for the idle limit before it: the client is done.
          const wait = current.endOffset === undefined ? limits.idleMs : limits.closeGraceMs;
          const timer = new AbortController();
          current.timer = timer;
          clock.sleep(wait, timer.signal).then(
            () => this.#close(key, 'quiet'),
            () => undefined,
          );
        },
      },
      context.onError,
    );
  }

  #open(key: string, request: RequestRecord, json: unknown, deviations: readonly Deviation[]): Series {
    const existing = this.#series.get(key);
    if (existing !== undefined && !existing.live.ended) return existing;
    if (this.#series.size >= MAX_SERIES) {
      const oldest = this.#series.keys().next().value;
      if (oldest !== undefined) this.#close(oldest, 'stopped');
    }
    const { context } = this;
    const tap = context.observer?.open({ type: 'series', request, label: { expect: 'stream' } });
    const live = new LiveExchange({
      ledger: context.ledger,
      clock: context.clock,
      method: 'POLL',
      path: key,
      scope: 'stream',
      rules: context.protocol.rules,
      context: { request, requestJson: json, live: true },
      requestDeviations: deviations,
      maxFrames: context.limits.maxFrames,
      tap,
    });
    const series: Series = { live, tap, endOffset: undefined, replays: 0, timer: undefined };
    this.#series.set(key, series);
    return series;
  }

  #close(key: string, why: 'quiet' | 'stopped'): void {
    const series = this.#series.get(key);
    if (series === undefined) return;
    const atMs = series.live.elapsed();
    if (series.endOffset !== undefined) series.live.end({ type: 'closed', atMs });
    else {
      const message = why === 'quiet' ? 'the client stopped polling before the resource ended' : 'the proxy stopped before the resource ended';
      series.live.end({ type: 'broken', atMs, message }, { clientGone: true });
    }
    this.#forget(key, series);
  }

  #forget(key: string, series: Series): void {
    series.timer?.abort();
    if (this.#series.get(key) === series) this.#series.delete(key);
  }
}
