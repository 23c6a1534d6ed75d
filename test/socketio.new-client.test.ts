import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { systemClock } from '../src/core/clock.js';
import { defaultLimits } from '../src/core/exchange.js';
import pocketqa from '../src/protocols/pocketqa/index.js';
import { runSuite } from '../src/suite/runner.js';
import { SuiteFile } from '../src/suite/suite.js';

const servers: Array<{ http: HttpServer; io: Server }> = [];

/** A pocketqa server that keeps each socket's questions and repeats them in every answer's history. */
async function start(): Promise<{ url: string; sockets: Set<string> }> {
  const http = createServer();
  const io = new Server(http);
  const sockets = new Set<string>();
  io.on('connection', (socket) => {
    const asked: string[] = [];
    socket.on('CHAT_CS', (payload: { text: string }) => {
      sockets.add(socket.id);
      asked.push(payload.text);
      const room = socket.id;
      socket.emit('CHAT_SS', { data: { room, delta: '应当申请补发。', finish_reason: null } });
      const received = { text: payload.text, prompt: '', sid: socket.id, room, dialogue: room, upload_id: '', clue: { type: '', data: [] }, alter: [] };
      socket.emit('CHAT_SS', { data: { room, delta: '', finish_reason: 'stop', received: { ...received, history: asked.map((q) => [q, '']) } } });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  servers.push({ http, io });
  const { port } = http.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, sockets };
}

afterEach(async () => {
  for (const { io } of servers.splice(0)) await new Promise<void>((resolve) => void io.close(() => resolve()));
});

/** A case of two questions, the second one from a new client or not. */
function suiteOf(newClient: boolean) {
  const step = (text: string) => ({ type: 'socketio', emit: 'CHAT_CS', payload: { text, upload_id: '' }, expect: 'stream' });
  return SuiteFile.parse({
    protocol: 'pocketqa',
    description: 'newClient',
    cases: [
      {
        name: 'two-clients',
        title: 'the second question comes from another client',
        source: { doc: '001_6e6f726506b3aba0.txt', section: '监听事件(request)' },
        steps: [
          step('我的车牌号是 cw-marker-1'),
          { ...step('我刚才说的车牌号是多少?'), newClient, assert: [{ rule: 'pocketqa.room.isolated', absent: 'cw-marker-1' }] },
        ],
      },
    ],
  });
}

describe('a Socket.IO step with newClient', () => {
  it("asks from a new connection, so the first client's words are not in the second one's answer; without it, the same socket's are", async () => {
    const outcomes: string[] = [];
    for (const newClient of [true, false]) {
      const { url, sockets } = await start();
      const suite = suiteOf(newClient);
      const options = { baseUrl: url, headers: {}, limits: { ...defaultLimits, timeoutMs: 5000, closeGraceMs: 50 }, clock: systemClock };
      const [report] = await runSuite(pocketqa, suite, suite.cases, options);
      outcomes.push(`${report?.outcome} on ${sockets.size} socket(s)`);
    }
    expect(outcomes).toEqual(['passed on 2 socket(s)', 'failed on 1 socket(s)']);
  });
});
