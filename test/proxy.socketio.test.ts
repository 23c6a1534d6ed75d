import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import pocketqa from '../src/protocols/pocketqa/index.js';
import { startProxy, type ProxyServer } from '../src/proxy/server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A client's WebSocket frame (masked, as a client must): text, or a close with code 1000. */
function frame(opcode: 0x1 | 0x8, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
}

/** A Socket.IO server that never answers CHAT_CS and drops the connection `closeAfterMs` after it. */
async function silentUpstream(closeAfterMs: number): Promise<string> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    socket.send('0{"sid":"eio-1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text === '40') socket.send('40{"sid":"sio-1"}');
      if (text.startsWith('42')) setTimeout(() => socket.terminate(), closeAfterMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

/** Opens a raw WebSocket to the proxy's Socket.IO path and asks a question; leaving, it then sends a close frame and keeps its TCP connection open. */
async function ask(proxy: ProxyServer, leave: boolean, event = 'CHAT_CS'): Promise<Socket> {
  // Half-open allowed: the proxy's end of the closing handshake does not end this side, as a slow client's would not.
  const socket = connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true });
  await once(socket, 'connect');
  socket.write(
    'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await once(socket, 'data');
  socket.write(frame(0x1, Buffer.from('40')));
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.write(frame(0x1, Buffer.from(`42["${event}",{"text":"你好","upload_id":""}]`)));
  await new Promise((resolve) => setTimeout(resolve, 50));
  if (leave) socket.write(frame(0x8, Buffer.from([0x03, 0xe8])));
  return socket;
}

describe('the proxy, when a Socket.IO connection ends before the answer', () => {
  const judge = async (leave: boolean): Promise<string[]> => {
    // The server drops the connection 100 ms after the question: while the client's close is under way, or while it waits.
    const proxy = await startProxy({ protocol: pocketqa, target: await silentUpstream(100), port: 0 });
    closers.unshift(() => proxy.close());
    const socket = await ask(proxy, leave);
    await new Promise((resolve) => setTimeout(resolve, 400));
    socket.destroy();
    await proxy.close();
    return proxy.ledger.report('', false).cases.flatMap((c) => c.steps.flatMap((step) => step.deviations.map((d) => d.rule)));
  };

  it('does not blame the server for a close that follows the client leaving, whichever close event comes first', async () => {
    expect(await judge(true)).not.toContain('socketio.connection.kept');
  });

  it('blames the server that drops a client still waiting for its answer', async () => {
    expect(await judge(false)).toContain('socketio.connection.kept');
  });
});

describe('the proxy, when a Socket.IO client emits an event the server does not listen to', () => {
  it('reports it against the client (pocketqa.request.event), as the mock does; CHAT_CS is not', async () => {
    const rulesFor = async (event: string): Promise<string[]> => {
      const proxy = await startProxy({ protocol: pocketqa, target: await silentUpstream(1_000), port: 0 });
      closers.unshift(() => proxy.close());
      const socket = await ask(proxy, false, event);
      socket.destroy();
      await proxy.close();
      return proxy.ledger.report('', false).cases.flatMap((c) => c.steps.flatMap((step) => step.deviations.map((d) => d.rule)));
    };
    expect(await rulesFor('chat_cs')).toEqual(['pocketqa.request.event']);
    expect(await rulesFor('CHAT_CS')).not.toContain('pocketqa.request.event');
  });
});
