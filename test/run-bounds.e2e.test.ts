import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createHttp, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createTcp, type Server as TcpServer, type Socket } from 'node:net';
import { Server as SocketServer } from 'socket.io';
import type { RunReport } from '../src/report/model.js';
import { cli } from './cli-helper.js';
import { ENGINE_HANDSHAKE } from './hostile-targets.js';

const sockets = new Set<Socket>();
const servers: Array<TcpServer | HttpServer> = [];
const url = (server: TcpServer | HttpServer): string => `http://127.0.0.1:${(server.address() as { port: number }).port}`;

async function listen<T extends TcpServer | HttpServer>(server: T): Promise<T> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return server;
}

const packet = (sn: number, event = '', text = '字'): string =>
  `id: m${sn}-${Math.random()}\ndata: ${JSON.stringify({ ret: '0', msg: '', data: { msg_id: `m${sn}-${Math.random()}`, msg_sn: String(sn), event, answer_text: event === 'stop' ? '' : text } })}\n\n`;

/** A conformant ctai server that answers after a pause and counts the requests it is answering at once. */
function conformant(pauseMs: number) {
  let inFlight = 0;
  let most = 0;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      inFlight++;
      most = Math.max(most, inFlight);
      let request: Record<string, unknown> = {};
      try {
        request = JSON.parse(body) as Record<string, unknown>;
      } catch {
        // not JSON: refused below for want of query_text
      }
      setTimeout(() => {
        inFlight--;
        if (typeof request['query_text'] !== 'string' || (request['lang'] !== undefined && request['lang'] !== 'zh_CN')) {
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"ret":"400","msg":"bad request"}');
        } else if (request['stream'] === '1') {
          res.writeHead(200, { 'content-type': 'text/event-stream' }).end(packet(0) + packet(1, 'stop'));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ret":"0","msg":"","data":{"answer_text":"字"}}');
        }
      }, pauseMs);
    });
  };
  return { handler, most: () => most };
}

let heartbeats: HttpServer;
let io: SocketServer;
let headOnly: HttpServer;
let keepAlive: HttpServer;
let stall: HttpServer;
let silent: TcpServer;
const counted = conformant(120);
let countedServer: HttpServer;
let slowServer: HttpServer;
let socketSilent: HttpServer;

beforeAll(async () => {
  headOnly = await listen(createHttp((_req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders()));
  keepAlive = await listen(
    createHttp((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write(': keep-alive\n\n'), 50);
      res.on('close', () => clearInterval(timer));
    }),
  );
  // Two packets, then the answer stops mid-stream with the connection open.
  stall = await listen(createHttp((_req, res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).write(packet(0) + packet(1))));
  silent = await listen(createTcp(() => undefined));
  // Socket.IO: every question gets one word, then empty partial events forever.
  heartbeats = createHttp();
  io = new SocketServer(heartbeats);
  io.on('connection', (socket) => {
    socket.on('CHAT_CS', () => {
      socket.emit('CHAT_SS', { data: { room: socket.id, delta: '根据', finish_reason: null } });
      const timer = setInterval(() => socket.emit('CHAT_SS', { data: { room: socket.id, delta: '', finish_reason: null } }), 50);
      socket.on('disconnect', () => clearInterval(timer));
    });
  });
  await listen(heartbeats);
  countedServer = await listen(createHttp(counted.handler));
  slowServer = await listen(createHttp(conformant(5_000).handler));
  // Completes the Engine.IO handshake, then never answers the session it opened.
  socketSilent = await listen(
    createHttp((req, res) => {
      if (!(req.url ?? '').includes('sid=')) res.writeHead(200, { 'content-type': 'text/plain' }).end(ENGINE_HANDSHAKE);
    }),
  );
});
afterAll(async () => {
  // Disconnecting every socket stops their heartbeats; it closes the HTTP server too.
  await io.close();
  for (const socket of sockets) socket.destroy();
  for (const server of servers) if (server !== heartbeats) server.close();
});

const report = (stdout: string): RunReport => JSON.parse(stdout) as RunReport;
const messages = (run: RunReport): string[] => run.cases.flatMap((c) => c.steps.flatMap((s) => s.deviations.map((d) => `${d.rule}: ${d.message}`)));

