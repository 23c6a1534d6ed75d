import { createConnection } from 'node:net';
import { ChatwireError } from '../../core/errors.js';
import { describeTimeout, frameByteLimit, isEnd, type Limits, type TimeLimit } from '../../core/exchange.js';
import { isRecord } from '../../core/schemas.js';
import { cutEnd } from '../abort.js';
import { bodyBatches } from '../http/body.js';
import { sendHttp } from '../http/request.js';
import { connectV3, connectV4, type ClientSocket } from './client.js';
import type { Clock } from '../../core/clock.js';

export interface SocketTarget {
  /** The server root; Socket.IO's path (`/socket.io/`) is appended to its path. */
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly limits: Limits;
  readonly clock: Clock;
  /** The Engine.IO version to speak: 4 (Socket.IO 3 and later) or 3 (Socket.IO 2 servers); found out by the handshake when not given. */
  readonly eio?: 3 | 4 | undefined;
  /** Stops the connection attempt when the run is stopped. */
  readonly signal?: AbortSignal | undefined;
}

const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN/;

/**
 * Whether anything accepts a TCP connection there. The Socket.IO client reports a refused
 * connection only as "xhr poll error", which cannot tell a closed port from a wrong server.
 */
function probe(url: URL, timeoutMs: number): Promise<string | undefined> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname.replace(/^\[|\]$/g, ''), port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(undefined); // a slow network is for the Socket.IO handshake to judge
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const HANDSHAKE_BYTES = 64 * 1024;

/**
 * Why a Socket.IO client could not connect to a server that does listen: a finding about the
 * server, with how the attempt ended (`timeout` when the server stayed silent).
 */
export class ConnectFailure extends Error {
  override readonly name = 'ConnectFailure';
  constructor(
    message: string,
    readonly end: 'timeout' | 'broken',
    /** The HTTP status of the handshake, when it had one: 404 means no Socket.IO server at that path. */
    readonly status?: number,
    /** The time limit that ran out, when one did: the run's is no finding about the server. */
    readonly limit?: TimeLimit,
  ) {
    super(message);
  }
}

/**
 * Fetches the Engine.IO handshake with chatwire's own bounded HTTP reader, so that a server that
 * is no Socket.IO server (or floods) is named as such instead of being read without bound by the
 * Socket.IO client. Throws ConnectFailure for anything but a plausible handshake.
 */
