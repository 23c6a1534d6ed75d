import type { Clock } from '../../core/clock.js';
import type { RequestRecord, ResponseHead } from '../../core/exchange.js';
import { sendHttp, type HttpExchange, type SendOptions } from './request.js';

/** How many times a busy server is asked again before its busy answer is judged. */
export const BUSY_RETRIES = 3;
/** The longest chatwire waits before asking again, whatever Retry-After says: a run stays short. */
export const MAX_BUSY_WAIT_MS = 5_000;
const DEFAULT_BUSY_WAIT_MS = 1_000;

/**
 * How long a server asks to be left alone, or undefined when it is not asking: 429 (RFC 6585, 4) says
 * this client went too fast, which chatwire's concurrent cases and quick polls may do where the
 * documented clients, one request at a time, would not. A 503 says the server is unavailable whatever
 * the pace: the documented clients fail on it (raise_for_status, !res.ok), so it is judged as it is.
 */
export function busyWaitMs(head: ResponseHead, now: number = Date.now()): number | undefined {
  if (head.status !== 429) return undefined;
  const retryAfter = head.headers['retry-after']?.trim();
  let waitMs = DEFAULT_BUSY_WAIT_MS;
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) waitMs = Number(retryAfter) * 1000;
  else if (retryAfter !== undefined && !Number.isNaN(Date.parse(retryAfter))) waitMs = Date.parse(retryAfter) - now;
  return Math.min(Math.max(waitMs, 0), MAX_BUSY_WAIT_MS);
}

export interface BusyRetry {
  readonly status: number;
  readonly waitedMs: number;
}

/**
 * sendHttp, asking again when the server says it is busy, as clients do (the OpenAI SDK retries 429 twice, with jitter):
 * a rate limiter under chatwire's concurrent cases is not a deviation of the protocol. The last answer,
 * busy or not, is the one judged; `retries` says what was waited for.
 */
export async function sendHttpPatiently(
  request: RequestRecord,
  options: SendOptions & {
    readonly clock: Clock;
    readonly retries?: number | undefined;
    /**
     * Called on each busy answer (the run then starts fewer cases at once). True when other cases of the
     * run are in flight: the server is turning away chatwire's own crowd, so that wait is not counted.
     */
    readonly onBusy?: (() => boolean) | undefined;
    /** [0, 1): spreads the waits of requests turned away together, so they do not all come back at once. */
    readonly random?: () => number;
  },
): Promise<{ readonly exchange: HttpExchange; readonly retries: readonly BusyRetry[] }> {
  const retries: BusyRetry[] = [];
  // Only the waits asked for while this case is alone count: a crowd of chatwire's own cases is turned away
  // by any rate limiter, and the documented clients send one request at a time.
  let counted = 0;
  // The waits come out of the exchange's own time: asking again never makes a step outlast its limit.
  const deadline = options.clock.now() + options.limits.timeoutMs;
  for (;;) {
    const exchange = await sendHttp(request, options);
    const { outcome } = exchange;
    const asked = outcome.type === 'response' ? busyWaitMs(outcome.head) : undefined;
    const crowded = asked !== undefined && options.onBusy?.() === true;
    // Requests turned away together come back spread over a quarter second or half the wait, not all at once.
    const waitMs =
      asked === undefined ? undefined : Math.min(MAX_BUSY_WAIT_MS, asked + Math.floor((options.random ?? Math.random)() * Math.max(250, asked / 2)));
    if (waitMs === undefined || outcome.type !== 'response' || counted >= (options.retries ?? BUSY_RETRIES) || options.clock.now() + waitMs >= deadline)
      return { exchange, retries };
    if (!crowded) counted++;
    exchange.dispose();
    try {
      await options.clock.sleep(waitMs, options.signal);
    } catch {
      // The run is over: with its signal aborted, the exchange ends at once and says why.
      return { exchange: await sendHttp(request, options), retries };
    }
    retries.push({ status: outcome.head.status, waitedMs: waitMs });
  }
}

/** The step report's words for what was waited for. */
export function describeRetries(retries: readonly BusyRetry[]): string | undefined {
  if (retries.length === 0) return undefined;
  const waited = retries.reduce((sum, retry) => sum + retry.waitedMs, 0);
  const statuses = [...new Set(retries.map((retry) => retry.status))].join(', ');
  return `the server said it was busy (HTTP ${statuses}) ${retries.length === 1 ? 'once' : `${retries.length} times`}; chatwire waited ${waited} ms in all and asked again`;
}