describe('a stream is judged silent early, and the deviation says which limit ran out', () => {
  it('no frame within --first-frame-timeout', async () => {
    const result = await cli(['run', 'ctai', '--target', url(headOnly), '--case', 'stream-answer', '--first-frame-timeout', '400ms', '-r', 'json']);
    expect(result.code).toBe(1);
    expect(messages(report(result.stdout))).toContainEqual(
      expect.stringMatching(/^http\.response\.complete: nothing came within the first-frame limit of 400 ms \(--first-frame-timeout\)/),
    );
    expect(result.ms).toBeLessThan(8_000);
  });

  it('keep-alive comments alone are no answer: they do not hold the limit off', async () => {
    const result = await cli(['run', 'ctai', '--target', url(keepAlive), '--case', 'stream-answer', '--first-frame-timeout', '400ms', '-r', 'json']);
    expect(result.code).toBe(1);
    expect(messages(report(result.stdout))).toContainEqual(expect.stringContaining('first-frame limit of 400 ms'));
  });

  it('a stream that stops mid-answer is cut at --idle-timeout', async () => {
    const result = await cli(['run', 'ctai', '--target', url(stall), '--case', 'stream-answer', '--idle-timeout', '400ms', '-r', 'json']);
    expect(result.code).toBe(1);
    const run = report(result.stdout);
    expect(run.cases[0]?.steps[0]).toMatchObject({ end: 'timeout', timeLimit: 'idle', frames: 2 });
    expect(messages(run)).toContainEqual(expect.stringContaining('the answer went silent for the idle limit of 400 ms (--idle-timeout)'));
  });

  it('empty Socket.IO events alone say nothing new: an answer made only of them is cut at --idle-timeout', async () => {
    const result = await cli(['run', 'pocketqa', '--target', url(heartbeats), '--case', 'question-without-room', '--idle-timeout', '500ms', '-r', 'json']);
    expect(result.code).toBe(1);
    const run = report(result.stdout);
    expect(run.cases[0]?.steps[0]).toMatchObject({ end: 'timeout', timeLimit: 'idle' });
    expect(messages(run)).toContainEqual(expect.stringMatching(/^pocketqa\.stop\.present: .* no finish_reason "stop"/));
    expect(result.ms).toBeLessThan(8_000);
  });

  it('a silent target costs one time limit, whatever the number of cases: the rest are not run', async () => {
    const result = await cli(['run', 'ctai', '--target', url(silent), '--timeout', '1s', '-r', 'json']);
    expect(result.code).toBe(1);
    const run = report(result.stdout);
    expect(run.cases.length).toBeGreaterThan(10);
    expect(run.cases.filter((c) => c.outcome === 'skipped').map((c) => c.skipped)).toContainEqual(
      expect.stringMatching(/^not run: the target accepted the connection but sent nothing/),
    );
    // One second of --timeout, one wave of cases, and the process's own start.
    expect(run.durationMs).toBeLessThan(2_000);
  });
});

describe('a whole run is bounded by --max-run-time', () => {
  it('cuts the answers still coming, runs no further case, writes the report and exits 2', async () => {
    // Each answer comes after 5 s, well inside --timeout: only the run's limit can end this run early.
    const result = await cli(['run', 'ctai', '--target', url(slowServer), '--max-run-time', '1500ms', '-r', 'json']);
    expect(result.code).toBe(2);
    expect(result.ms).toBeLessThan(6_000);
    const run = report(result.stdout);
    const cut = run.cases.filter((c) => c.steps.some((s) => s.timeLimit === 'run'));
    expect(cut.length).toBeGreaterThan(0);
    expect(messages(run)).toContainEqual(expect.stringContaining("no complete answer before the run's limit of 1500 ms ran out (--max-run-time)"));
    const notRun = run.cases.filter((c) => c.outcome === 'skipped');
    expect(notRun.length).toBeGreaterThan(0);
    expect(notRun[0]?.skipped).toBe("not run: the run's limit of 1500 ms ran out (--max-run-time)");
    expect(result.stderr).toMatch(
      new RegExp(
        `chatwire: Failed to finish the run within --max-run-time \\(1500 ms\\): ${cut.length} case\\(s\\) cut short, ${notRun.length} not run \\(raise --max-run-time`,
      ),
    );
  });

  it('cuts a Socket.IO connection still waiting for its acknowledgement', async () => {
    const result = await cli(['run', 'pocketqa', '--target', url(socketSilent), '--case', 'question-in-room', '--max-run-time', '1s', '-r', 'json']);
    expect(result.code).toBe(2);
    expect(report(result.stdout).cases[0]?.steps[0]).toMatchObject({ end: 'timeout', timeLimit: 'run' });
  });

  it('leaves a run that ends in time alone', async () => {
    const result = await cli(['run', 'ctai', '--target', url(countedServer), '--case', 'stream-answer', '--max-run-time', '20s', '-r', 'json']);
    expect(result.code).toBe(0);
  });

  it('refuses a run time without its unit', async () => {
    const result = await cli(['run', 'ctai', '--target', url(countedServer), '--max-run-time', '90']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Failed to parse --max-run-time "90"');
  });
});

describe('cases run concurrently, reported in suite order', () => {
  it('keeps to --concurrency and prints the cases in the order of the suite', async () => {
    const result = await cli(['run', 'ctai', '--target', url(countedServer), '--concurrency', '3', '-r', 'json']);
    expect(counted.most()).toBe(3);
    const { readFileSync } = await import('node:fs');
    const suite = JSON.parse(readFileSync(new URL('../suites/ctai.json', import.meta.url), 'utf8')) as { cases: Array<{ name: string }> };
    expect(report(result.stdout).cases.map((c) => c.name)).toEqual(suite.cases.map((c) => c.name));
  });

  it('refuses a duration without its unit', async () => {
    const result = await cli(['run', 'ctai', '--target', url(countedServer), '--timeout', '5']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Failed to parse --timeout "5": expected a duration with its unit, such as 500ms, 30s or 2m');
  });
});
