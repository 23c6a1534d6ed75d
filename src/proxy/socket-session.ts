import { ExchangeCheck } from '../core/engine.js';
import type { SocketFrame } from '../core/exchange.js';
import type { SocketProtocol } from '../protocols/protocol.js';
import { argumentJson } from '../transports/socketio/session.js';
import { socketRules } from '../transports/socketio/rules.js';
import type { ProxyContext } from './context.js';
import { checkRequest } from './http.js';
import { LiveExchange } from './live.js';
import type { SocketMessage } from './engine.js';

/** How long after the answer's last event strays are still judged as part of it, as the suites wait (or --close-grace when shorter). */
const STRAY_WAIT_MS = 500;

/**
 * One Engine.IO connection through the proxy: each event the protocol answers (a `CHAT_CS`) opens
 * an exchange, and the server's events after it are its frames until the protocol's last frame
 * (and a short wait for strays), the next request, or the connection's end.
 */
export class SocketConnection {
  #id: string | undefined;
  #live: LiveExchange | undefined;
  #sawLast = false;
  #strays: AbortController | undefined;
  #closed = false;
  /** Whether the client has asked anything yet: an answer to a socket that never asked was meant for another. */
  #asked = false;
  #lastActivity = 0;
  #watch: AbortController | undefined;

  constructor(
    readonly context: ProxyContext,
    readonly protocol: SocketProtocol,
    readonly sid: string | undefined,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    this.#id = sid;
  }

  fromClient(message: SocketMessage): void {
    if (this.#closed) return;
    if (message.type === 'close') return this.close('client');
    if (message.type !== 'event') return;
    if (!this.protocol.mock.socket.answers(message.event)) return this.#unanswered(message.event, message.args);
    this.#asked = true;
    this.#finish('next');
    const { context } = this;
    const [first] = message.args;
    const url = context.target.href;
    const request = { method: `EMIT ${message.event}`, url, headers: { ...this.headers }, body: typeof first === 'string' ? first : JSON.stringify(first) };
    const json = argumentJson(message.args);
    const checked = checkRequest(context, request, false);
    const tap = context.observer?.open({
      type: 'emit',
      url,
      headers: request.headers,
      event: message.event,
      args: message.args,
      connection: this.#id,
      label: { expect: 'stream' },
    });
    this.#sawLast = false;
    this.#live = new LiveExchange({
      ledger: context.ledger,
      clock: context.clock,
      method: request.method,
      path: '/socket.io/',
      scope: checked.because === undefined ? 'stream' : 'refusal',
      rules: [...this.protocol.rules, ...socketRules],
      context: { request, requestJson: json.ok ? json.value : undefined, because: checked.because, connectionId: this.#id, event: message.event },
      requestDeviations: checked.deviations,
      maxFrames: context.limits.maxFrames,
      tap,
    });
    this.#watchIdle(this.#live);
  }

  /**
   * An answer that goes silent for the idle limit is cut from judging (the traffic still passes):
   * a server that never sends the last frame is found out while the connection stays open.
   */
  #watchIdle(live: LiveExchange): void {
    this.#watch?.abort();
    const watch = new AbortController();
    this.#watch = watch;
    const { clock, limits } = this.context;
    this.#lastActivity = clock.now();
    const check = (wait: number): void => {
      clock.sleep(wait, watch.signal).then(
        () => {
          const quiet = clock.now() - this.#lastActivity;
          if (quiet < limits.idleMs) return check(limits.idleMs - quiet);
          if (this.#live !== live || live.ended || this.#sawLast) return;
          this.#live = undefined;
          live.end({ type: 'timeout', atMs: live.elapsed(), limitMs: limits.idleMs, limit: 'idle' });
        },
        () => undefined,
      );
    };
    check(limits.idleMs);
  }

  fromServer(message: SocketMessage): void {
    if (this.#closed) return;
    if (message.type === 'connect') {
      this.#id = message.id ?? this.#id;
      return;
    }
    if (message.type === 'close') return this.close('server');
    const live = this.#live;
    if (message.type !== 'event') return;
    if (live === undefined || live.ended) {
      if (!this.#asked) this.#unsolicited(message.event, message.args);
      return;
    }
    const frame: SocketFrame = {
      type: 'socketio',
      index: live.frames,
      atMs: live.elapsed(),
      event: message.event,
      socket: 'asker',
      args: message.args,
      json: argumentJson(message.args),
    };
    live.frame(frame);
    if (this.protocol.isHeartbeat?.(frame) !== true) this.#lastActivity = this.context.clock.now();
    if (this.protocol.isLastFrame?.(frame) !== true || this.#sawLast) return;
    this.#sawLast = true;
    const strays = new AbortController();
    this.#strays = strays;
    this.context.clock.sleep(Math.min(this.context.limits.closeGraceMs, STRAY_WAIT_MS), strays.signal).then(
      () => {
        if (this.#live === live) this.#finish('next');
      },
      () => undefined,
    );
  }

  /**
   * An event the protocol's server does not listen to (a misspelt CHAT_CS gets no answer): judged by
   * the request rules alone, which name the events they know, and kept only when one of them finds it.
   */
  #unanswered(event: string, args: readonly unknown[]): void {
    const { context } = this;
    const [first] = args;
    const request = {
      method: `EMIT ${event}`,
      url: context.target.href,
      headers: { ...this.headers },
      body: typeof first === 'string' ? first : JSON.stringify(first ?? null),
    };
    context.ledger.addAlone(request.method, '/socket.io/', 'refusal', checkRequest(context, request, false).deviations);
  }

  /**
   * An event to a client that has asked nothing: judged as a bystander's, by the protocol's security
   * rules alone (an answer broadcast to every client), and kept only when one of them finds it.
   */
  #unsolicited(event: string, args: readonly unknown[]): void {
    const { context } = this;
    const rules = this.protocol.rules.filter((rule) => rule.security === true && rule.scopes.includes('stream'));
    const request = { method: 'EMIT (nothing)', url: context.target.href, headers: { ...this.headers }, body: undefined };
    const check = new ExchangeCheck(rules, { request, requestJson: undefined, connectionId: this.#id });
    check.frame({ type: 'socketio', index: 0, atMs: 0, event, socket: 'bystander', args, json: argumentJson(args) });
    context.ledger.addAlone(`RECEIVE ${event}`, '/socket.io/', 'stream', check.end({ type: 'closed', atMs: 0 }), 1);
  }

  /** The connection ended: by the client, by the server, or because the proxy stopped. */
  close(by: 'client' | 'server' | 'proxy'): void {
    if (this.#closed) return;
    this.#finish(by);
    this.#closed = true;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #finish(why: 'next' | 'client' | 'server' | 'proxy'): void {
    this.#strays?.abort();
    this.#watch?.abort();
    const live = this.#live;
    this.#live = undefined;
    if (live === undefined || live.ended) return;
    const atMs = live.elapsed();
    if (this.#sawLast) return live.end({ type: 'closed', atMs });
    // The server cut the connection mid-answer: its fault. The client leaving, or asking again, is not.
    if (why === 'server') return live.end({ type: 'broken', atMs, message: 'the server closed the connection before the answer ended' });
    const message =
      why === 'next'
        ? 'the client asked again before the answer ended'
        : why === 'client'
          ? 'the client closed the connection before the answer ended'
          : 'the proxy stopped before the answer ended';
    live.end({ type: 'broken', atMs, message }, { clientGone: true });
  }
}
