import { createParser, type EventSourceParser } from 'eventsource-parser';
import { parseJson, type SseFrame } from '../../core/exchange.js';

export interface SseFrameParserOptions {
  readonly onFrame: (frame: SseFrame) => void;
  /** Milliseconds since the request was sent, stamped on each frame. */
  readonly elapsed: () => number;
  /** Largest single event, in characters, before the parser gives up on it. */
  readonly maxEventSize: number;
  readonly onOversizedEvent: () => void;
}

export interface SseFrameParser {
  /** Feeds raw bytes (split anywhere, even inside a UTF-8 character) or text; throws a TypeError on invalid UTF-8. */
  feed(chunk: Uint8Array | string): void;
  /** Flushes what the decoder holds. An event not ended by a blank line is dropped, as EventSource does. */
  finish(): void;
}

/**
 * Turns the bytes of a text/event-stream body into frames, following the WHATWG grammar through
 * eventsource-parser: LF, CRLF and CR line endings, comments, `retry:`, multi-line `data:`.
 */
export function createSseFrameParser(options: SseFrameParserOptions): SseFrameParser {
  // Fatal: invalid UTF-8 throws out of feed() rather than turning into U+FFFD unseen.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let index = 0;
  let endsWithCr = false;
  const parser: EventSourceParser = createParser({
    maxBufferSize: options.maxEventSize,
    onEvent: (event) => {
      options.onFrame({
        type: 'sse',
        index: index++,
        atMs: options.elapsed(),
        event: event.event,
        id: event.id,
        data: event.data,
        json: parseJson(event.data),
      });
    },
    onError: (error) => {
      // Unknown fields and bad `retry:` values are ignored by the grammar; only size is our concern.
      if (error.type === 'max-buffer-size-exceeded') options.onOversizedEvent();
    },
  });
  return {
    feed(chunk) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (text === '') return;
      endsWithCr = text.endsWith('\r');
      parser.feed(text);
    },
    finish() {
      const rest = decoder.decode();
      if (rest !== '') {
        endsWithCr = rest.endsWith('\r');
        parser.feed(rest);
      }
      // A CR at the very end may be waiting for an LF that will never come: it is a line ending.
      // Completing it as CRLF adds no blank line, so an unfinished event is still not dispatched.
      if (endsWithCr) parser.feed('\n');
    },
  };
}
