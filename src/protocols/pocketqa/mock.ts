import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import { SCENARIO_HEADER, type MockAttachContext, type MockExchange, type Refusal } from '../../mock/exchange.js';
import type { Scenario } from '../../mock/scenario.js';
import { remember, scriptReader, stateOf } from '../../mock/state.js';
import { payloadOf } from './rules/index.js';

const MAX_TURNS_PER_ROOM = 50;

/** Answers one socket may have streaming at once. */
export const MAX_ANSWERS_IN_FLIGHT = 16;

export const FAULTS = ['no-stop', 'delta-not-string', 'other-room', 'no-clue-alter', 'other-event', 'ignore-json-string', 'broadcast'] as const;

/** An answer as the mock streams it: partial deltas, then the stop event with received. */
export const PocketqaScript = z
  .object({
    delayMs: z.number().int().min(0).max(60_000).default(25),
    deltas: z.array(z.string()).min(1).max(10_000),
    prompt: z.string().default(''),
    clue: z.object({ type: z.string(), data: z.array(z.string()) }).strict().default({ type: '知识库依据:', data: [] }),
    alter: z.array(z.string()).default([]),
    faults: z.array(z.enum(FAULTS)).default([]),
  })
  .strict();
type PocketqaScript = z.output<typeof PocketqaScript>;

const scriptOf = scriptReader(PocketqaScript);

/** Each room's turns, as [question, answer] pairs. */
class Rooms {
  readonly history = new Map<string, Array<[string, string]>>();
}


/** pocketqa has no HTTP routes: a request there is answered as JSON. */
export function refuse(exchange: MockExchange, refusal: Refusal): void {
  exchange.json(refusal.status, { error: refusal.message });
}

/** Servers normalise the question; the example drops its trailing question mark. */
const normalise = (text: string): string => text.replace(/[?？]+$/u, '');

async function answer(io: Server, socket: Socket, event: string, raw: unknown, script: PocketqaScript, context: MockAttachContext): Promise<void> {
  const { clock } = context;
  const payload = payloadOf(raw);
  const request = { method: `EMIT ${event}`, url: '/socket.io/', headers: {}, body: typeof raw === 'string' ? raw : JSON.stringify(raw) };
  const problems = context.checkRequest(request, raw);
  // The document is silent on bad payloads: the mock logs them and stays quiet, but keeps the socket.
  if (problems.some((problem) => problem.severity === 'error') || payload === undefined) return;
  if (typeof raw === 'string' && script.faults.includes('ignore-json-string')) return;

  const faults = new Set(script.faults);
  const text = String(payload['text']);
  const asked = typeof payload['room'] === 'string' && payload['room'] !== '' ? payload['room'] : (socket.id ?? '');
  await socket.join(asked);
  const room = faults.has('other-room') ? `${asked}-elsewhere` : asked;
  const rooms = stateOf(context.state, Rooms);
  const history = rooms.history.get(asked) ?? [];
  const name = faults.has('other-event') ? event.replace(/_CS$/, '_RESPONSE') : event.replace(/_CS$/, '_SS');
  // Answers go to the socket that asked; the broadcast fault sends them to every client.
  const send = (data: Record<string, unknown>): void => {
    if (faults.has('broadcast')) io.emit(name, { data });
    else socket.emit(name, { data });
  };
  for (const delta of script.deltas) {
    await clock.sleep(script.delayMs);
    if (!socket.connected) return;
    send({ room, delta: faults.has('delta-not-string') ? [delta] : delta, finish_reason: null });
  }
  const full = script.deltas.join('');
  const received: Record<string, unknown> = {
    text: normalise(text),
    prompt: script.prompt,
    sid: typeof payload['sid'] === 'string' ? payload['sid'] : (socket.id ?? ''),
    room: asked,
    dialogue: typeof payload['dialogue'] === 'string' ? payload['dialogue'] : asked,
    upload_id: typeof payload['upload_id'] === 'string' ? payload['upload_id'] : '',
    ...(faults.has('no-clue-alter') ? {} : { clue: script.clue, alter: script.alter }),
    history: [...history],
  };
  // Each room keeps its latest turns, and the mock its latest rooms.
  remember(rooms.history, asked, [...history, [normalise(text), full] as [string, string]].slice(-MAX_TURNS_PER_ROOM));
  if (faults.has('no-stop')) return;
  await clock.sleep(script.delayMs);
  if (socket.connected) send({ room, delta: '', finish_reason: 'stop', received });
}

/** A real Socket.IO server at /socket.io/ on the mock's port (Engine.IO v4, and v3 clients too). */
export function attach(server: HttpServer, context: MockAttachContext): { close(): Promise<void> } {
  const io = new Server(server, {
    path: '/socket.io/',
    allowEIO3: true,
    cors: { origin: '*' },
    serveClient: false,
    // The same Host check as every other route of the mock (DNS rebinding).
    allowRequest: (req, callback) => callback(null, context.admits(req.headers)),
  });
  const scenarioOf = new WeakMap<Socket, Scenario>();
  // The scenario is chosen per connection: by header, or by ?scenario= on the connection URL.
  io.use((socket, next) => {
    const header = socket.handshake.headers[SCENARIO_HEADER];
    const query = socket.handshake.query['scenario'];
    const name = (Array.isArray(header) ? header[0] : header) ?? (typeof query === 'string' ? query : undefined);
    try {
      scenarioOf.set(socket, context.scenarios.require(name === undefined || name === '' ? 'plain' : name));
      next();
    } catch (error) {
      next(error instanceof Error ? error : new Error(String(error)));
    }
  });
  io.on('connection', (socket) => {
    // A client that floods questions gets at most this many answers at once; the rest are dropped.
    let inFlight = 0;
    socket.onAny((event: string, payload: unknown) => {
      const scenario = scenarioOf.get(socket);
      if (!/^[A-Z]+_CS$/.test(event) || scenario === undefined || inFlight >= MAX_ANSWERS_IN_FLIGHT) return;
      inFlight++;
      answer(io, socket, event, payload, scriptOf(scenario), context)
        .catch(() => socket.disconnect(true))
        .finally(() => inFlight--);
    });
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        io.disconnectSockets(true);
        // io.close() would also close the HTTP server, which the mock closes itself.
        io.engine.close();
        resolve();
      }),
  };
}
