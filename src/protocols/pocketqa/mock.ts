import { z } from 'zod';
import type { MockExchange, Refusal } from '../../mock/exchange.js';
import { approxBytes, BoundedStore, scriptReader, stateOf } from '../../mock/state.js';
import type { SocketMock, SocketTurn } from '../../transports/socketio/mock.js';
import { payloadOf } from './rules/index.js';
import { LISTENED } from './rules/index.js';

const MAX_TURNS_PER_ROOM = 50;
/** A room's history is cut to its latest turns within this many bytes too (questions may be 1 MB each). */
const MAX_ROOM_BYTES = 2 * 1024 * 1024;

type Turns = Array<[string, string]>;

/** The latest turns of `turns` that fit the room's bounds. */
function latest(turns: Turns): Turns {
  let bytes = 0;
  let from = turns.length;
  while (from > 0 && turns.length - from < MAX_TURNS_PER_ROOM) {
    bytes += approxBytes(turns[from - 1]);
    if (bytes > MAX_ROOM_BYTES) break;
    from--;
  }
  return turns.slice(from);
}

export const FAULTS = ['no-stop', 'delta-not-string', 'other-room', 'no-clue-alter', 'other-event', 'ignore-json-string', 'broadcast'] as const;

/** An answer as the mock streams it: partial deltas, then the stop event with received. */
export const PocketqaScript = z
  .object({
    delayMs: z.number().int().min(0).max(60_000).default(25),
    deltas: z.array(z.string()).min(1).max(10_000),
    prompt: z.string().default(''),
    clue: z
      .object({ type: z.string(), data: z.array(z.string()) })
      .strict()
      .default({ type: '知识库依据:', data: [] }),
    alter: z.array(z.string()).default([]),
    faults: z.array(z.enum(FAULTS)).default([]),
  })
  .strict();
type PocketqaScript = z.output<typeof PocketqaScript>;

const scriptOf = scriptReader(PocketqaScript);

/** Each room's turns, as [question, answer] pairs. */
class Rooms {
  readonly history = new BoundedStore<Turns>();
}

/** pocketqa has no HTTP routes: a request there is answered as JSON. */
export function refuse(exchange: MockExchange, refusal: Refusal): void {
  exchange.json(refusal.status, { error: refusal.message });
}

/** Servers normalise the question; the example drops its trailing question mark. */
const normalise = (text: string): string => text.replace(/[?？]+$/u, '');

/** Answers one question: the deltas, then the stop event with what the server received. */
async function answer(turn: SocketTurn): Promise<void> {
  const { clock } = turn.context;
  const raw = turn.payload;
  const payload = payloadOf(raw);
  // The document is silent on bad payloads: the mock logs them and stays quiet, but keeps the socket.
  if (turn.deviations.some((problem) => problem.severity === 'error') || payload === undefined) return;
  const script = scriptOf(turn.scenario);
  if (typeof raw === 'string' && script.faults.includes('ignore-json-string')) return;

  const faults = new Set(script.faults);
  const text = String(payload['text']);
  const asked = typeof payload['room'] === 'string' && payload['room'] !== '' ? payload['room'] : turn.socketId;
  await turn.join(asked);
  const room = faults.has('other-room') ? `${asked}-elsewhere` : asked;
  const rooms = stateOf(turn.context.state, Rooms);
  const history = rooms.history.get(asked) ?? [];
  const name = faults.has('other-event') ? turn.event.replace(/_CS$/, '_RESPONSE') : turn.event.replace(/_CS$/, '_SS');
  // Answers go to the socket that asked; the broadcast fault sends them to every client.
  const send = (data: Record<string, unknown>): Promise<void> => (faults.has('broadcast') ? turn.broadcast(name, { data }) : turn.emit(name, { data }));
  for (const delta of script.deltas) {
    await clock.sleep(script.delayMs);
    if (!turn.connected()) return;
    await send({ room, delta: faults.has('delta-not-string') ? [delta] : delta, finish_reason: null });
  }
  const full = script.deltas.join('');
  const received: Record<string, unknown> = {
    text: normalise(text),
    prompt: script.prompt,
    sid: typeof payload['sid'] === 'string' ? payload['sid'] : turn.socketId,
    room: asked,
    dialogue: typeof payload['dialogue'] === 'string' ? payload['dialogue'] : asked,
    upload_id: typeof payload['upload_id'] === 'string' ? payload['upload_id'] : '',
    ...(faults.has('no-clue-alter') ? {} : { clue: script.clue, alter: script.alter }),
    history: [...history],
  };
  // Each room keeps its latest turns, and the mock its latest rooms.
  rooms.history.set(asked, latest([...history, [normalise(text), full]]));
  if (faults.has('no-stop')) return;
  await clock.sleep(script.delayMs);
  if (turn.connected()) await send({ room, delta: '', finish_reason: 'stop', received });
}

/** CHAT_CS, and SUM_CS, QA_CS, GEN_CS by symmetry, are answered on their *_SS twins; no other event is. */
export const socket: SocketMock = { answers: (event) => (LISTENED as readonly string[]).includes(event), answer };
