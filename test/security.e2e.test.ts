import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createHttp, type IncomingHttpHeaders, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import fastgpt from '../src/protocols/fastgpt/index.js';
import { MOCK_APP_ID } from '../src/protocols/fastgpt/mock.js';
import { loadProtocols } from '../src/protocols/index.js';
import tasks from '../src/protocols/tasks/index.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import type { ClientDeviationRecord } from '../src/mock/exchange.js';
import { cli, spawnBin } from './cli-helper.js';

const TOKEN = 'tok-operator-8c1f';
const SECRETS = ['sk-live-0123456789abcdefXYZ', 'Bearer-less-7d1e2f3a4b5c6d7e', 'hunter2-password-91', 'cookie-session-5a6b7c8d', 'fastgpt-abcdef0123456789ab'];

let mock: MockServer;
let open: MockServer;
const logged: ClientDeviationRecord[] = [];

beforeAll(async () => {
  const protocols = await loadProtocols();
  mock = await startMockServer({ protocols, port: 0, token: TOKEN, onClientDeviation: (record) => logged.push(record) });
  open = await startMockServer({ protocols, port: 0, token: TOKEN, allowAuthFaults: true });
});
afterAll(async () => {
  await mock.close();
  await open.close();
});

/** Every keyed route of the mock, its :parameters filled in. */
const keyed = [...fastgpt.mock.routes, ...tasks.mock.routes].map((route) => ({ method: route.method, path: route.path.replace(/:(\w+)/g, 'x1') }));

