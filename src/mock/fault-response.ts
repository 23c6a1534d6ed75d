import type { Clock } from '../core/clock.js';
import { quoteRequest, type CrosstalkBoard, type CrosstalkPeer } from './crosstalk.js';
import type { Fault } from './faults.js';
import type { MockChunk, MockResponse } from './io.js';

export interface FaultContext {
  readonly clock: Clock;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
  /** For `crosstalk`: the answers in flight, this answer's channel on it (its protocol) and its request. */
  readonly crosstalk?: { readonly board: CrosstalkBoard; readonly channel: string; readonly request: () => Promise<string | undefined> };
}

const encoder = new TextEncoder();
const bytesOf = (chunk: MockChunk): Uint8Array => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
const COMMENT = encoder.encode(': chatwire comment\n');
const HEARTBEAT = encoder.encode(': chatwire heartbeat\n\n');

/** The frame's JSON without its last closing bracket: deterministic, and never valid JSON again. */
function corrupt(bytes: Uint8Array): Uint8Array {
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] === 0x7d || bytes[i] === 0x5d) return Uint8Array.from([...bytes.subarray(0, i), ...bytes.subarray(i + 1)]);
  }
  return bytes;
}

/** Yields to the event loop so that successive writes leave as separate packets. */
const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function find<K extends Fault['kind']>(faults: readonly Fault[], kind: K, test: (fault: Extract<Fault, { kind: K }>) => boolean = () => true) {
  return faults.find((fault): fault is Extract<Fault, { kind: K }> => fault.kind === kind && test(fault as Extract<Fault, { kind: K }>));
}

/**
 * A response that plays the HTTP fault overlays over whatever the route writes: each write (or
 * the body given to end) is one frame. Nothing here knows the protocol.
 */
export class FaultyResponse implements MockResponse {
  #frames = 0;
  #head: { readonly status: number; readonly headers: Readonly<Record<string, string>> } | undefined;
  #headFlushed = false;
  #sse = false;
  #cut = false;
  #held: Uint8Array | undefined;
  #heldAfter = 0;
  /** Serialises the writes of frames and heartbeats, so a heartbeat never lands inside a frame. */
  #lock: Promise<void> = Promise.resolve();
  readonly #done = new AbortController();
  readonly #signal: AbortSignal;
  readonly #peer: CrosstalkPeer | undefined;

  constructor(
    private readonly res: MockResponse,
    private readonly faults: readonly Fault[],
    private readonly context: FaultContext,
    private readonly extraHeaders: Readonly<Record<string, string>> = {},
  ) {
    this.#signal = AbortSignal.any([context.signal, this.#done.signal]);
    const crosstalk = context.crosstalk;
    if (crosstalk !== undefined && find(faults, 'crosstalk') !== undefined) {
      const peer: CrosstalkPeer = { last: undefined, request: crosstalk.request };
      this.#peer = peer;
      const leave = crosstalk.board.join(crosstalk.channel, peer);
      this.#signal.addEventListener('abort', leave, { once: true });
    }
  }

  get headersSent(): boolean {
    return this.#head !== undefined || this.res.headersSent;
  }

  get ended(): boolean {
    return this.#cut || this.res.ended;
  }

