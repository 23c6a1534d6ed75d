import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Deviation } from '../../core/rule.js';
import { describeError } from '../../core/errors.js';
import { MAX_JSON_DEPTH, nestsTooDeep, parseJson } from '../../core/exchange.js';
import { SUITE_HEADER } from '../../mock/access.js';
import { MAX_REQUEST_BYTES } from '../../mock/exchange.js';
import type { HostCheck, MockAttachOptions, MockContext } from '../../mock/exchange.js';
import { admitsOrigin, corsPolicy, PREFLIGHT_MAX_AGE_S } from '../../mock/cors.js';
import { FAULT_HEADER, SCENARIO_HEADER, type Asked, type Selection } from '../../mock/choice.js';
import { formatFault, reaches } from '../../mock/faults.js';
import type { Scenario } from '../../mock/scenario.js';
import { CrosstalkBoard } from '../../mock/crosstalk.js';
import { faultyEvents } from './mock-faults.js';

/** Answers one socket may have streaming at once; a client that floods questions loses the rest. */
export const MAX_ANSWERS_IN_FLIGHT = 16;

/** The largest message a client may send (Engine.IO closes the connection past it), as for an HTTP body. */
export const MAX_SOCKET_MESSAGE_BYTES = MAX_REQUEST_BYTES;

/** What may wait for a client that does not read its answers before the mock drops it. */
export const MAX_SOCKET_BACKLOG_BYTES = 1024 * 1024;

/**
 * The bytes Engine.IO holds for a connection and has not written yet: its write buffer, which fills
 * while the transport waits for the client (a poll that does not come, a WebSocket not read).
 */
function backlogBytes(conn: object): number {
  const buffer: unknown = Reflect.get(conn, 'writeBuffer');
  if (!Array.isArray(buffer)) return 0;
  let bytes = 0;
  for (const packet of buffer) {
    const data: unknown = typeof packet === 'object' && packet !== null ? Reflect.get(packet, 'data') : undefined;
    bytes += typeof data === 'string' ? data.length : data instanceof Uint8Array ? data.length : 16;
  }
  return bytes;
}

/** One emitted event to answer, and the means to answer it. */
export interface SocketTurn {
  readonly event: string;
  /** The event's first argument, as the client sent it (an object, or a JSON string). */
  readonly payload: unknown;
  /** The asking socket's id (its sid). */
  readonly socketId: string;
  /** The scenario this connection asked for (by header or ?scenario=), else the protocol's default. */
  readonly scenario: Scenario;
  /** What the protocol's request rules found wrong with the event (already logged). */
  readonly deviations: readonly Deviation[];
  readonly context: MockContext;
  connected(): boolean;
  join(room: string): Promise<void>;
  /** Sends an event to the asking socket (through the fault overlays chosen for the connection). */
  emit(event: string, data: unknown): Promise<void>;
  /** Sends an event to every connected client (what a broadcasting server does). */
  broadcast(event: string, data: unknown): Promise<void>;
}

/** What a Socket.IO protocol's mock declares: which events it answers, and how. */
export interface SocketMock {
  answers(event: string): boolean;
  answer(turn: SocketTurn): Promise<void>;
}

/** One protocol served over the mock's Socket.IO server. */
export interface ServedSocketProtocol {
  readonly socket: SocketMock;
  readonly context: MockContext;
}

export interface MockAttachment {
  close(): Promise<void>;
}

/** What a connection asked for by header or by ?scenario= / ?fault= on its URL. */
function askedBy(socket: Socket): Asked {
  const read = (header: string, param: string): string | undefined => {
    const value = socket.handshake.headers[header];
    const query = socket.handshake.query[param];
    return (Array.isArray(value) ? value[0] : value) ?? (typeof query === 'string' ? query : undefined);
  };
  return { scenario: read(SCENARIO_HEADER, 'scenario'), fault: read(FAULT_HEADER, 'fault') };
}

/** Stops the Engine.IO heartbeat of one connection, so that it dies of a ping timeout. */
function silenceHeartbeat(conn: object): void {
  const original: unknown = Reflect.get(conn, 'sendPacket');
  if (typeof original !== 'function') return;
  Reflect.set(conn, 'sendPacket', (type: unknown, ...rest: unknown[]): void => {
    if (type !== 'ping' && type !== 'pong') Reflect.apply(original, conn, [type, ...rest]);
  });
}

/**
 * A real Socket.IO server at /socket.io/ on the mock's port (Engine.IO v4, and v3 clients too),
 * answering for every Socket.IO protocol the mock serves: each event goes to the protocol that
 * answers it, with the scenario the connection chose.
 */