async function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '{"appId":"a","chatId":"c","messages":[{"role":"user","content":"q"}],"workspace_id":"w","conversation_id":"c","message":"m"}',
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(method === 'GET' ? {} : { body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

/** A refusal as the two keyed protocols word it: HTTP 401, or FastGPT's envelope code other than 200. */
function refused({ status, json }: { status: number; json: unknown }): boolean {
  const code = typeof json === 'object' && json !== null && 'code' in json ? json.code : undefined;
  return status === 401 || (code !== undefined && code !== 200);
}

describe("no way past the mock's --token", () => {
  it(`a fault scenario that accepts a missing key does not open any of the ${keyed.length} keyed routes to a request without the token`, async () => {
    const served: string[] = [];
    for (const { method, path } of keyed) {
      for (const scenario of ['ok-without-key', 'ok-without-token']) {
        const answer = await call(mock.url, method, path, { 'x-chatwire-scenario': scenario });
        if (!refused(answer) && answer.status !== 400)
          served.push(`${method} ${path} (${scenario}): ${answer.status} ${JSON.stringify(answer.json).slice(0, 80)}`);
      }
    }
    expect(keyed.length).toBeGreaterThanOrEqual(14);
    expect(served).toEqual([]);
  });

  it('the fault still applies for the operator (x-chatwire-token) and when the mock allows auth faults', async () => {
    const asOperator = await call(
      mock.url,
      'POST',
      '/api/core/chat/history/getHistories',
      { 'x-chatwire-scenario': 'ok-without-key', 'x-chatwire-token': TOKEN },
      JSON.stringify({ appId: MOCK_APP_ID, offset: 0, pageSize: 10 }),
    );
    expect(refused(asOperator)).toBe(false);
    const allowed = await call(open.url, 'POST', '/api/v1/workspaces', { 'x-chatwire-scenario': 'ok-without-token' });
    expect(allowed.status).toBeLessThan(300);
  });
});

describe('the mock serves no secrets', () => {
  it('client deviations are stored and logged with credentials and secret-looking values blanked', async () => {
    // Requests the mock must refuse, so that it records what they carried.
    await call(
      mock.url,
      'POST',
      '/v1/ctai/query_text_chat',
      { authorization: `Bearer ${SECRETS[1]}`, cookie: `sid=${SECRETS[3]}` },
      JSON.stringify({ query_text: 1, apiKey: SECRETS[0], password: SECRETS[2] }),
    );
    await call(mock.url, 'POST', '/chat', { authorization: `Bearer ${TOKEN}` }, `not json, key ${SECRETS[4]} token=${SECRETS[1]}`);
    await call(
      mock.url,
      'POST',
      '/api/v1/chat/completions',
      { authorization: `Bearer ${TOKEN}` },
      JSON.stringify({ messages: 'x', api_key: SECRETS[0], token: SECRETS[4] }),
    );
    const listed = await call(mock.url, 'GET', '/_chatwire/client-deviations', { authorization: `Bearer ${TOKEN}` });
    expect(listed.status).toBe(200);
    const served = JSON.stringify(listed.json);
    expect(served.length).toBeGreaterThan(100);
    const stderr = JSON.stringify(logged);
    for (const secret of [...SECRETS, TOKEN]) {
      expect(served, secret).not.toContain(secret);
      expect(stderr, secret).not.toContain(secret);
    }
    expect(served).toContain('[redacted]');
  });

  it('with --token, /_chatwire/* need it: reading and clearing without it are refused', async () => {
    for (const [method, path] of [
      ['GET', '/_chatwire/client-deviations'],
      ['DELETE', '/_chatwire/client-deviations'],
      ['GET', '/_chatwire/scenarios'],
    ] as const) {
      const answer = await call(mock.url, method, path, {});
      expect(answer.status, `${method} ${path}`).toBe(401);
    }
    expect((await call(mock.url, 'GET', '/_chatwire/scenarios', { 'x-chatwire-token': TOKEN })).status).toBe(200);
  });

  it('a request for another host name is refused (DNS rebinding), on the Socket.IO path too', async () => {
    const { request } = await import('node:http');
    const status = (path: string, host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(`${mock.url}${path}`, { headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status('/_chatwire/scenarios', `attacker.example:${mock.port}`)).toBe(421);
    expect(await status('/socket.io/?EIO=4&transport=polling', `attacker.example:${mock.port}`)).not.toBe(200);
    expect(await status('/socket.io/?EIO=4&transport=polling', `localhost:${mock.port}`)).toBe(200);
  });
});

/** A server that records every request it gets: the origin a redirect names. */
const seen: IncomingHttpHeaders[] = [];
let elsewhere: HttpServer;
let redirecting: HttpServer;
const sockets = new Set<Socket>();
const origin = (server: HttpServer): string => `http://127.0.0.1:${(server.address() as { port: number }).port}`;

beforeAll(async () => {
  elsewhere = createHttp((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  // Redirects everything to the other origin, except the Engine.IO handshake chatwire fetches first.
  redirecting = createHttp((req, res) => {
    if (req.url?.includes('t=chatwire')) {
      const v3 = req.url.includes('EIO=3');
      const handshake = '0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
      res.writeHead(200, { 'content-type': 'text/plain' }).end(v3 ? `${handshake.length}:${handshake}` : handshake);
      return;
    }
    res.writeHead(307, { location: `${origin(elsewhere)}${req.url ?? '/'}` }).end();
  });
  // A WebSocket upgrade is redirected too.
  redirecting.on('upgrade', (req, socket: Socket) => socket.end(`HTTP/1.1 302 Found\r\nLocation: ${origin(elsewhere)}${req.url ?? '/'}\r\n\r\n`));
  for (const server of [elsewhere, redirecting]) {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }
});
afterAll(() => {
  for (const socket of sockets) socket.destroy();
  elsewhere.close();
  redirecting.close();
});

describe('no credentials to another origin', () => {
  const leaked = (): string[] =>
    seen.flatMap((headers) =>
      Object.entries(headers)
        .filter(([, value]) => String(value).includes('SECRET'))
        .map(([name]) => name),
    );
  const runs: ReadonlyArray<readonly [string, string[]]> = [
    ['HTTP (ctai)', ['run', 'ctai', '--case', 'stream-answer']],
    ['polling (tasks)', ['run', 'tasks', '--case', 'full-flow']],
    ['Socket.IO, Engine.IO v4 (pocketqa)', ['run', 'pocketqa', '--case', 'question-without-room', '--eio', '4']],
    ['Socket.IO, Engine.IO v3 (pocketqa)', ['run', 'pocketqa', '--case', 'question-without-room', '--eio', '3']],
  ];
  for (const [transport, args] of runs) {
    it(`${transport}: a redirect is not followed with --token or -H`, async () => {
      seen.length = 0;
      const result = await cli([...args, '--target', origin(redirecting), '--token', 'SECRET-token', '-H', 'X-Api-Key: SECRET-key', '--timeout', '3s']);
      // Never green: a deviation, or (every call redirected) the setup to check.
      expect([1, 2]).toContain(result.code);
      expect(leaked()).toEqual([]);
    });
  }
});

describe('binding beyond loopback says what becomes reachable', () => {
  it('warns on --host 0.0.0.0, and without --token names the protocols that take any key', async () => {
    const child = spawnBin(['mock', '--host', '0.0.0.0', '--port', '0']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('Press Ctrl+C') && resolve()));
    child.kill('SIGINT');
    await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toMatch(/warning: --host 0\.0\.0\.0 makes the mock reachable from other machines at http:\/\/0\.0\.0\.0:\d+/);
    expect(stderr).toContain('without --token, fastgpt and tasks accept any non-empty key');
  });
});
