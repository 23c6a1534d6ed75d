import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Deviation } from '../../core/rule.js';
import { describeError } from '../../core/errors.js';
import { admitsOrigin, corsPolicyOf, PREFLIGHT_MAX_AGE_S } from '../../mock/cors.js';
import { SCENARIO_HEADER, type HostCheck, type MockContext } from '../../mock/exchange.js';
import type { Scenario } from '../../mock/scenario.js';

/** Answers one socket may have streaming at once; a client that floods questions loses the rest. */
export const MAX_ANSWERS_IN_FLIGHT = 16;

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
  /** Sends an event to the asking socket. */
  emit(event: string, data: unknown): void;
  /** Sends an event to every connected client (what a broadcasting server does). */
  broadcast(event: string, data: unknown): void;
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

/** The scenario name a connection asked for, by header or by ?scenario= on its URL. */
function askedScenario(socket: Socket): string | undefined {
  const header = socket.handshake.headers[SCENARIO_HEADER];
  const query = socket.handshake.query['scenario'];
  const name = (Array.isArray(header) ? header[0] : header) ?? (typeof query === 'string' ? query : undefined);
  return name === '' ? undefined : name;
}

/**
 * A real Socket.IO server at /socket.io/ on the mock's port (Engine.IO v4, and v3 clients too),
 * answering for every Socket.IO protocol the mock serves: each event goes to the protocol that
 * answers it, with the scenario the connection chose.
 */
export function attachSocketMock(server: HttpServer, served: readonly ServedSocketProtocol[], admits: HostCheck): MockAttachment {
  const cors = corsPolicyOf(server);
  const io = new Server(server, {
    path: '/socket.io/',
    allowEIO3: true,
    // The same origins as the mock's other routes.
    cors: { origin: (origin, callback) => callback(null, origin !== undefined && cors.allows(origin)), maxAge: PREFLIGHT_MAX_AGE_S },
    serveClient: false,
    // The same Host check as every other route of the mock (DNS rebinding); and since a WebSocket
    // knows no CORS, a page of a disallowed origin is refused its connection here.
    allowRequest: (req, callback) => callback(null, admits(req.headers) && admitsOrigin(cors, req.headers)),
  });
  const scenariosOf = new WeakMap<Socket, ReadonlyMap<ServedSocketProtocol, Scenario>>();
  // An unknown scenario refuses the connection, naming the known ones, instead of answering with another.
  io.use((socket, next) => {
    const asked = askedScenario(socket);
    const chosen = new Map<ServedSocketProtocol, Scenario>();
    const problems: string[] = [];
    for (const entry of served) {
      try {
        chosen.set(entry, entry.context.scenarios.require(asked ?? entry.context.protocol.mock.defaultScenario));
      } catch (error) {
        problems.push(describeError(error));
      }
    }
    if (chosen.size === 0) return next(new Error(problems.join('; ') || 'Failed to choose a scenario: the mock serves no Socket.IO protocol'));
    scenariosOf.set(socket, chosen);
    next();
  });
  io.on('connection', (socket) => {
    let inFlight = 0;
    socket.onAny((event: string, payload: unknown) => {
      const entry = served.find((candidate) => candidate.socket.answers(event));
      const scenario = entry === undefined ? undefined : scenariosOf.get(socket)?.get(entry);
      if (entry === undefined || scenario === undefined || inFlight >= MAX_ANSWERS_IN_FLIGHT) return;
      const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const deviations = entry.context.checkRequest({ method: `EMIT ${event}`, url: '/socket.io/', headers: {}, body }, payload);
      inFlight++;
      const turn: SocketTurn = {
        event,
        payload,
        socketId: socket.id,
        scenario,
        deviations,
        context: entry.context,
        connected: () => socket.connected,
        join: async (room) => socket.join(room),
        emit: (name, data) => void socket.emit(name, data),
        broadcast: (name, data) => void io.emit(name, data),
      };
      entry.socket
        .answer(turn)
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
