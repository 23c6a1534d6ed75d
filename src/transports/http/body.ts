import type { Clock } from '../../core/clock.js';
import { frameByteLimit, parseJson, type Limits, type SseFrame, type StreamBatch } from '../../core/exchange.js';
import { createSseFrameParser } from '../sse/parse.js';
import { endFromAbort } from '../abort.js';

export interface BodyOptions {
  readonly limits: Pick<Limits, 'maxBytes' | 'maxFrameBytes'>;
  readonly clock: Clock;
  readonly startedAt: number;
  readonly signal?: AbortSignal;
}

/** A whole (non-streaming) body as one frame, then its end; at most `maxBytes` (and one frame's limit) are kept. */
export async function* bodyBatches(chunks: AsyncIterable<Uint8Array | string>, options: BodyOptions): AsyncGenerator<StreamBatch, void, undefined> {
  const { clock, startedAt, limits } = options;
  const elapsed = (): number => clock.now() - startedAt;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // The body is one frame: it is held whole, so the frame limit bounds it too.
  const cap = frameByteLimit(limits);
  let text = '';
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (bytes > cap) {
        yield { type: 'byte-limit', atMs: elapsed(), limit: cap, ...(cap < limits.maxBytes ? { perFrame: true as const } : {}) };
        return;
      }
      text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    }
    text += decoder.decode();
  } catch (error) {
    yield endFromAbort(options.signal, error, elapsed());
    return;
  }
  const atMs = elapsed();
  // Some servers answer an early error as event-stream text under another Content-Type.
  if (looksLikeEventStream(text)) {
    const frames: SseFrame[] = [];
    const parser = createSseFrameParser({ onFrame: (frame) => frames.push(frame), elapsed, maxEventSize: cap, onOversizedEvent: () => undefined });
    parser.feed(text);
    parser.finish();
    if (frames.length > 0) {
      yield frames;
      yield { type: 'closed', atMs };
      return;
    }
  }
  yield [{ type: 'body', index: 0, atMs, text, json: parseJson(text) }];
  yield { type: 'closed', atMs };
}

/** Starts with an event-stream field line (`event:`, `data:`, `id:`, `retry:`) or a comment. */
export function looksLikeEventStream(text: string): boolean {
  return /^(?:event|data|id|retry):|^:/.test(text.trimStart());
}