  writeHead(status: number, headers: Readonly<Record<string, string>>): void {
    if (this.#head !== undefined) return;
    this.#head = { status, headers: { ...headers, ...this.extraHeaders } };
    this.#sse = Object.entries(headers).some(([name, value]) => name.toLowerCase() === 'content-type' && value.includes('text/event-stream'));
    // A delayed answer holds its head too: what a slow upstream's client sees is no first byte.
    if (find(this.faults, 'delay') === undefined) this.#flushHead();
  }

  async write(chunk: MockChunk): Promise<void> {
    await this.#frame(bytesOf(chunk));
  }

  async end(chunk?: MockChunk): Promise<void> {
    if (chunk !== undefined && chunk.length > 0) await this.#frame(bytesOf(chunk));
    else if (!this.#headFlushed) await this.#beforeFirst();
    if (this.#held !== undefined) {
      const held = this.#held;
      this.#held = undefined;
      await this.#emit(held);
    }
    this.#done.abort();
    if (!this.#cut) await this.res.end();
  }

  abort(): void {
    this.#cut = true;
    this.#done.abort();
    this.res.abort();
  }

  async #frame(bytes: Uint8Array): Promise<void> {
    if (this.#cut) return;
    const n = ++this.#frames;
    if (n === 1) await this.#beforeFirst();
    const mid = find(this.faults, 'close-mid', (f) => f.frame === n) ?? find(this.faults, 'reset-mid', (f) => f.frame === n);
    if (mid !== undefined) {
      await this.#emit(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))));
      return this.#cutNow(mid.kind === 'close-mid' ? 'close' : 'reset');
    }
    let sent = find(this.faults, 'corrupt', (f) => f.frame === n) === undefined ? bytes : corrupt(bytes);
    if (this.#peer !== undefined && this.context.crosstalk !== undefined && find(this.faults, 'crosstalk', (f) => f.frame === n) !== undefined) {
      // With no other answer in flight there is nothing to mix in: the frame goes out as it is.
      const lent = await this.context.crosstalk.board.borrow(this.context.crosstalk.channel, this.#peer);
      if (lent !== undefined) sent = lent.request === undefined ? lent.frame : quoteRequest(lent.frame, lent.request);
    }
    if (this.#peer !== undefined) this.#peer.last = bytes;
    if (find(this.faults, 'drop', (f) => f.frame === n) !== undefined) {
      // Left out, but still counted: later faults keep the scenario's numbering.
    } else if (find(this.faults, 'reorder', (f) => f.frame === n) !== undefined) {
      this.#held = sent;
      this.#heldAfter = n + 1;
    } else {
      await this.#emit(sent);
      if (find(this.faults, 'duplicate', (f) => f.frame === n) !== undefined) await this.#emit(sent);
    }
    if (this.#held !== undefined && this.#heldAfter === n) {
      const held = this.#held;
      this.#held = undefined;
      await this.#emit(held);
    }
    await this.#afterFrame(n);
  }

  async #beforeFirst(): Promise<void> {
    const delay = find(this.faults, 'delay');
    if (delay !== undefined) await this.#sleep(delay.ms);
    this.#flushHead();
  }

  #flushHead(): void {
    if (this.#headFlushed || this.#head === undefined || this.#cut) return;
    this.#headFlushed = true;
    this.res.writeHead(this.#head.status, this.#head.headers);
    const heartbeat = find(this.faults, 'heartbeat');
    if (heartbeat !== undefined && this.#sse) void this.#beat(heartbeat.ms);
    void this.#afterFrame(0);
  }

  async #afterFrame(n: number): Promise<void> {
    const stall = find(this.faults, 'stall', (f) => f.after === n);
    if (stall !== undefined && n > 0) await this.#sleep(stall.ms);
    const cut = find(this.faults, 'close', (f) => f.after === n) ?? find(this.faults, 'reset', (f) => f.after === n);
    if (cut !== undefined) await this.#cutNow(cut.kind);
  }

  async #cutNow(how: 'close' | 'reset'): Promise<void> {
    if (this.#cut) return;
    this.#cut = true;
    this.#done.abort();
    await this.#lock;
    if (how === 'reset') this.res.abort();
    else await this.res.end();
  }

  /** Writes one frame's bytes as the faults say: in pieces, dripped, after a comment. */
  #emit(bytes: Uint8Array): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.#cut || this.#signal.aborted) return;
      if (this.#sse && find(this.faults, 'comments') !== undefined) await this.res.write(COMMENT);
      const drip = find(this.faults, 'drip');
      const split = find(this.faults, 'split');
      if (drip !== undefined) {
        const piece = Math.max(1, Math.floor(drip.bytesPerSecond / 10));
        for (let at = 0; at < bytes.length && !this.#signal.aborted; at += piece) {
          await this.res.write(bytes.subarray(at, at + piece));
          await this.#sleep((piece * 1000) / drip.bytesPerSecond);
        }
      } else if (split !== undefined) {
        for (let at = 0; at < bytes.length && !this.context.signal.aborted; at += split.bytes) {
          await this.res.write(bytes.subarray(at, at + split.bytes));
          await nextTick();
        }
      } else {
        await this.res.write(bytes);
      }
    };
    const turn = this.#lock.then(run);
    this.#lock = turn.catch(() => undefined);
    return this.#lock;
  }

  async #beat(ms: number): Promise<void> {
    while (!this.#signal.aborted) {
      // On the answer's own signal: the heartbeat's timer ends with the answer, not ms after it.
      try {
        await this.context.clock.sleep(ms, this.#signal);
      } catch {
        return;
      }
      if (this.#signal.aborted || this.#cut) return;
      const turn = this.#lock.then(() => this.res.write(HEARTBEAT));
      this.#lock = turn.catch(() => undefined);
      await this.#lock;
    }
  }

  /** A fault's wait: cut short when the client leaves or the answer ends. */
  async #sleep(ms: number): Promise<void> {
    try {
      await this.context.clock.sleep(ms, this.context.signal);
    } catch {
      this.#cut = true;
    }
  }
}
