import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { reasonOf, type Clock } from '../src/core/clock.js';
import { sendHttp } from '../src/transports/http/request.js';

const servers: Server[] = [];
const open: ServerResponse[] = [];
afterEach(async () => {
  for (const res of open.splice(0)) res.end();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A clock that moves only when told to, so that the test decides when each wait is over. */
function manualClock(): Clock & { advance(ms: number): Promise<void> } {
  let time = 0;
  const waits = new Set<{ readonly at: number; readonly resolve: () => void }>();
  return {
    now: () => time,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(reasonOf(signal));
        const wait = { at: time + ms, resolve };
        waits.add(wait);
        signal?.addEventListener(
          'abort',
          () => {
            waits.delete(wait);
            reject(reasonOf(signal));
          },
          { once: true },
        );
      }),
    advance: async (ms) => {
      time += ms;
      for (const wait of [...waits].filter((entry) => entry.at <= time)) {
        waits.delete(wait);
        wait.resolve();
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** A streaming answer whose head and first event are sent, held open until the test ends. */
async function heldStream(): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: [DONE]\n\n');
    open.push(res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}/api/v1/chat/completions`;
}

const send = async (clock: Clock) =>
  sendHttp(
    { method: 'POST', url: await heldStream(), headers: { 'content-type': 'application/json' }, body: '{}' },
    { limits: { timeoutMs: 60_000, closeGraceMs: 200 }, clock },
  );

describe('the close grace after the last frame', () => {
  it('cuts a response still open once the grace has run from the last frame', async () => {
    const clock = manualClock();
    const exchange = await send(clock);
    exchange.expectClose();
    await clock.advance(199);
    expect(exchange.signal.aborted).toBe(false);
    await clock.advance(1);
    expect(exchange.signal.aborted).toBe(true);
    expect(reasonOf(exchange.signal).message).toContain('200');
    exchange.dispose();
  });

  it('starts again at each frame after the last (flowResponses after [DONE]), so a server that closes soon after those is not cut', async () => {
    const clock = manualClock();
    const exchange = await send(clock);
    exchange.expectClose();
    await clock.advance(150);
    exchange.activity();
    await clock.advance(150);
    // 300 ms after the last frame's first sign, 150 ms after the frame that followed it.
    expect(exchange.signal.aborted).toBe(false);
    await clock.advance(50);
    expect(exchange.signal.aborted).toBe(true);
    exchange.dispose();
  });
});
