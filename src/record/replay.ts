import type { MockExchange, MockRoute } from '../mock/exchange.js';
import { runNumber } from '../core/run-marker.js';
import type { Protocol } from '../protocols/protocol.js';
import type { SocketMock, SocketTurn } from '../transports/socketio/mock.js';
import { mapJson, mapText, ReplayPool, type Candidate, type Mapping } from './match.js';
import type { RecordedExchange, Recording } from './reader.js';

/** Headers that described the recorded connection, not the answer: the replaying server sets its own. */
const CONNECTION_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date', 'content-encoding']);
/** How long an answer the recorded client had to cut (held open, too slow) is held open again, at most. */
const HOLD_MS = 60_000;

interface Recorded extends Candidate {
  readonly exchange: RecordedExchange;
  readonly method: string;
  readonly path: string;
}

/** The path and query of a recorded URL below the recorded target's root. */
function below(url: string, root: string): { path: string; query: string } {
  const parsed = new URL(url, 'http://recording.invalid');
  const prefix = root.replace(/\/+$/, '');
  const path = prefix !== '' && parsed.pathname.startsWith(`${prefix}/`) ? parsed.pathname.slice(prefix.length) : parsed.pathname;
  return { path, query: parsed.search };
}

/** The recorded run's marker and its digits ({{runNumber}}), each to the replaying client's. */
function runMapping(recorded: string, current: string): Array<[string, string]> {
  return [
    [recorded, current],
    [runNumber(recorded), runNumber(current)],
  ];
}

/** A route pattern for a recorded path: segments holding the run's value become :parameters. */
function routePath(path: string, run: string | undefined): string {
  if (run === undefined || !path.includes(run)) return path;
  return path
    .split('/')
    .map((segment, i) => (segment.includes(run) ? `:replay${i}` : segment))
    .join('/');
}

function httpCandidates(recording: Recording): Recorded[] {
  const root = recording.header.target === undefined ? '' : new URL(recording.header.target).pathname;
  const out: Recorded[] = [];
  for (const exchange of recording.exchanges) {
    const { opening } = exchange;
    if (opening.type !== 'request') continue;
    const { path, query } = below(opening.url, root);
    out.push({ exchange, method: opening.method, path, line: `${opening.method} ${path}`, query, body: opening.body, run: opening.run });
  }
  return out;
}

async function serveHttp(exchange: MockExchange, recorded: RecordedExchange, mapping: Mapping): Promise<void> {
  const { res, clock, signal } = exchange;
  const { response } = recorded;
  const started = clock.now();
  const until = async (atMs: number): Promise<void> => {
    const wait = atMs - (clock.now() - started);
    if (wait > 0) await clock.sleep(wait, signal);
  };
  if (response === undefined) return res.abort();
  try {
    await until(response.atMs);
    const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !CONNECTION_HEADERS.has(name.toLowerCase())));
    res.writeHead(response.status, headers);
    for (const chunk of recorded.chunks) {
      await until(chunk.atMs);
      await res.write(chunk.text !== undefined ? mapText(chunk.text, mapping) : chunk.bytes);
    }
    const end = recorded.end;
    if (end?.type === 'broken') return res.abort();
    // The recorded client cut an answer that went on (held open, too slow): it is held open again, bounded.
    if (end !== undefined && end.type !== 'closed') await clock.sleep(HOLD_MS, signal);
    await res.end();
  } catch {
    // The client left: nothing more to write.
    if (!res.ended) await res.end();
  }
}

function httpRoutes(protocol: Protocol, recording: Recording): MockRoute[] {
  const candidates = httpCandidates(recording);
  const pool = new ReplayPool(candidates);
  const handle = async (exchange: MockExchange): Promise<void> => {
    const text = await exchange.text();
    const body = text === '' ? undefined : text;
    const path = exchange.url.pathname;
    const taken = pool.take({ line: `${exchange.method} ${path}`, query: exchange.url.search, body });
    if (taken === undefined) {
      protocol.mock.refuse(exchange, { status: 404, message: `Failed to replay ${exchange.method} ${path}: the recording holds no exchange for it` });
      return;
    }
    const { run: recordedRun } = taken.candidate;
    const mapping: Mapping = new Map(recordedRun === undefined || taken.run === undefined ? [] : runMapping(recordedRun, taken.run));
    await serveHttp(exchange, taken.candidate.exchange, mapping);
  };
  const routes = new Map<string, MockRoute>();
  for (const candidate of candidates) {
    const path = routePath(candidate.path, candidate.run);
    routes.set(`${candidate.method} ${path}`, { method: candidate.method, path, handle });
  }
  return [...routes.values()];
}

interface RecordedEmit extends Candidate {
  readonly exchange: RecordedExchange;
  readonly connection: string | undefined;
}

function socketMock(recording: Recording): SocketMock {
  const emits: RecordedEmit[] = [];
  for (const exchange of recording.exchanges) {
    const { opening } = exchange;
    if (opening.type !== 'emit') continue;
    emits.push({ exchange, line: opening.event, query: '', body: JSON.stringify(opening.args[0]), run: opening.run, connection: opening.connection });
  }
  const pool = new ReplayPool(emits);
  return {
    answers: (event) => pool.has((candidate) => candidate.line === event),
    answer: async (turn: SocketTurn) => {
      const taken = pool.take({ line: turn.event, query: '', body: JSON.stringify(turn.payload) });
      if (taken === undefined) return;
      const { candidate } = taken;
      const mapping = new Map<string, string>();
      if (candidate.run !== undefined && taken.run !== undefined)
        for (const [recorded, current] of runMapping(candidate.run, taken.run)) mapping.set(recorded, current);
      // Answers that name the asking socket name the replaying client's.
      if (candidate.connection !== undefined) mapping.set(candidate.connection, turn.socketId);
      const { clock } = turn.context;
      const started = clock.now();
      for (const frame of candidate.exchange.frames) {
        // Events other sockets saw are kept in the recording; the replay answers the asker.
        if (frame.type !== 'socketio' || frame.socket !== 'asker') continue;
        const wait = frame.atMs - (clock.now() - started);
        if (wait > 0) await clock.sleep(wait);
        if (!turn.connected()) return;
        await turn.emit(frame.event, mapJson(frame.args[0], mapping));
      }
    },
  };
}

/**
 * The protocol, answered from a recording instead of its scenarios: each request by the recorded
 * exchange that matches it, with the recorded status, headers, chunk boundaries and timing.
 */
export function replayProtocol(protocol: Protocol, recording: Recording): Protocol {
  switch (protocol.transport) {
    case 'http':
      return { ...protocol, mock: { ...protocol.mock, routes: httpRoutes(protocol, recording) } };
    case 'polling':
      return { ...protocol, mock: { ...protocol.mock, routes: httpRoutes(protocol, recording) } };
    case 'socketio':
      return { ...protocol, mock: { ...protocol.mock, serves: `${protocol.mock.serves ?? 'Socket.IO'} (replayed)`, socket: socketMock(recording) } };
  }
}
