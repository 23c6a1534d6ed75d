import type { Clock } from '../../core/clock.js';
import type { Limits, SseFrame, StreamEnd, StreamItem } from '../../core/exchange.js';
import { endFromAbort } from '../abort.js';
import { createSseFrameParser } from './parse.js';

export interface SseStreamOptions {
  readonly limits: Pick<Limits, 'maxFrames' | 'maxBytes'>;
  readonly clock: Clock;
  /** `clock.now()` when the request was sent. */
  readonly startedAt: number;
  /** Aborted by the caller's timers; its reason (see `abort.ts`) says how the stream ended. */
  readonly signal?: AbortSignal;
}

/**
 * The frames of a text/event-stream body, then exactly one end. Reading stops at the frame or
 * byte cap, and when the signal aborts; the body is never buffered whole.
 */
export async function* sseFrames(
  chunks: AsyncIterable<Uint8Array | string>,
  options: SseStreamOptions,
): AsyncGenerator<StreamItem, void, undefined> {
  const { clock, startedAt, limits } = options;
  const elapsed = (): number => clock.now() - startedAt;
  const pending: SseFrame[] = [];
  let oversized = false;
  const parser = createSseFrameParser({
    onFrame: (frame) => pending.push(frame),
    elapsed,
    maxEventSize: limits.maxBytes,
    onOversizedEvent: () => {
      oversized = true;
    },
  });

  let frames = 0;
  let bytes = 0;
  let end: StreamEnd | undefined;
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (bytes > limits.maxBytes) {
        end = { type: 'byte-limit', atMs: elapsed(), limit: limits.maxBytes };
        break;
      }
      parser.feed(chunk);
      if (oversized) {
        end = { type: 'byte-limit', atMs: elapsed(), limit: limits.maxBytes };
        break;
      }
      // Drain in order; `pending` holds at most one network chunk's frames.
      for (let i = 0; i < pending.length; i++) {
        const frame = pending[i] as SseFrame;
        if (frames >= limits.maxFrames) {
          end = { type: 'frame-limit', atMs: elapsed(), limit: limits.maxFrames };
          break;
        }
        frames++;
        yield frame;
      }
      pending.length = 0;
      if (end !== undefined) break;
    }
    if (end === undefined) {
      parser.finish();
      for (const frame of pending) {
        if (frames >= limits.maxFrames) {
          end = { type: 'frame-limit', atMs: elapsed(), limit: limits.maxFrames };
          break;
        }
        frames++;
        yield frame;
      }
    }
  } catch (error) {
    end = endFromAbort(options.signal, error, elapsed());
  }
  yield end ?? { type: 'closed', atMs: elapsed() };
}
