import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { systemClock } from '../src/core/clock.js';
import { defaultLimits, type SocketFrame, type StreamItem } from '../src/core/exchange.js';
import { SocketSession } from '../src/transports/socketio/session.js';
import { flatten } from '../src/core/exchange.js';

const servers: Array<{ http: HttpServer; io: Server }> = [];

/** A socket.io 4 server answering PING with two PONGs, the second to everyone when asked to. */
async function start(allowEIO3: boolean, onlyEIO3 = false, transports?: Array<'polling' | 'websocket'>): Promise<string> {
  const http = createServer();
  // Refusing v4 handshakes stands in for a Socket.IO 2 server, which speaks only Engine.IO v3.
  const io = new Server(http, {
    allowEIO3,
    ...(transports === undefined ? {} : { transports }),
    ...(onlyEIO3 ? { allowRequest: (req, callback) => callback(null, new URL(req.url ?? '/', 'http://x').searchParams.get('EIO') === '3') } : {}),
  });
  io.on('connection', (socket) => {
    socket.on('PING', (payload: { all?: boolean }) => {
      socket.emit('PONG', { n: 1 });
      if (payload.all === true) io.emit('PONG', { n: 2, all: true });
      else socket.emit('PONG', { n: 2 });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  servers.push({ http, io });
  const { port } = http.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

afterEach(async () => {
  for (const { io } of servers.splice(0)) await new Promise<void>((resolve) => void io.close(() => resolve()));
});

const target = (baseUrl: string, eio?: 3 | 4) => ({
  baseUrl,
  headers: {},
  limits: { ...defaultLimits, timeoutMs: 3000, closeGraceMs: 100 },
  clock: systemClock,
  eio,
});
const isLast = (frame: SocketFrame): boolean => frame.json.ok && (frame.json.value as { n?: number }).n === 2;

async function collect(items: AsyncIterable<StreamItem>): Promise<StreamItem[]> {
  const all: StreamItem[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('the Socket.IO transport', () => {
  it('speaks Engine.IO v3 to a server that refuses v4, when no version is given', async () => {
    const session = await SocketSession.open(target(await start(true, true)));
    const items = await collect(flatten(session.exchange('PING', [{}], { isLast })));
    session.close();
    expect(items.filter((item) => item.type === 'socketio')).toHaveLength(2);
  });

  it('connects over WebSocket to a server that takes no long-polling (its handshake answers "Transport unknown")', async () => {
    const session = await SocketSession.open(target(await start(false, false, ['websocket'])));
    const items = await collect(flatten(session.exchange('PING', [{}], { isLast })));
    session.close();
    expect(items.filter((item) => item.type === 'socketio')).toHaveLength(2);
  });

  for (const eio of [4, 3] as const) {
    it(`speaks Engine.IO v${eio}: one exchange is the emit and every event answering it`, async () => {
      const session = await SocketSession.open(target(await start(true), eio));
      const items = await collect(flatten(session.exchange('PING', [{}], { isLast })));
      session.close();
      expect(items.map((item) => (item.type === 'socketio' ? `${item.socket}:${item.event}:${JSON.stringify(item.args)}` : item.type))).toEqual([
        'asker:PONG:[{"n":1}]',
        'asker:PONG:[{"n":2}]',
        'closed',
      ]);
    });

    it(`sees, with Engine.IO v${eio}, what a bystander socket receives`, async () => {
      const session = await SocketSession.open(target(await start(true), eio));
      await session.openBystander();
      const items = await collect(flatten(session.exchange('PING', [{ all: true }], { isLast })));
      session.close();
      expect(items.filter((item) => item.type === 'socketio' && item.socket === 'bystander')).toHaveLength(1);
    });
  }

  it("ends an exchange as broken when the run's signal aborts, instead of waiting out its limits", async () => {
    const session = await SocketSession.open(target(await start(true)));
    const stop = new AbortController();
    // Nothing answers SILENCE: only the abort can end this exchange before its 3 s limit.
    const reading = collect(flatten(session.exchange('SILENCE', [{}], { isLast, signal: stop.signal })));
    stop.abort();
    const items = await reading;
    session.close();
    expect(items.at(-1)).toMatchObject({ type: 'broken', message: 'the run was stopped' });
  });

  it('a v3 client is refused by a server that only speaks v4, and the refusal is an error, not a hang', async () => {
    const baseUrl = await start(false);
    await expect(SocketSession.open(target(baseUrl, 3))).rejects.toThrow(/could not connect a Socket\.IO client/);
    const v4 = await SocketSession.open(target(baseUrl, 4));
    v4.close();
  });

  it('records a server-side disconnect as a broken end', async () => {
    const baseUrl = await start(true);
    servers.at(-1)?.io.on('connection', (socket) => socket.on('BYE', () => socket.disconnect(true)));
    const session = await SocketSession.open(target(baseUrl, 4));
    const items = await collect(flatten(session.exchange('BYE', [{}])));
    session.close();
    expect(items.at(-1)).toMatchObject({ type: 'broken', message: expect.stringContaining('disconnected') });
  });

  it("times an answer to its last event: the wait for strays after it is not the server's time", async () => {
    const session = await SocketSession.open(target(await start(true), 4));
    const items = await collect(flatten(session.exchange('PING', [{}], { isLast })));
    session.close();
    const last = items.filter((item) => item.type === 'socketio').at(-1);
    const end = items.at(-1);
    expect(end?.type).toBe('closed');
    // The stray wait here is 100 ms (closeGraceMs): an end stamped after it would be 100 ms late.
    expect(end !== undefined && last !== undefined && 'atMs' in end ? end.atMs - last.atMs : Number.NaN).toBe(0);
  });

  it('ends a whole answer as closed when the server disconnects right after its last event, and a cut one as broken', async () => {
    const baseUrl = await start(true);
    servers.at(-1)?.io.on('connection', (socket) =>
      socket.on('ASK', (payload: { whole: boolean }) => {
        socket.emit('PONG', { n: 1 });
        if (payload.whole) socket.emit('PONG', { n: 2 });
        setTimeout(() => socket.disconnect(true), 20);
      }),
    );
    const ends = [];
    for (const whole of [true, false]) {
      const session = await SocketSession.open(target(baseUrl, 4));
      ends.push((await collect(flatten(session.exchange('ASK', [{ whole }], { isLast })))).at(-1));
      session.close();
    }
    expect(ends).toMatchObject([{ type: 'closed' }, { type: 'broken', message: expect.stringContaining('disconnected') }]);
  });
});
