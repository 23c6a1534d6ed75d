import type { Frame, RequestRecord, ResponseHead, StreamEnd } from '../core/exchange.js';
import type { TemplateVars } from '../core/template.js';

/** Where an exchange sits in a suite run, for whoever reads a recording. */
export interface ExchangeLabel {
  readonly case?: string | undefined;
  readonly step?: number | undefined;
  /** The run's `{{run}}` value, which makes names unique; a replay maps it to its own client's. */
  readonly run?: string | undefined;
  /** What the step expected: a stream, an answer, a refusal. */
  readonly expect?: string | undefined;
}

/** What an exchange starts with, by how it travels. */
export type WireOpening =
  /** One HTTP request; `series` when it is one poll of a polled resource (see `series`). */
  | { readonly type: 'request'; readonly request: RequestRecord; readonly label: ExchangeLabel; readonly series?: number | undefined }
  /** One emitted Socket.IO event; `connection` is the asking socket's id. */
  | {
      readonly type: 'emit';
      readonly url: string;
      readonly headers: Readonly<Record<string, string>>;
      readonly event: string;
      readonly args: readonly unknown[];
      readonly connection: string | undefined;
      readonly label: ExchangeLabel;
    }
  /** A polled resource read to its end: its frames are the polls' answers, each poll its own request. */
  | { readonly type: 'series'; readonly request: RequestRecord; readonly label: ExchangeLabel };

/** Sees one exchange as it happens; every call is made as the thing arrives. */
export interface WireTap {
  /** The exchange's id in its recording, for polls that belong to a series. */
  readonly id: number;
  response(head: ResponseHead): void;
  /** A network chunk as it arrived, `atMs` after the request. */
  chunk(chunk: Uint8Array, atMs: number): void;
  frame(frame: Frame): void;
  end(end: StreamEnd): void;
}

/**
 * An optional observer of what a transport sends and receives (`chatwire record`). Transports
 * call it when it is given and run unchanged when it is not.
 */
export interface WireObserver {
  open(opening: WireOpening): WireTap;
}

/** A step's place in its run, from the runner's own variables. */
export function labelOf(vars: TemplateVars, step: number, expect: string): ExchangeLabel {
  return { case: vars['case'], step, run: vars['run'], expect };
}

/** The chunks of a body, each shown to the tap as it passes; nothing is buffered. */
export async function* tapped(chunks: AsyncIterable<Uint8Array>, tap: WireTap | undefined, elapsed: () => number): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const chunk of chunks) {
    tap?.chunk(chunk, elapsed());
    yield chunk;
  }
}
