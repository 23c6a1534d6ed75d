import type { ClientSocket } from './client.js';
import { connect, type SocketTarget } from './connect.js';
import type { WireTap } from '../observer.js';
import { Watchdog } from '../watchdog.js';
import { cutEnd } from '../abort.js';
import { parseJson, type Limits, type ParsedJson, type SocketFrame, type StreamBatch, type StreamEnd } from '../../core/exchange.js';

export interface SocketExchangeOptions {
  /** True for the frame that ends the answer; the exchange then waits a short while for strays. */
  readonly isLast?: ((frame: SocketFrame) => boolean) | undefined;
  /** True for a frame that only keeps the answer alive (an empty partial event): it does not hold off the idle limit. */
  readonly isHeartbeat?: ((frame: SocketFrame) => boolean) | undefined;
  /** This exchange's own limits, when they differ from the target's. */
  readonly limits?: Limits | undefined;
  /** Ends the exchange (as broken) when the run is stopped. */
  readonly signal?: AbortSignal | undefined;
  /** Sees each event as it arrives, and the end (`chatwire record`). */
  readonly tap?: WireTap | undefined;
}

/**
 * How long an exchange waits after the answer's last event for strays (a duplicate stop, a late
 * delta): a server emits those at once, so half a second, or --close-grace when shorter.
 */
const STRAY_WAIT_MS = 500;

export function argumentJson(args: readonly unknown[]): ParsedJson {
  const first = args[0];
  if (typeof first === 'string') {
    const parsed = parseJson(first);
    return parsed.ok ? parsed : { ok: true, value: first };
  }
  return { ok: true, value: first };
}

/**
 * One Socket.IO connection for the steps of a case (a follow-up needs the same socket), plus a
 * bystander on demand. Each exchange emits one event and yields every event that answers it.
 */
export class SocketSession {
  #bystander: ClientSocket | undefined;

  private constructor(
    readonly socket: ClientSocket,
    private readonly target: SocketTarget,
  ) {}

  static async open(target: SocketTarget): Promise<SocketSession> {
    return new SocketSession(await connect(target), target);
  }

  get id(): string | undefined {
    return this.socket.id;
  }

  /** Connects a second client, once: from then on every exchange also listens there, for answers that leak. */
  async openBystander(): Promise<void> {
    this.#bystander ??= await connect(this.target);
  }

  async *exchange(event: string, args: readonly unknown[], options: SocketExchangeOptions = {}): AsyncGenerator<StreamBatch, void, undefined> {
    const { clock } = this.target;
    const limits = options.limits ?? this.target.limits;
    const started = clock.now();
    const elapsed = (): number => clock.now() - started;
    const listening: Array<[ClientSocket, (name: string, ...rest: unknown[]) => void]> = [];
    const timers = new AbortController();
    let pending: SocketFrame[] = [];
    let end: StreamEnd | undefined;
    let wake: (() => void) | undefined;
    let index = 0;
    /** The answer's last event came: a disconnect now ends a whole answer (the next question finds the socket gone). */
    let answered = false;
    const finish = (value: StreamEnd): void => {
      end ??= value;
      wake?.();
    };
    const watchdog = new Watchdog(clock, limits, timers.signal, (reason) => finish(reason.toEnd(elapsed())));
    const listen = (socket: ClientSocket, who: SocketFrame['socket']): void => {
      const onAny = (name: string, ...rest: unknown[]): void => {
        if (end !== undefined) return;
        if (index >= limits.maxFrames) return finish({ type: 'frame-limit', atMs: elapsed(), limit: limits.maxFrames });
        const frame: SocketFrame = { type: 'socketio', index: index++, atMs: elapsed(), event: name, socket: who, args: rest, json: argumentJson(rest) };
        pending.push(frame);
        options.tap?.frame(frame);
        if (who === 'asker' && options.isHeartbeat?.(frame) !== true) watchdog.activity();
        if (who === 'asker' && options.isLast?.(frame) === true) {
          answered = true;
          // The answer ended with its last event; the wait for strays after it is chatwire's, not the server's time.
          const lastAt = frame.atMs;
          clock.sleep(Math.min(limits.closeGraceMs, STRAY_WAIT_MS), timers.signal).then(
            () => finish({ type: 'closed', atMs: lastAt }),
            () => undefined,
          );
        }
        wake?.();
      };
      socket.onAny(onAny);
      listening.push([socket, onAny]);
    };
    listen(this.socket, 'asker');
    if (this.#bystander !== undefined) listen(this.#bystander, 'bystander');
    const onDisconnect = (reason: string): void => {
      if (answered) return finish({ type: 'closed', atMs: elapsed() });
      const failure = this.socket.failure;
      const message = failure === undefined ? `the server disconnected the socket (${reason})` : `chatwire dropped the socket: ${failure}`;
      finish({ type: 'broken', atMs: elapsed(), message });
    };
    this.socket.on('disconnect', onDisconnect);
    const onAbort = (): void => finish(cutEnd(options.signal, elapsed()) ?? { type: 'broken', atMs: elapsed(), message: 'the run was stopped' });
    if (options.signal?.aborted === true) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true, signal: timers.signal });
    clock.sleep(limits.timeoutMs, timers.signal).then(
      () => finish({ type: 'timeout', atMs: elapsed(), limitMs: limits.timeoutMs, limit: 'exchange' }),
      () => undefined,
    );

    try {
      if (!this.socket.connected) finish({ type: 'broken', atMs: 0, message: 'the socket was already disconnected' });
      else this.socket.emit(event, ...args);
      for (;;) {
        if (pending.length > 0) {
          const batch = pending;
          pending = [];
          yield batch;
          continue;
        }
        if (end !== undefined) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      options.tap?.end(end);
      yield end;
    } finally {
      timers.abort();
      this.socket.off('disconnect', onDisconnect);
      for (const [socket, onAny] of listening) socket.offAny(onAny);
    }
  }

  close(): void {
    this.socket.disconnect();
    this.#bystander?.disconnect();
  }
}

export { ConnectFailure, type SocketTarget } from './connect.js';
