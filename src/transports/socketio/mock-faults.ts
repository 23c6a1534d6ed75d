import type { Clock } from '../../core/clock.js';
import { quoteRequestInData, type CrosstalkBoard, type CrosstalkPeer } from '../../mock/crosstalk.js';
import type { Fault } from '../../mock/faults.js';

type Send = () => void;

export interface SocketFaultContext {
  readonly clock: Clock;
  /** Aborts when the socket goes away. */
  readonly signal: AbortSignal;
  /** Ends the connection: `close` as a server disconnect, `reset` by dropping the transport. */
  readonly cut: (how: 'close' | 'reset') => void;
  /** For `crosstalk`: the answers in flight, this answer's channel (its protocol) and its request. */
  readonly crosstalk?: { readonly board: CrosstalkBoard<unknown>; readonly channel: string; readonly request: string };
}

/** `{"a":1}` without its last closing bracket: what a corrupted event carries instead of its data. */
function corrupt(data: unknown): unknown {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  const at = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
  return at < 0 ? text : text.slice(0, at) + text.slice(at + 1);
}

function has<K extends Fault['kind']>(faults: readonly Fault[], kind: K, test: (fault: Extract<Fault, { kind: K }>) => boolean): boolean {
  return faults.some((fault) => fault.kind === kind && test(fault as Extract<Fault, { kind: K }>));
}

/**
 * The fault overlays over one answer's events: each event the protocol sends is one frame. `send`
 * resolves when the event is out (or held back, or dropped); `finish` sends an event still held.
 */
export function faultyEvents(faults: readonly Fault[], context: SocketFaultContext) {
  let frames = 0;
  let cut = false;
  let held: { readonly send: Send; readonly after: number } | undefined;
  const board = faults.some((fault) => fault.kind === 'crosstalk') ? context.crosstalk : undefined;
  const peer: CrosstalkPeer<unknown> | undefined = board === undefined ? undefined : { last: undefined, request: async () => board.request };
  const leave = board === undefined || peer === undefined ? undefined : board.board.join(board.channel, peer);
  if (leave !== undefined) context.signal.addEventListener('abort', leave, { once: true });
  const wait = async (ms: number): Promise<void> => {
    try {
      await context.clock.sleep(ms, context.signal);
    } catch {
      cut = true;
    }
  };
  const afterFrame = async (n: number): Promise<void> => {
    const stall = faults.find((fault) => fault.kind === 'stall' && fault.after === n);
    if (stall !== undefined && 'ms' in stall) await wait(stall.ms);
    const end = faults.find((fault) => (fault.kind === 'close' || fault.kind === 'reset') && fault.after === n);
    if (end !== undefined && (end.kind === 'close' || end.kind === 'reset') && !cut) {
      cut = true;
      context.cut(end.kind);
    }
  };
  return {
    /** Sends one event, `emit(data)` doing the sending with the data as the faults leave it. */
    async send(data: unknown, emit: (data: unknown) => void): Promise<void> {
      if (cut) return;
      const n = ++frames;
      if (n === 1) {
        const delay = faults.find((fault) => fault.kind === 'delay');
        if (delay !== undefined && 'ms' in delay) await wait(delay.ms);
        if (cut) return;
      }
      let sent = has(faults, 'corrupt', (f) => f.frame === n) ? corrupt(data) : data;
      if (board !== undefined && peer !== undefined && has(faults, 'crosstalk', (f) => f.frame === n)) {
        const lent = await board.board.borrow(board.channel, peer);
        if (lent !== undefined) sent = lent.request === undefined ? lent.frame : quoteRequestInData(lent.frame, lent.request);
      }
      if (peer !== undefined) peer.last = data;
      const out: Send = () => emit(sent);
      if (has(faults, 'drop', (f) => f.frame === n)) {
        // Left out, but still counted: later faults keep the scenario's numbering.
      } else if (has(faults, 'reorder', (f) => f.frame === n)) {
        held = { send: out, after: n + 1 };
      } else {
        out();
        if (has(faults, 'duplicate', (f) => f.frame === n)) out();
      }
      if (held !== undefined && held.after === n) {
        held.send();
        held = undefined;
      }
      await afterFrame(n);
    },
    finish(): void {
      if (held !== undefined && !cut) held.send();
      held = undefined;
      // The answer is over: another answer no longer borrows from it.
      leave?.();
    },
  };
}
