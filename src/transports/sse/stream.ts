import type { Clock } from '../../core/clock.js';
import { flatten, frameByteLimit, type Limits, type SseFrame, type StreamBatch, type StreamEnd, type StreamItem } from '../../core/exchange.js';
import { endFromAbort } from '../abort.js';
import { createSseFrameParser } from './parse.js';

export interface SseStreamOptions {
  readonly limits: Pick<Limits, 'maxFrames' | 'maxBytes' | 'maxFrameBytes'>;
  readonly clock: Clock;
  /** `clock.now()` when the request was sent. */
  readonly startedAt: number;
  /** Aborted by the caller's timers; its reason (see `abort.ts`) says how the stream ended. */
  readonly signal?: AbortSignal;
}

/**
 * The frames of a text/event-stream body, one batch per network chunk, then exactly one end.
 * Reading stops at the frame or byte cap and when the signal aborts; the body is never buffered
 * whole. Batches keep the per-frame cost of async iteration off long streams.
 */
export async function* sseBatches(chunks: AsyncIterable<Uint8Array | string>, options: SseStreamOptions): AsyncGenerator<StreamBatch, void, undefined> {
  const { clock, startedAt, limits } = options;
  const elapsed = (): number => clock.now() - startedAt;
  // A frame arrives with the chunk that completes it: one reading of the clock per chunk, not per frame.
  let arrivedAtMs = 0;
  let batch: SseFrame[] = [];
  let frames = 0;
  let end: StreamEnd | undefined;
  const parser = createSseFrameParser({
    onFrame: (frame) => {
      if (end !== undefined) return;
      if (frames >= limits.maxFrames) {
        end = { type: 'frame-limit', atMs: elapsed(), limit: limits.maxFrames };
        return;
      }
      frames++;
      batch.push(frame);
    },
    elapsed: () => arrivedAtMs,
    maxEventSize: frameByteLimit(limits),
    onOversizedEvent: () => {
      const cap = frameByteLimit(limits);
      end ??= { type: 'byte-limit', atMs: elapsed(), limit: cap, ...(cap < limits.maxBytes ? { perFrame: true as const } : {}) };
    },
  });

  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      arrivedAtMs = elapsed();
      if (bytes > limits.maxBytes) end ??= { type: 'byte-limit', atMs: elapsed(), limit: limits.maxBytes };
      else parser.feed(chunk);
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
      if (end !== undefined) break;
    }
    if (end === undefined) {
      arrivedAtMs = elapsed();
      parser.finish();
      if (batch.length > 0) yield batch;
    }
  } catch (error) {
    end ??= endFromAbort(options.signal, error, elapsed());
  }
  yield end ?? { type: 'closed', atMs: elapsed() };
}

/** The same stream frame by frame: simpler to consume where speed does not matter. */
export async function* sseFrames(chunks: AsyncIterable<Uint8Array | string>, options: SseStreamOptions): AsyncGenerator<StreamItem, void, undefined> {
  yield* flatten(sseBatches(chunks, options));
}
