import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttps } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer as createTcp, type Server as TcpServer, type Socket } from 'node:net';
import { createServer as createHttp, type RequestListener, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { RunReport } from '../src/report/model.js';
import { Server as SocketServer } from 'socket.io';
import { cli } from './cli-helper.js';
import { FRAME_BUDGET_BYTES, frameShare } from '../src/core/exchange.js';
import { ENGINE_HANDSHAKE, Targets, gzipBomb, measuredCli, megabytes, pump } from './hostile-targets.js';

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

const hostile = new Targets();
let deepIo: SocketServer;
const at: Record<string, string> = {};
const ctaiPacket = (sn: number, event = ''): string =>
  `id: m${sn}\ndata: {"ret":"0","msg":"","data":{"msg_id":"m${sn}","msg_sn":"${sn}","event":"${event}","answer_text":"x"}}\n\n`;
/** A JSON string nested 100,000 arrays deep: JSON.parse reads it, a recursive JSON.stringify overflows. */
const DEEP = '['.repeat(100_000) + ']'.repeat(100_000);

beforeAll(async () => {
  const sse = { 'content-type': 'text/event-stream' };
  // A frame every 20 ms, forever.
  at['trickle'] = await hostile.http((_req, res) => {
    res.writeHead(200, sse);
    let n = 0;
    const timer = setInterval(() => res.write(ctaiPacket(n++)), 20);
    res.on('close', () => clearInterval(timer));
  });
  // One data line that never ends: no frame ever completes.
  at['endlessLine'] = await hostile.http((_req, res) => {
    res.writeHead(200, sse);
    const piece = 'x'.repeat(64 * 1024);
    pump(res, () => piece);
  });
  at['line50MB'] = await hostile.http((_req, res) => {
    res.writeHead(200, sse);
    megabytes(res, 50, 'data: "', '"\n\n');
  });
  at['invalidUtf8'] = await hostile.http((_req, res) => {
    res.writeHead(200, sse);
    const [before, after] = ctaiPacket(0).split('"x"') as [string, string];
    res.end(Buffer.concat([Buffer.from(`${before}"`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(`"${after}${ctaiPacket(1, 'stop')}`)]));
  });
  const bomb = gzipBomb();
  at['gzipBomb'] = await hostile.http((_req, res) => res.writeHead(200, { ...sse, 'content-encoding': 'gzip' }).end(bomb));
  at['redirectLoop'] = await hostile.http((req, res) => res.writeHead(302, { location: req.url ?? '/' }).end());
  at['json200MB'] = await hostile.http((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    megabytes(res, 200, '{"ret":"0","msg":"","data":{"answer_text":"', '"}}');
  });
  at['deep'] = await hostile.http((_req, res) => res.writeHead(200, sse).end(`id: a\ndata: ${DEEP}\n\n`));
  // A Socket.IO server that completes the Engine.IO handshake, then never answers again.
  at['socketSilent'] = await hostile.http((req, res) => {
    if (req.method === 'GET' && !(req.url ?? '').includes('sid=')) res.writeHead(200, { 'content-type': 'text/plain' }).end(ENGINE_HANDSHAKE);
  });
  // One that answers its first long poll with 200 MB.
  at['socketFlood'] = await hostile.http((req, res) => {
    if (req.method === 'POST') return void res.writeHead(200).end('ok');
    if (!(req.url ?? '').includes('sid=')) return void res.writeHead(200, { 'content-type': 'text/plain' }).end(ENGINE_HANDSHAKE);
    res.writeHead(200, { 'content-type': 'text/plain' });
    megabytes(res, 200, '4', '');
  });
  // A Socket.IO server that answers every question with an event nested 100,000 deep.
  const deepHttp = createHttp();
  deepIo = new SocketServer(deepHttp);
  deepIo.on('connection', (socket) => socket.on('CHAT_CS', () => socket.conn.write(`2["CHAT_SS",${DEEP}]`)));
  at['socketDeep'] = await hostile.listen(deepHttp);
  // A tasks API that creates what is asked at once, and answers polls with `poll`.
  const tasks =
    (poll: (res: ServerResponse) => void): RequestListener =>
    (req, res) => {
      const json = (value: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      req.resume();
      req.on('end', () => {
        const url = req.url ?? '';
        if (url.startsWith('/api/v1/tasks/')) poll(res);
        else if (url.endsWith('/conversations')) json({ conversation_id: 'c1' });
        else if (url.endsWith('/messages')) json({ task_id: 't1', conversation_id: 'c1' });
        else json({ workspace_id: 'w1' });
      });
    };
  at['slowPolls'] = await hostile.http(tasks(() => undefined));
  at['hugePoll'] = await hostile.http(
    tasks((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      megabytes(res, 200, '{"status":"running","events":[{"type":"text","text":"', '"}],"next":1}');
    }),
  );
});
afterAll(async () => {
  await deepIo.close();
  hostile.close();
});

const report = (stdout: string): RunReport => JSON.parse(stdout) as RunReport;
const messages = (run: RunReport): string[] => run.cases.flatMap((c) => c.steps.flatMap((s) => s.deviations.map((d) => `${d.rule}: ${d.message}`)));

/** Runs the bin against a hostile target: it must end as a deviation with a report, in time, in bounded memory. */
async function against(target: string, args: readonly string[], maxMs = 10_000, code = 1, stderr = ''): Promise<RunReport> {
  const result = await measuredCli(['run', ...args, '--target', at[target] ?? 'http://unset', '-r', 'json']);
  expect(result.stderr).not.toContain('chatwire bug');
  expect(result.stderr).toContain(stderr);
  expect(result.code).toBe(code);
  expect(result.ms).toBeLessThan(maxMs);
  expect(result.peakMb).toBeLessThan(200);
  return report(result.stdout);
}

describe('hostile targets: each ends as a deviation with a report, within its limits, under 200 MB', () => {
  it('a stream that never ends, frame after frame, is cut at --timeout', async () => {
    const run = await against('trickle', ['ctai', '--case', 'stream-answer', '--timeout', '1500ms']);
    expect(run.cases[0]?.steps[0]).toMatchObject({ end: 'timeout', timeLimit: 'exchange' });
    expect(messages(run)).toContainEqual(expect.stringContaining('no complete answer within the exchange limit of 1500 ms (--timeout)'));
  });

  it("a stream that never ends and never completes a frame is cut at one frame's share of the budget", async () => {
    const run = await against('endlessLine', ['ctai', '--case', 'stream-answer', '--timeout', '5s']);
    expect(run.cases[0]?.steps[0]).toMatchObject({ end: 'byte-limit', frames: 0 });
    // The budget shared by the 8 cases --concurrency lets run at once.
    expect(messages(run)).toContainEqual(
      `http.response.complete: a single frame of more than ${frameShare(8)} bytes; chatwire stopped reading (one frame may take ${FRAME_BUDGET_BYTES} bytes divided by --concurrency, and no more than --max-bytes)`,
    );
  });

  it("a single 50 MB line is cut at one frame's share, a whole suite of them stays bounded, and --max-bytes cuts earlier when lower", async () => {
    const run = await against('line50MB', ['ctai', '--case', 'stream-answer', '--timeout', '5s', '--concurrency', '1']);
    expect(run.cases[0]?.steps[0]).toMatchObject({ end: 'byte-limit', frames: 0 });
    expect(messages(run)).toContainEqual(expect.stringContaining(`a single frame of more than ${frameShare(1)} bytes`));
    const suite = await against('line50MB', ['ctai', '--timeout', '5s'], 20_000);
    expect(suite.cases.filter((c) => c.steps.some((s) => s.end === 'byte-limit')).length).toBeGreaterThan(10);
    const lower = await against('line50MB', ['ctai', '--case', 'stream-answer', '--timeout', '5s', '--max-bytes', '1000000']);
    expect(messages(lower)).toContainEqual(expect.stringContaining('more than 1000000 bytes; chatwire stopped reading (raise --max-bytes'));
  });

  it('invalid UTF-8 is a deviation, not text with U+FFFD in it', async () => {
    const run = await against('invalidUtf8', ['ctai', '--case', 'stream-answer', '--timeout', '3s']);
    expect(run.cases[0]?.steps[0]).toMatchObject({ end: 'broken' });
    expect(messages(run)).toContainEqual(expect.stringMatching(/^http\.response\.complete: the answer is not valid UTF-8 .*RFC 8259/));
  });

  it('a gzip bomb is read as far as one frame allows', async () => {
    const run = await against('gzipBomb', ['ctai', '--case', 'stream-answer', '--timeout', '5s']);
    expect(run.cases[0]?.steps[0]).toMatchObject({ end: 'byte-limit' });
  });

  it('a redirect loop is judged as the answer it is, never followed; every call redirected is a --target to check (exit 2)', async () => {
    const run = await against('redirectLoop', ['ctai', '--case', 'stream-answer', '--timeout', '3s'], 10_000, 2, 'check --target: the server redirects');
    expect(run.cases[0]?.steps[0]).toMatchObject({ status: 302, end: 'closed' });
    expect(run.cases[0]?.steps[0]?.deviations.map((d) => d.rule)).toContain('http.path.not-redirected');
  });

  it('a 200 MB JSON answer is cut at one frame', async () => {
    const run = await against('json200MB', ['ctai', '--case', 'plain-answer', '--timeout', '5s']);
    expect(run.cases[0]?.steps[0]).toMatchObject({ end: 'byte-limit' });
  });

  it('JSON nested 100,000 deep is judged and quoted by its first characters', async () => {
    const run = await against('deep', ['ctai', '--case', 'stream-answer', '--timeout', '3s']);
    const quoted = run.cases[0]?.steps[0]?.deviations.find((d) => d.type === 'frame');
    // Past 1,000 levels chatwire takes no JSON in (every walk after it would overflow the stack): not a packet it can read.
    expect(quoted).toMatchObject({ rule: 'ctai.packet.json', quote: expect.stringMatching(/^\[{200}.*\(200000 chars\)$/) as unknown });
    expect(quoted?.message).toMatch(/1,?000/);
  });

  it('a Socket.IO event nested 100,000 deep is judged and quoted by its first characters', async () => {
    const run = await against('socketDeep', ['pocketqa', '--case', 'question-in-room', '--timeout', '2s']);
    const quoted = run.cases[0]?.steps[0]?.deviations.find((d) => d.type === 'frame');
    expect(quoted).toMatchObject({ rule: 'pocketqa.answer.shape', quote: expect.stringMatching(/^\[{240}… \(longer\)$/) as unknown });
  });

  it('a Socket.IO server that never answers after its handshake is cut at the first-frame limit', async () => {
    const run = await against('socketSilent', ['pocketqa', '--case', 'question-in-room', '--timeout', '1500ms']);
    expect(messages(run)).toContainEqual(expect.stringMatching(/^socketio\.connection\.kept: .*did not acknowledge the connection within 1500 ms/));
  });

  it('a Socket.IO server that answers a long poll with 200 MB is dropped at one frame', async () => {
    const run = await against('socketFlood', ['pocketqa', '--case', 'question-in-room', '--timeout', '5s']);
    expect(messages(run)).toContainEqual(expect.stringContaining(`a long-polling answer of more than ${frameShare(8)} bytes`));
  });

  it('a polling API slower than the timeout is cut at each poll, and one that answers a poll with 200 MB at one frame', async () => {
    const slow = await against('slowPolls', ['tasks', '--token', 'k', '--case', 'full-flow', '--timeout', '1500ms', '--first-frame-timeout', '1s']);
    expect(slow.cases[0]?.steps.at(-1)).toMatchObject({ end: 'timeout', timeLimit: 'first-frame' });
    const huge = await against('hugePoll', ['tasks', '--token', 'k', '--case', 'full-flow', '--timeout', '5s']);
    expect(huge.cases[0]?.steps.at(-1)).toMatchObject({ end: 'byte-limit' });
  });
});

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
