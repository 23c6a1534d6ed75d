import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import ctai from '../src/protocols/ctai/index.js';
import { startProxy, type ProxyServer } from '../src/proxy/server.js';
import type { DeviationEntry } from '../src/proxy/ledger.js';

const TOKEN = 'hostile-test-token-123';
const BODY = JSON.stringify({ query_text: 'q', session_id: 's', stream: '1' });
const packet = (sn: number, extra = ''): string =>
  `id: m${sn}\ndata: {"ret":"0","msg":"","data":{"msg_id":"m${sn}","msg_sn":"${sn}","event":"","answer_text":"a${extra}"}}\n\n`;

/** A raw TCP backend: each connection gets what `answer` writes, however broken. */
let upstream: Server;
let answer: (socket: Socket) => void = () => undefined;
let proxy: ProxyServer;
const lines: DeviationEntry[] = [];

beforeAll(async () => {
  upstream = createServer((socket) => socket.once('data', () => answer(socket)));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const { port } = upstream.address() as AddressInfo;
  proxy = await startProxy({ protocol: ctai, target: `http://127.0.0.1:${port}`, port: 0, onDeviation: (entry) => lines.push(entry) });
});
afterAll(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const ask = (): Promise<Response> =>
  fetch(`${proxy.url}/v1/ctai/query_text_chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: BODY,
  });

/** The deviations told after the first `before`, once some came (within 2 s). */
async function judged(before: number): Promise<DeviationEntry[]> {
  for (let i = 0; i < 100 && lines.length <= before; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return lines.slice(before);
}

describe('chatwire proxy against a hostile or broken upstream', () => {
  it('passes a stream cut mid-answer on to the client as a break, and judges it broken', async () => {
    answer = (socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n`);
      const chunk = packet(0);
      socket.write(`${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`, () => setTimeout(() => socket.destroy(), 50));
    };
    const before = lines.length;
    const response = await ask();
    await expect(response.text()).rejects.toThrow();
    const found = await judged(before);
    expect(found.map((line) => line.deviation.rule)).toContain('http.response.complete');
  });

  it('answers 502 when the upstream speaks no HTTP, and keeps serving', async () => {
    answer = (socket) => socket.end('this is not HTTP\r\n\r\n');
    const before = lines.length;
    const response = await ask();
    expect(response.status).toBe(502);
    const found = await judged(before);
    expect(found.map((line) => line.deviation.rule)).toContain('http.response.complete');
    answer = (socket) => socket.end(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n${packet(0)}`);
    expect((await ask()).status).toBe(200);
  });

  it("blanks the client's credentials where a deviation quotes them", async () => {
    answer = (socket) => socket.end(`HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\ndata: not json ${TOKEN}\n\n`);
    const before = lines.length;
    await (await ask()).text();
    const found = await judged(before);
    const quoted = found.find((line) => line.deviation.type === 'frame');
    expect(quoted?.deviation.type === 'frame' ? quoted.deviation.quote : '').toBe('not json [redacted]');
    const listed = await (await fetch(`${proxy.url}/_chatwire/deviations`)).text();
    expect(listed).not.toContain(TOKEN);
  });
});
