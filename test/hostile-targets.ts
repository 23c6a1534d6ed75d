/**
 * Servers that misbehave on purpose, for the CLI to be pointed at, and a way to run the built bin
 * while watching its peak memory. Every server listens on 127.0.0.1, port 0.
 */
import { createServer as createHttp, type RequestListener, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createTcp, type Server as TcpServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawnBin, type CliResult } from './cli-helper.js';

export class Targets {
  readonly #sockets = new Set<Socket>();
  readonly #servers: Array<TcpServer | HttpServer> = [];

  async listen<T extends TcpServer | HttpServer>(server: T): Promise<string> {
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#servers.push(server);
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  http(handler: RequestListener): Promise<string> {
    return this.listen(createHttp(handler));
  }

  tcp(onConnection: (socket: Socket) => void): Promise<string> {
    return this.listen(createTcp(onConnection));
  }

  close(): void {
    for (const socket of this.#sockets) socket.destroy();
    for (const server of this.#servers) server.close();
  }
}

/** Writes what `next` gives as fast as the client reads it (respecting backpressure), until it gives undefined. */
export function pump(res: ServerResponse, next: () => string | Buffer | undefined): void {
  const go = (): void => {
    // Bounded by `next`, and paused whenever the socket's buffer is full.
    for (;;) {
      if (res.destroyed || res.writableEnded) return;
      const chunk = next();
      if (chunk === undefined) {
        res.end();
        return;
      }
      if (!res.write(chunk)) return;
    }
  };
  res.on('drain', go);
  go();
}

/** `megabytes` MiB of `x`, written as the client reads them. */
export function megabytes(res: ServerResponse, count: number, before: string, after: string): void {
  const piece = 'x'.repeat(1024 * 1024);
  let sent = -1;
  pump(res, () => {
    sent++;
    if (sent === 0) return before;
    if (sent <= count) return piece;
    return sent === count + 1 ? after : undefined;
  });
}

/** 32 MiB of zeros, gzipped to about 32 KB: a small answer that inflates far past one frame's limit. */
export const gzipBomb = (): Buffer => gzipSync(Buffer.alloc(32 * 1024 * 1024), { level: 9 });

/** An Engine.IO v4 handshake that promises a session its server will never serve. */
export const ENGINE_HANDSHAKE = '0{"sid":"hostile","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

export interface MeasuredRun extends CliResult {
  /** The bin's peak resident memory (VmHWM), in MB. */
  readonly peakMb: number;
}

function highWaterKb(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined; // the process has just ended
  }
}

/** Runs the built bin as cli() does, reading its peak RSS from /proc while it runs (a high-water mark, so the last reading holds the peak). */
export function measuredCli(args: readonly string[]): Promise<MeasuredRun> {
  const started = Date.now();
  const child = spawnBin(args);
  let stdout = '';
  let stderr = '';
  let peakKb = 0;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const watch = setInterval(() => {
    if (child.pid !== undefined) peakKb = Math.max(peakKb, highWaterKb(child.pid) ?? 0);
  }, 10);
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(watch);
      clearTimeout(killer);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started, peakMb: Math.round(peakKb / 1024) }));
  });
}