export function attachSocketMock(
  server: HttpServer,
  served: readonly ServedSocketProtocol[],
  admits: HostCheck,
  options: MockAttachOptions = {},
): MockAttachment {
  const cors = options.cors ?? corsPolicy(undefined);
  // The answers in flight under a crosstalk fault, per protocol.
  const crosstalk = new CrosstalkBoard<unknown>();
  const io = new Server(server, {
    ...(options.heartbeatMs === undefined ? {} : { pingInterval: options.heartbeatMs, pingTimeout: options.heartbeatMs }),
    path: '/socket.io/',
    allowEIO3: true,
    // The same origins as the mock's other routes.
    cors: { origin: (origin, callback) => callback(null, origin !== undefined && cors.allows(origin)), maxAge: PREFLIGHT_MAX_AGE_S },
    serveClient: false,
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    // The same Host check as every other route of the mock (DNS rebinding); and since a WebSocket
    // knows no CORS, a page of a disallowed origin is refused its connection here.
    allowRequest: (req, callback) => callback(null, admits(req.headers) && admitsOrigin(cors, req.headers)),
  });
  const chosenBy = new WeakMap<Socket, ReadonlyMap<ServedSocketProtocol, Selection>>();
  // An unknown scenario or fault refuses the connection, naming the known ones, instead of answering with another.
  io.use((socket, next) => {
    const asked = askedBy(socket);
    const chosen = new Map<ServedSocketProtocol, Selection>();
    const problems: string[] = [];
    for (const entry of served) {
      try {
        chosen.set(entry, entry.context.select(asked));
      } catch (error) {
        problems.push(describeError(error));
      }
    }
    if (chosen.size === 0) return next(new Error(problems.join('; ') || 'Failed to choose a scenario: the mock serves no Socket.IO protocol'));
    chosenBy.set(socket, chosen);
    next();
  });
  io.on('connection', (socket) => {
    let inFlight = 0;
    const selections = chosenBy.get(socket);
    const faultsOf = (entry: ServedSocketProtocol) => (selections?.get(entry)?.faults ?? []).filter((fault) => reaches(fault, 'socketio'));
    for (const entry of served) {
      const faults = faultsOf(entry);
      if (faults.length > 0)
        entry.context.log(`fault ${faults.map(formatFault).join(', ')} on Socket.IO connection ${socket.id} (${entry.context.protocol.id})`);
      if (faults.some((fault) => fault.kind === 'no-pong')) silenceHeartbeat(socket.conn);
    }
    // One listener for the connection, not one per answer (they would pile up on a client that asks for ever).
    const gone = new AbortController();
    socket.once('disconnect', () => gone.abort(new Error('the client disconnected')));
    // An event no protocol answers is likely a client's misspelt one: logged, and judged by each
    // protocol's request rules (which name the events they listen to), never silently dropped.
    const unanswered = (event: string, payload: unknown): void => {
      const judged = typeof payload === 'string' || !nestsTooDeep(payload);
      for (const { context } of served) {
        context.log(`ignored ${event} on Socket.IO connection ${socket.id}: ${context.protocol.id} does not answer it`);
        if (!judged) continue;
        const body = typeof payload === 'string' ? payload : JSON.stringify(payload ?? null);
        context.checkRequest({ method: `EMIT ${event}`, url: '/socket.io/', headers: {}, body: body.slice(0, 4096) }, payload);
      }
    };
    socket.onAny((event: string, payload: unknown) => {
      const entry = served.find((candidate) => candidate.socket.answers(event));
      if (entry === undefined) return unanswered(event, payload);
      const scenario: Scenario | undefined = selections?.get(entry)?.scenario;
      if (entry === undefined || scenario === undefined || inFlight >= MAX_ANSWERS_IN_FLIGHT) return;
      // Too deep for the rules to walk: logged and left unanswered, as the protocol answers any bad payload.
      const parsed = typeof payload === 'string' ? parseJson(payload) : undefined;
      if (parsed === undefined ? nestsTooDeep(payload) : !parsed.ok && parsed.tooDeep === true) {
        entry.context.log(`refused ${event} on Socket.IO connection ${socket.id}: its payload nests deeper than ${MAX_JSON_DEPTH} levels`);
        return;
      }
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const suite = socket.handshake.headers[SUITE_HEADER];
      const headers: Record<string, string> = typeof suite === 'string' ? { [SUITE_HEADER]: suite } : {};
      const deviations = entry.context.checkRequest({ method: `EMIT ${event}`, url: '/socket.io/', headers, body }, payload);
      inFlight++;
      const events = faultyEvents(faultsOf(entry), {
        clock: entry.context.faultClock,
        signal: gone.signal,
        cut: (how) => (how === 'close' ? socket.disconnect(true) : socket.conn.close()),
        crosstalk: { board: crosstalk, channel: entry.context.protocol.id, request: body },
      });
      // A client that does not read its answers is dropped before what waits for it grows without bound.
      const keepsUp = (): boolean => {
        if (backlogBytes(socket.conn) <= MAX_SOCKET_BACKLOG_BYTES) return true;
        entry.context.log(`dropped Socket.IO connection ${socket.id}: over ${MAX_SOCKET_BACKLOG_BYTES} bytes of answers wait unread`);
        // Discarding what waits: a plain disconnect would wait for the client to read it first.
        socket.conn.close(true);
        return false;
      };
      const turn: SocketTurn = {
        event,
        payload,
        socketId: socket.id,
        scenario,
        deviations,
        context: entry.context,
        connected: () => socket.connected,
        join: async (room) => socket.join(room),
        emit: (name, data) => events.send(data, (sent) => void (keepsUp() && socket.emit(name, sent))),
        broadcast: (name, data) => events.send(data, (sent) => void io.emit(name, sent)),
      };
      entry.socket
        .answer(turn)
        .then(() => events.finish())
        .catch(() => socket.disconnect(true))
        .finally(() => inFlight--);
    });
  });
  return {
    close: async () => {
      io.disconnectSockets(true);
      // io.close() would also close the HTTP server, which the mock closes itself.
      io.engine.close();
    },
  };
}
