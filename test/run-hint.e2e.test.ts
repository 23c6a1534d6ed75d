/**
 * A server that answers fewer requests at a time than chatwire sends leaves the others unanswered:
 * the run says so and names --concurrency 1, which a silent server or a run one case at a time
 * does not hear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { cli } from './cli-helper.js';

/** Answers its first request (a refusal, quickly) and holds every later one without a word. */
function firstOnly(): { server: Server; close: () => Promise<void> } {
  let answered = false;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    req.resume();
    if (answered) return;
    answered = true;
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ ret: '400', msg: 'busy elsewhere' }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    server,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('chatwire run against a server that answers one request at a time', () => {
  const target = firstOnly();
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve));
    const address = target.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => target.close());

  const limits = ['--first-frame-timeout', '1s', '--timeout', '2s', '--case', 'stream-answer', '--case', 'plain-answer', '-r', 'json'];

  it('names --concurrency 1 when answers never started while other cases ran', async () => {
    const result = await cli(['run', 'ctai', '--target', url, ...limits]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/hint: \d+ request\(s\) got no answer at all within their time limit while up to 8 cases ran at once; .*--concurrency 1/);
  });

  it('says nothing of it one case at a time', async () => {
    const result = await cli(['run', 'ctai', '--target', url, ...limits, '--concurrency', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('--concurrency 1');
  });
});
