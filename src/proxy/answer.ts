import type { Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { parseJson, type SseFrame } from '../core/exchange.js';
import { createSseFrameParser } from '../transports/sse/parse.js';
import { looksLikeEventStream } from '../transports/http/body.js';
import type { LiveExchange } from './live.js';

/** Takes a copy of each chunk of an answer's body, after it was forwarded, and turns it into frames for the judge. */
export interface BodySink {
  chunk(chunk: Buffer): void;
  /** The body ended; `then` runs once every frame it held was judged. */
  finish(then: () => void): void;
}

/** An event stream: each event is judged the moment its blank line passes; the parser holds at most one event. */
export function streamSink(live: LiveExchange, maxBytes: number): BodySink {
  let bytes = 0;
  const parser = createSseFrameParser({
    onFrame: (frame) => live.frame(frame),
    elapsed: () => live.elapsed(),
    maxEventSize: maxBytes,
    onOversizedEvent: () => live.end({ type: 'byte-limit', atMs: live.elapsed(), limit: maxBytes }),
  });
  return {
    chunk(chunk) {
      if (live.ended) return;
      bytes += chunk.length;
      if (bytes > maxBytes) live.end({ type: 'byte-limit', atMs: live.elapsed(), limit: maxBytes });
      else parser.feed(chunk);
    },
    finish(then) {
      if (!live.ended) parser.finish();
      then();
    },
  };
}

/** A whole answer: one frame when it ends (up to maxBytes kept), or its events when it is event-stream text under another type. */
export function wholeSink(live: LiveExchange, maxBytes: number, onFrame: (text: string) => void = (text) => judgeWhole(live, text, maxBytes)): BodySink {
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let bytes = 0;
  return {
    chunk(chunk) {
      if (live.ended) return;
      bytes += chunk.length;
      if (bytes > maxBytes) live.end({ type: 'byte-limit', atMs: live.elapsed(), limit: maxBytes });
      else text += decoder.decode(chunk, { stream: true });
    },
    finish(then) {
      if (!live.ended) onFrame(text + decoder.decode());
      then();
    },
  };
}

function judgeWhole(live: LiveExchange, text: string, maxBytes: number): void {
  const atMs = live.elapsed();
  if (looksLikeEventStream(text)) {
    const frames: SseFrame[] = [];
    const parser = createSseFrameParser({
      onFrame: (frame) => frames.push(frame),
      elapsed: () => atMs,
      maxEventSize: maxBytes,
      onOversizedEvent: () => undefined,
    });
    parser.feed(text);
    parser.finish();
    if (frames.length > 0) {
      for (const frame of frames) live.frame(frame);
      return;
    }
  }
  live.frame({ type: 'body', index: 0, atMs, text, json: parseJson(text) });
}

/** A compressed answer is forwarded as it came; the judge reads a decompressed copy. */
export function decoded(sink: BodySink, contentEncoding: string | undefined, onError: (message: string) => void): BodySink {
  const coding = contentEncoding?.trim().toLowerCase();
  const make: (() => Transform) | undefined =
    coding === 'gzip' || coding === 'x-gzip' ? createGunzip : coding === 'deflate' ? createInflate : coding === 'br' ? createBrotliDecompress : undefined;
  if (make === undefined) return sink;
  const inflate = make();
  inflate.on('data', (chunk: Buffer) => sink.chunk(chunk));
  inflate.on('error', (error: Error) => onError(`the compressed answer could not be decoded: ${error.message}`));
  return {
    chunk: (chunk) => inflate.write(chunk),
    finish: (then) => {
      inflate.once('end', () => sink.finish(then));
      inflate.once('error', () => sink.finish(then));
      inflate.end();
    },
  };
}