async function checkHandshake(origin: string, path: string, target: SocketTarget, eio: 3 | 4): Promise<Transports> {
  const url = `${origin}${path}?EIO=${eio}&transport=polling&t=chatwire`;
  const limitMs = connectLimitMs(target.limits);
  const fail = (reason: string, end: ConnectFailure['end'] = 'broken', status?: number): ConnectFailure =>
    new ConnectFailure(`could not connect a Socket.IO client to ${origin}${path}: ${reason}`, end, status);
  const exchange = await sendHttp(
    { method: 'GET', url, headers: { ...target.headers }, body: undefined },
    { limits: { timeoutMs: limitMs, closeGraceMs: 0 }, clock: target.clock, signal: target.signal },
  );
  try {
    const { outcome } = exchange;
    if (outcome.type === 'no-response') {
      throw outcome.end.type === 'timeout'
        ? outcome.end.limit === 'run'
          ? new ConnectFailure(`could not connect a Socket.IO client to ${origin}${path}: ${describeTimeout(outcome.end)}`, 'timeout', undefined, 'run')
          : fail(`the handshake got no answer within ${limitMs} ms (--first-frame-timeout)`, 'timeout')
        : fail(`the handshake got no answer (${outcome.end.type})`);
    }
    let text: string | undefined;
    let end = 'closed';
    for await (const batch of bodyBatches(outcome.body, {
      limits: { maxBytes: HANDSHAKE_BYTES },
      clock: target.clock,
      startedAt: exchange.startedAt,
      signal: exchange.signal,
    })) {
      if (isEnd(batch)) end = batch.type;
      else if (batch[0]?.type === 'body') text = batch[0].text;
    }
    if (text === undefined)
      throw fail(`the handshake answer ended with ${end} (over ${HANDSHAKE_BYTES} bytes, or cut short)`, end === 'timeout' ? 'timeout' : 'broken');
    if (outcome.head.status === 400 && refusesPolling(text)) return 'websocket';
    // Engine.IO v4 answers `0{"sid":…}`; v3 prefixes packets with their length, `96:0{…}`.
    if (outcome.head.status !== 200 || !/^(?:\d+:)?0\{/.test(text)) {
      throw fail(
        `GET ${path}?EIO=${eio}&transport=polling answered HTTP ${outcome.head.status} ${JSON.stringify(text.slice(0, 80))}, not an Engine.IO handshake`,
        'broken',
        outcome.head.status,
      );
    }
    return 'polling';
  } finally {
    exchange.dispose();
  }
}

/** Which transports a server takes: long-polling (and the upgrade to WebSocket), or WebSocket alone. */
type Transports = 'polling' | 'websocket';

/**
 * Whether a handshake answer is Engine.IO's own refusal of long-polling: `{"code":0,"message":"Transport
 * unknown"}` from a server started with `transports: ['websocket']`, a legal Socket.IO server.
 */
function refusesPolling(text: string): boolean {
  try {
    const answer: unknown = JSON.parse(text);
    return isRecord(answer) && answer['code'] === 0;
  } catch {
    return false;
  }
}

interface Spoken {
  readonly eio: 3 | 4;
  readonly transports: Transports;
}

/** The Engine.IO version and transports each server took, found out once per run. */
const spoken = new Map<string, Spoken>();

/**
 * The Engine.IO version to speak to a server: the one given, or v4 (Socket.IO 3 and later) unless
 * the server refuses it and takes v3 (Socket.IO 2, python-socketio 4). Checks the handshake either way.
 */
async function engineVersion(origin: string, path: string, target: SocketTarget): Promise<Spoken> {
  const known = spoken.get(origin + path);
  const given = target.eio ?? known?.eio;
  if (given !== undefined) {
    const transports = await checkHandshake(origin, path, target, given);
    return { eio: given, transports };
  }
  try {
    const found = { eio: 4, transports: await checkHandshake(origin, path, target, 4) } as const;
    spoken.set(origin + path, found);
    return found;
  } catch (error) {
    // Only a server that answered, and refused v4, is asked again in v3.
    if (!(error instanceof ConnectFailure) || error.status === undefined || error.status === 404) throw error;
    let transports: Transports;
    try {
      transports = await checkHandshake(origin, path, target, 3);
    } catch {
      throw error;
    }
    const found = { eio: 3, transports } as const;
    spoken.set(origin + path, found);
    return found;
  }
}

/** A handshake is the first sign of life a Socket.IO server gives: it gets the first-frame limit. */
function connectLimitMs(limits: Limits): number {
  return Math.min(limits.timeoutMs, limits.firstFrameMs);
}

/** Connects, or throws: TARGET_UNREACHABLE when nothing listens, ConnectFailure for a server that will not take the client. */
export async function connect(target: SocketTarget): Promise<ClientSocket> {
  const url = new URL(target.baseUrl);
  const path = `${url.pathname.replace(/\/+$/, '')}/socket.io/`;
  const limitMs = connectLimitMs(target.limits);
  const refused = await probe(url, limitMs);
  if (refused !== undefined && UNREACHABLE.test(refused)) {
    throw new ChatwireError('TARGET_UNREACHABLE', `Failed to connect to ${url.origin}${path}: ${refused}`, {
      hint: 'check that the Socket.IO server is running and that --target names its host and port',
    });
  }
  const { eio, transports } = await engineVersion(url.origin, path, target);
  const options = {
    path,
    timeoutMs: limitMs,
    headers: target.headers,
    query: Object.fromEntries(url.searchParams),
    maxBytes: frameByteLimit(target.limits),
    websocketOnly: transports === 'websocket',
  };
  const socket = eio === 3 ? connectV3(url.origin, options) : connectV4(url.origin, options);
  const timers = new AbortController();
  return new Promise<ClientSocket>((resolve, reject) => {
    // The client's own timeout covers the transport; a server that never acknowledges the
    // namespace connection would otherwise be waited on forever.
    const stop = target.signal === undefined ? timers.signal : AbortSignal.any([timers.signal, target.signal]);
    target.clock.sleep(limitMs, stop).then(
      () => {
        socket.disconnect();
        reject(
          new ConnectFailure(
            `could not connect a Socket.IO client to ${url.origin}${path}: the server did not acknowledge the connection within ${limitMs} ms (--first-frame-timeout)`,
            'timeout',
          ),
        );
      },
      () => {
        if (target.signal?.aborted !== true) return;
        socket.disconnect();
        const cut = cutEnd(target.signal, 0);
        const why = cut?.type === 'timeout' ? describeTimeout(cut) : 'the run was stopped';
        const failure = `could not connect a Socket.IO client to ${url.origin}${path}: ${why}`;
        reject(cut?.type === 'timeout' ? new ConnectFailure(failure, 'timeout', undefined, cut.limit) : new ConnectFailure(failure, 'broken'));
      },
    );
    socket.onceConnected(() => resolve(socket));
    socket.onceConnectError((error) => {
      socket.disconnect();
      const detail = `${error.message}${error.description instanceof Error ? `: ${error.description.message}` : ''}`;
      const code: unknown = isRecord(error.description) ? error.description['code'] : undefined;
      if (UNREACHABLE.test(detail) || (typeof code === 'string' && UNREACHABLE.test(code))) {
        reject(
          new ChatwireError('TARGET_UNREACHABLE', `Failed to connect to ${url.origin}${path}: ${detail}`, {
            hint: 'check that the Socket.IO server is running and that --target names its host and port',
          }),
        );
      } else {
        reject(new ConnectFailure(`could not connect a Socket.IO client to ${url.origin}${path}: ${detail}`, /timeout/i.test(detail) ? 'timeout' : 'broken'));
      }
    });
  }).finally(() => timers.abort());
}
