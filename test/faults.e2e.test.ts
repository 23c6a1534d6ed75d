import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantClock } from '../src/core/clock.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import pocketqa from '../src/protocols/pocketqa/index.js';
import { cli } from './cli-helper.js';
import { startMockProcess } from './mock-process.js';

let mock: MockServer;
beforeAll(async () => {
  // A short heartbeat, so that a connection left without one dies within the test.
  mock = await startMockServer({ protocols: [pocketqa], port: 0, clock: instantClock(), heartbeatMs: 150 });
});
afterAll(() => mock.close());

const connected = (socket: Socket): Promise<void> => new Promise((resolve) => socket.once('connect', () => resolve()));

/** Asks one question with the given fault overlays, and collects what comes back until the stop or a disconnect. */
async function askWith(fault: string): Promise<{ deltas: string[]; stopped: boolean; disconnect: string | undefined }> {
  const socket: Socket = io(mock.url, { transports: ['websocket'], extraHeaders: { 'x-chatwire-fault': fault }, reconnection: false });
  const deltas: string[] = [];
  let stopped = false;
  let disconnect: string | undefined;
  await connected(socket);
  const done = new Promise<void>((resolve) => {
    socket.on('CHAT_SS', (event: { data: { delta: string; finish_reason: string | null } }) => {
      if (event.data.finish_reason === 'stop') {
        stopped = true;
        resolve();
      } else deltas.push(event.data.delta);
    });
    socket.on('disconnect', (reason) => {
      disconnect = reason;
      resolve();
    });
  });
  socket.emit('CHAT_CS', { text: '身份证丢了应该怎么办?', room: `r-${fault}` });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 3000))]);
  socket.disconnect();
  return { deltas, stopped, disconnect };
}

describe('fault overlays on Socket.IO events', () => {
  it('drops, duplicates and reorders event K', async () => {
    const plain = await askWith('');
    expect(plain.deltas).toHaveLength(3);
    expect((await askWith('drop:2')).deltas).toEqual([plain.deltas[0], plain.deltas[2]]);
    expect((await askWith('duplicate:1')).deltas).toEqual([plain.deltas[0], ...plain.deltas]);
    expect((await askWith('reorder:1')).deltas).toEqual([plain.deltas[1], plain.deltas[0], plain.deltas[2]]);
  });

  it('disconnects after event K', async () => {
    const cut = await askWith('close:2');
    expect(cut).toMatchObject({ stopped: false, disconnect: 'io server disconnect' });
    expect(cut.deltas).toHaveLength(2);
  });

  it('lets a connection die of a ping timeout with no-pong', async () => {
    const socket: Socket = io(mock.url, { transports: ['websocket'], extraHeaders: { 'x-chatwire-fault': 'no-pong' }, reconnection: false });
    await connected(socket);
    const reason = await new Promise<string>((resolve) => {
      socket.once('disconnect', resolve);
      setTimeout(() => resolve('still connected'), 3000);
    });
    socket.disconnect();
    expect(reason).toMatch(/ping timeout|transport close/);
  });
});

describe('chatwire mock and faults on the command line', () => {
  it('lists every fault in --help', async () => {
    const { code, stdout } = await cli(['mock', '--help']);
    expect(code).toBe(0);
    for (const usage of ['stall:K:MS', 'close-mid:K', 'split[:N]', 'status:CODE[:RETRY_AFTER]', 'no-pong', 'drip:BPS']) expect(stdout).toContain(usage);
    expect(stdout).toContain('--speed <factor>');
  });

  it('exits 2 naming a bad fault, a bad scenario and a bad speed', async () => {
    const fault = await cli(['mock', '--port', '0', '--fault', 'stall:x']);
    expect([fault.code, fault.stderr]).toEqual([2, expect.stringMatching(/Failed to read fault "stall:x".*stall:K:MS/)]);
    const scenario = await cli(['mock', '--port', '0', '--scenario', 'ctai=nope']);
    expect([scenario.code, scenario.stderr]).toEqual([2, expect.stringMatching(/Failed to find scenario "nope" for ctai/)]);
    const socketOnly = await cli(['mock', '--port', '0', '--protocol', 'ctai', '--fault', 'no-pong']);
    expect([socketOnly.code, socketOnly.stderr]).toEqual([2, expect.stringMatching(/no-pong acts on none of the protocols served/)]);
    const speed = await cli(['mock', '--port', '0', '--speed', 'fast']);
    expect([speed.code, speed.stderr]).toEqual([2, expect.stringMatching(/--speed.*a number from 0 to 100/)]);
  });

  it('plays --scenario and --fault for every request, and names each fault in its log', async () => {
    const mock = await startMockProcess(['--protocol', 'ctai', '--scenario', 'ctai=no-stop', '--fault', 'ctai=drop:1', '--speed', '0']);
    try {
      const url = mock.url;
      expect(mock.stdout()).toContain('playing: no-stop');
      const text = await (
        await fetch(`${url}/v1/ctai/query_text_chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query_text":"q","stream":"1"}',
        })
      ).text();
      expect([...text.matchAll(/"msg_sn":"(\d+)"/g)].map((m) => m[1])).toEqual(['1', '2']);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(mock.stderr()).toMatch(/fault drop:1 on POST \/v1\/ctai\/query_text_chat \(ctai, exchange [0-9a-f]+\)/);
    } finally {
      await mock.stop('SIGINT');
    }
  });
});
