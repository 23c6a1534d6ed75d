import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { systemClock } from '../src/core/clock.js';
import { sendHttp } from '../src/transports/http/request.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/**
 * A server whose first connection is closed as soon as a request arrives on it, as a server closes
 * an idle kept-alive connection the moment the client reuses it; later connections are answered.
 */
async function closesFirstConnection(): Promise<{ url: string; requests: () => number }> {
  let connections = 0;
  let requests = 0;
  const server = createServer((socket: Socket) => {
    const first = ++connections === 1;
    socket.once('data', () => {
      requests++;
      if (first) socket.destroy();
      else socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{"ok":true}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/api/v1/tasks/t1`, requests: () => requests };
}

const options = { limits: { timeoutMs: 5000, closeGraceMs: 100 }, clock: systemClock };

describe('a connection closed under a request', () => {
  it('sends a GET once more and reads its answer', async () => {
    const server = await closesFirstConnection();
    const exchange = await sendHttp({ method: 'GET', url: server.url, headers: {}, body: undefined }, options);
    exchange.dispose();
    expect(exchange.outcome).toMatchObject({ type: 'response', head: { status: 200 } });
    expect(server.requests()).toBe(2);
  });

  it('does not send a POST again: the server may have acted on it', async () => {
    const server = await closesFirstConnection();
    const exchange = await sendHttp({ method: 'POST', url: server.url, headers: { 'content-type': 'application/json' }, body: '{}' }, options);
    exchange.dispose();
    expect(exchange.outcome).toMatchObject({ type: 'no-response' });
    expect(server.requests()).toBe(1);
  });

  it('sends a POST again when the connection had carried an earlier answer: the close was the idle one', async () => {
    // Each connection answers its first request and kept alive, then closes under the next one, as a
    // server closing idle connections after a few milliseconds does when the client reuses one just then.
    let requests = 0;
    const server = createServer((socket: Socket) => {
      let answered = 0;
      socket.on('data', () => {
        requests++;
        if (answered++ === 0) socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}');
        else socket.destroy();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const post = { method: 'POST', url: `http://127.0.0.1:${port}/api/core/chat/item/delete`, headers: { 'content-type': 'application/json' }, body: '{}' };
    for (let i = 0; i < 2; i++) {
      const exchange = await sendHttp(post, options);
      const { outcome } = exchange;
      if (outcome.type === 'response') for await (const chunk of outcome.body) void chunk;
      // A turn of the event loop: the client puts the connection back in its pool for the next request.
      await new Promise((resolve) => setImmediate(resolve));
      exchange.dispose();
      expect(outcome).toMatchObject({ type: 'response', head: { status: 200 } });
    }
    // The second POST went out on the first connection, was closed under, and was sent again on a new one.
    expect(requests).toBe(3);
  });
});
