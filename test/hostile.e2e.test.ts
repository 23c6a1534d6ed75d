import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttps } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer as createTcp, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createHttp, type Server as HttpServer } from 'node:http';
import type { RunReport } from '../src/report/model.js';
import { cli } from './cli-helper.js';

const sockets = new Set<Socket>();
let silent: TcpServer;
let garbage: TcpServer;
let endless: HttpServer;
const url = (server: TcpServer | HttpServer): string => `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const listen = async <T extends TcpServer | HttpServer>(server: T): Promise<T> => {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};

beforeAll(async () => {
  // Accepts the connection and never says a word.
  silent = await listen(createTcp(() => undefined));
  // Answers every request with bytes that are not HTTP.
  garbage = await listen(createTcp((socket) => socket.end('\u0000\u0001 this is not HTTP at all\r\n\r\n')));
  // A valid event stream that never ends, as fast as the socket takes it.
  endless = await listen(
    createHttp((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let n = 0;
      const pump = (): void => {
        while (res.write(`id: m${n}\ndata: {"ret":"0","msg":"","data":{"msg_id":"m${n}","msg_sn":"${n}","event":"","answer_text":"x"}}\n\n`)) n++;
      };
      res.on('drain', pump);
      pump();
    }),
  );
});
afterAll(() => {
  for (const socket of sockets) socket.destroy();
  silent.close();
  garbage.close();
  endless.close();
});

const errorRules = (report: RunReport): string[] =>
  [...new Set(report.cases.flatMap((c) => c.steps.flatMap((s) => s.deviations.filter((d) => d.severity === 'error').map((d) => d.rule))))].sort();

describe('hostile targets: reported, never hung on, never crashed by', () => {
  it('a server that never answers is cut at --timeout', async () => {
    const result = await cli(['run', 'ctai', '--target', url(silent), '--case', 'stream-answer', '--timeout', '800ms', '-r', 'json']);
    expect(result.code).toBe(1);
    expect(errorRules(JSON.parse(result.stdout) as RunReport)).toContain('http.response.complete');
    expect(result.ms).toBeLessThan(10_000);
  });

  it('a server that speaks something other than HTTP is a broken exchange, not a crash', async () => {
    const result = await cli(['run', 'fastgpt', '--target', url(garbage), '--case', 'stream-detail-on', '--token', 'k', '-r', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report.cases[0]?.steps[0]?.end).toBe('broken');
    expect(errorRules(report)).toContain('http.response.complete');
  });

  it('an endless stream stops at --max-frames, and at --max-bytes, with bounded time', async () => {
    const frames = await cli(['run', 'ctai', '--target', url(endless), '--case', 'stream-answer', '--max-frames', '5000', '-r', 'json']);
    expect(frames.code).toBe(1);
    const byFrames = JSON.parse(frames.stdout) as RunReport;
    expect(byFrames.cases[0]?.steps[0]).toMatchObject({ end: 'frame-limit', frames: 5000 });
    const bytes = await cli(['run', 'ctai', '--target', url(endless), '--case', 'stream-answer', '--max-bytes', '100000', '-r', 'json']);
    expect((JSON.parse(bytes.stdout) as RunReport).cases[0]?.steps[0]?.end).toBe('byte-limit');
    expect(frames.ms + bytes.ms).toBeLessThan(20_000);
  });

  it('an HTTPS target with an untrusted certificate exits 2 saying how to trust it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatwire-tls-'));
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ]);
    const tls = createHttps({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const result = await cli(['run', 'ctai', '--target', `https://127.0.0.1:${(tls.address() as { port: number }).port}`, '--case', 'stream-answer']);
    tls.close();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Failed to trust https:\/\/127\.0\.0\.1:\d+: DEPTH_ZERO_SELF_SIGNED_CERT .*NODE_EXTRA_CA_CERTS/);
  });

  it('a Socket.IO target that is only a plain HTTP server is a deviation per case, not a hang', async () => {
    const result = await cli(['run', 'pocketqa', '--target', url(endless), '--case', 'question-in-room', '--timeout', '2s', '-r', 'json']);
    expect(result.code).toBe(1);
    expect(errorRules(JSON.parse(result.stdout) as RunReport)).toEqual(['socketio.connection.kept']);
  });
});
