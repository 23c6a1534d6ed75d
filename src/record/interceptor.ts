import { BatchInterceptor } from '@mswjs/interceptors';
import { ClientRequestInterceptor } from '@mswjs/interceptors/ClientRequest';
import { FetchInterceptor } from '@mswjs/interceptors/fetch';
import { systemClock, type Clock } from '../core/clock.js';
import { defaultLimits, isEnd, type StreamEnd } from '../core/exchange.js';
import { mediaType } from '../core/kit.js';
import { bodyBatches } from '../transports/http/body.js';
import { tapped, type WireTap } from '../transports/observer.js';
import { sseBatches } from '../transports/sse/stream.js';
import type { RedactionOptions } from './redaction.js';
import { RecordingWriter } from './writer.js';

export interface RecorderOptions {
  /** The recording to write (created or replaced), JSON Lines. */
  readonly out: string;
  /** The protocol the application speaks, whose rules `chatwire validate` judges the recording by. */
  readonly protocol: string;
  /** Which requests to record, by URL; every one when absent. */
  readonly match?: ((url: string) => boolean) | undefined;
  /** Headers (beyond Authorization, Cookie, x-api-key…), JSON fields and values to blank. */
  readonly redact?: RedactionOptions | undefined;
  /** How long stop() waits for answers still streaming before it cuts them; 2 s by default. */
  readonly stopWaitMs?: number | undefined;
  readonly clock?: Clock | undefined;
}

export interface Recorder {
  /** Exchanges recorded so far. */
  readonly exchanges: number;
  /** Stops intercepting, lets answers still streaming finish (or cuts them after stopWaitMs), and closes the file. */
  stop(): Promise<void>;
}

interface Opened {
  readonly tap: WireTap;
  readonly startedAt: number;
}

/**
 * Records what the application exchanges (fetch and node:http) into a chatwire recording while
 * its own tests run. A streamed answer is read from a tee of its body as it arrives: the
 * application gets its stream unchanged and at once.
 */
export function startRecorder(options: RecorderOptions): Recorder {
  const clock = options.clock ?? systemClock;
  const writer = new RecordingWriter({ out: options.out, protocol: options.protocol, redact: options.redact, clock });
  const interceptor = new BatchInterceptor({ name: 'chatwire-recorder', interceptors: [new ClientRequestInterceptor(), new FetchInterceptor()] });
  const opened = new Map<string, Promise<Opened>>();
  const reading = new Set<Promise<void>>();
  const stopping = new AbortController();

  // Opened as the request leaves: its body is read from a clone, so the request goes out unchanged.
  async function openExchange(request: Request): Promise<Opened> {
    const startedAt = clock.now();
    const clone = request.body === null ? undefined : request.clone();
    const text = clone === undefined ? undefined : await clone.text();
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    const tap = writer.open({
      type: 'request',
      request: { method: request.method, url: request.url, headers, body: text === '' ? undefined : text },
      label: {},
    });
    return { tap, startedAt };
  }

  interceptor.on('request', ({ request, requestId }) => {
    if (options.match === undefined || options.match(request.url)) opened.set(requestId, openExchange(request));
  });

  interceptor.on('response', ({ response, requestId }) => {
    const found = opened.get(requestId);
    if (found === undefined) return;
    opened.delete(requestId);
    const at = clock.now();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    const stream = mediaType(headers['content-type']) === 'text/event-stream';
    // Not awaited: the application's answer must not wait for the recording of it.
    const read = found
      .then(({ tap, startedAt }) => {
        tap.response({ status: response.status, headers, atMs: at - startedAt });
        return record(response.body, stream, tap, startedAt);
      })
      .catch(() => undefined)
      .finally(() => reading.delete(read));
    reading.add(read);
  });

  async function record(body: ReadableStream<Uint8Array> | null, stream: boolean, tap: WireTap, startedAt: number): Promise<void> {
    const elapsed = (): number => clock.now() - startedAt;
    const reader = body?.getReader();
    const onStop = (): void => void reader?.cancel(new Error('the recorder stopped')).catch(() => undefined);
    stopping.signal.addEventListener('abort', onStop, { once: true });
    async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
      if (reader === undefined) return;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    }
    const readOptions = { limits: defaultLimits, clock, startedAt };
    const source = tapped(chunks(), tap, elapsed);
    let end: StreamEnd = { type: 'broken', atMs: elapsed(), message: 'the answer ended without an end' };
    try {
      for await (const batch of stream ? sseBatches(source, readOptions) : bodyBatches(source, readOptions)) {
        if (isEnd(batch)) end = batch;
        else for (const frame of batch) tap.frame(frame);
      }
    } catch (error) {
      end = { type: 'broken', atMs: elapsed(), message: error instanceof Error ? error.message : String(error) };
    } finally {
      stopping.signal.removeEventListener('abort', onStop);
    }
    tap.end(
      stopping.signal.aborted && end.type !== 'closed' ? { type: 'broken', atMs: elapsed(), message: 'the recorder stopped before the answer ended' } : end,
    );
  }

  interceptor.apply();
  return {
    get exchanges() {
      return writer.exchanges;
    },
    async stop() {
      interceptor.dispose();
      const all = Promise.all([...reading]);
      const waited = new AbortController();
      await Promise.race([all, clock.sleep(options.stopWaitMs ?? 2_000, waited.signal).catch(() => undefined)]);
      waited.abort();
      stopping.abort();
      await all;
      writer.close();
    },
  };
}
