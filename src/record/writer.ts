import { closeSync, openSync, writeSync } from 'node:fs';
import { systemClock, type Clock } from '../core/clock.js';
import { ChatwireError } from '../core/errors.js';
import type { Frame, ResponseHead, StreamEnd } from '../core/exchange.js';
import { version } from '../core/version.js';
import type { WireObserver, WireOpening, WireTap } from '../transports/observer.js';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordedFrame, type RecordingLine } from './format.js';
import { Redaction, type RedactionOptions } from './redaction.js';

export interface RecordingOptions {
  /** The file to write (created or replaced). */
  readonly out: string;
  /** The protocol whose rules judge the exchanges. */
  readonly protocol: string;
  /** The server root the requests go to, when there is one. */
  readonly target?: string | undefined;
  readonly redact?: RedactionOptions | undefined;
  readonly clock?: Clock | undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Writes exchanges as JSON Lines while they happen: each line is written with one system call the
 * moment its thing arrives, so a recorder killed at any point leaves only whole lines behind.
 */
export class RecordingWriter implements WireObserver {
  readonly redaction: Redaction;
  readonly #fd: number;
  readonly #clock: Clock;
  readonly #started: number;
  #next = 0;
  #closed = false;

  constructor(options: RecordingOptions) {
    this.redaction = new Redaction(options.redact);
    this.#clock = options.clock ?? systemClock;
    this.#started = this.#clock.now();
    try {
      this.#fd = openSync(options.out, 'w');
    } catch (error) {
      throw new ChatwireError('BAD_FILE', `Failed to create recording ${options.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        hint: 'check that its folder exists and can be written',
      });
    }
    this.#write({
      type: 'recording',
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      protocol: options.protocol,
      createdAt: new Date().toISOString(),
      tool: `chatwire ${version}`,
      ...(options.target === undefined ? {} : { target: this.redaction.text(options.target) }),
      redacted: { headers: [...this.redaction.headers], fields: [...this.redaction.fields] },
    });
  }

  open(opening: WireOpening): WireTap {
    const exchange = this.#next++;
    const r = this.redaction;
    const { label } = opening;
    const common = {
      exchange,
      startedMs: Math.max(0, Math.round(this.#clock.now() - this.#started)),
      ...(label.case === undefined ? {} : { case: label.case }),
      ...(label.step === undefined ? {} : { step: label.step }),
      ...(label.run === undefined ? {} : { run: label.run }),
      ...(label.expect === undefined ? {} : { expect: label.expect }),
    };
    switch (opening.type) {
      case 'request': {
        const { request, series } = opening;
        const body = request.body === undefined ? {} : { body: r.text(request.body) };
        const headers = r.redactHeaders(request.headers);
        this.#write({
          type: 'request',
          ...common,
          method: request.method,
          url: r.text(request.url),
          headers,
          ...body,
          ...(series === undefined ? {} : { series }),
        });
        break;
      }
      case 'series': {
        const headers = r.redactHeaders(opening.request.headers);
        this.#write({ type: 'series', ...common, method: opening.request.method, url: r.text(opening.request.url), headers });
        break;
      }
      case 'emit': {
        const headers = r.redactHeaders(opening.headers);
        const connection = opening.connection === undefined ? {} : { connection: opening.connection };
        const args = opening.args.map((arg) => r.json(arg));
        this.#write({ type: 'emit', ...common, url: r.text(opening.url), headers, event: opening.event, args, ...connection });
        break;
      }
    }
    return {
      id: exchange,
      response: (head: ResponseHead) =>
        this.#write({ type: 'response', exchange, atMs: ms(head.atMs), status: head.status, headers: r.redactHeaders(head.headers) }),
      chunk: (chunk: Uint8Array, atMs: number) => this.#write({ type: 'chunk', exchange, atMs: ms(atMs), ...this.#bytes(chunk) }),
      frame: (frame: Frame) => this.#write({ type: 'frame', exchange, frame: this.#frame(frame) }),
      end: (end: StreamEnd) => this.#write({ type: 'end', exchange, end: { ...end, atMs: ms(end.atMs) } }),
    };
  }

  /** How many exchanges have begun. */
  get exchanges(): number {
    return this.#next;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }

  #bytes(chunk: Uint8Array): { text: string } | { base64: string } {
    try {
      return { text: this.redaction.text(strictUtf8.decode(chunk)) };
    } catch {
      return { base64: this.redaction.bytes(chunk).toString('base64') };
    }
  }

  #frame(frame: Frame): RecordedFrame {
    const r = this.redaction;
    const at = { index: frame.index, atMs: ms(frame.atMs) };
    switch (frame.type) {
      case 'sse':
        return {
          type: 'sse',
          ...at,
          ...(frame.event === undefined ? {} : { event: frame.event }),
          ...(frame.id === undefined ? {} : { id: frame.id }),
          data: r.text(frame.data),
        };
      case 'body':
        return { type: 'body', ...at, text: r.text(frame.text) };
      case 'poll':
        return { type: 'poll', ...at, phase: frame.phase, pass: frame.pass, from: frame.from, status: frame.status, text: r.text(frame.text) };
      case 'socketio':
        return { type: 'socketio', ...at, event: frame.event, socket: frame.socket, args: frame.args.map((arg) => r.json(arg)) };
    }
  }

  #write(line: RecordingLine): void {
    // Lines of exchanges still running after close (a cut stream's end) have nowhere to go.
    if (this.#closed) return;
    writeSync(this.#fd, `${JSON.stringify(line)}\n`);
  }
}

/** Offsets to a tenth of a millisecond: enough for timing, short enough to read. */
function ms(value: number): number {
  return Math.max(0, Math.round(value * 10) / 10);
}
