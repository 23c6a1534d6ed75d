import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { io as connect } from 'socket.io-client';
import { isChatwireError } from '../src/core/errors.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import { loadProtocols } from '../src/protocols/index.js';
import type { Protocol } from '../src/protocols/protocol.js';
import { cli, spawnBin } from './cli-helper.js';

const FRONT_END = 'http://localhost:5173';
const FOREIGN = 'https://app.example.com';
const ASKED_HEADERS = 'authorization, content-type, x-chatwire-scenario, x-chatwire-token';
const CTAI = '/v1/ctai/query_text_chat';

let protocols: readonly Protocol[];
let mock: MockServer;
let anyOrigin: MockServer;

beforeAll(async () => {
  protocols = await loadProtocols();
  mock = await startMockServer({ protocols, port: 0 });
  anyOrigin = await startMockServer({ protocols, port: 0, corsOrigins: ['*'] });
});
afterAll(async () => {
  await mock.close();
  await anyOrigin.close();
});

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** One raw request, every header as given (fetch would not send a Host of our choosing). */
function send(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function preflight(base: string, path: string, origin: string, method = 'POST', extra: Record<string, string> = {}): Promise<Answer> {
  return send(base, 'OPTIONS', path, { origin, 'access-control-request-method': method, 'access-control-request-headers': ASKED_HEADERS, ...extra });
}

describe('CORS preflights', () => {
  it('answers a loopback page with 204 for every route the mock serves, /_chatwire/* included', async () => {
    const routes = [
      ...protocols.flatMap((protocol) => (protocol.mock.routes ?? []).map((route) => ({ method: route.method, path: route.path.replace(/:(\w+)/g, 'x1') }))),
      { method: 'GET', path: '/_chatwire/scenarios' },
      { method: 'DELETE', path: '/_chatwire/client-deviations' },
    ];
    expect(routes.length).toBeGreaterThan(15);
    const wrong: string[] = [];
    for (const [i, { method, path }] of routes.entries()) {
      const origin = [FRONT_END, 'http://127.0.0.1:8080', 'https://[::1]:3000'][i % 3] ?? FRONT_END;
      const { status, headers } = await preflight(mock.url, path, origin, method);
      const ok =
        status === 204 &&
        headers['access-control-allow-origin'] === origin &&
        headers['access-control-allow-methods'] === method &&
        headers['access-control-allow-headers'] === ASKED_HEADERS &&
        headers['access-control-max-age'] === '600' &&
        String(headers['vary']).includes('Origin');
      if (!ok) wrong.push(`${method} ${path} from ${origin}: ${status} ${JSON.stringify(headers)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("refuses another site's preflight with 403, naming the option that would allow it, and no CORS header", async () => {
    const { status, headers, body } = await preflight(mock.url, CTAI, FOREIGN);
    expect(status).toBe(403);
    expect(headers['access-control-allow-origin']).toBeUndefined();
    expect(JSON.parse(body)).toEqual({ error: expect.stringContaining(`--cors-origin ${FOREIGN}`) });
  });

  it('answers a preflight for a path no route serves with 404', async () => {
    const { status, body } = await preflight(mock.url, '/v1/nothing', FRONT_END);
    expect(status).toBe(404);
    expect(body).toContain('no route of this mock answers it');
  });

  it("allows Chrome's private-network preflight for an allowed origin", async () => {
    const { status, headers } = await preflight(mock.url, CTAI, FRONT_END, 'POST', { 'access-control-request-private-network': 'true' });
    expect(status).toBe(204);
    expect(headers['access-control-allow-private-network']).toBe('true');
  });

  it('keeps the Host check first: a preflight through a rebound name gets 421', async () => {
    const { status, headers } = await preflight(mock.url, CTAI, FRONT_END, 'POST', { host: `evil.example:${mock.port}` });
    expect(status).toBe(421);
    expect(headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS on answers', () => {
  const question = JSON.stringify({ query_text: '你好', stream: '1' });

  it('a streamed answer to an allowed origin carries the origin and exposes its headers', async () => {
    const { status, headers, body } = await send(mock.url, 'POST', CTAI, { origin: FRONT_END, 'content-type': 'application/json' }, question);
    expect(status).toBe(200);
    expect(headers['content-type']).toContain('text/event-stream');
    expect(headers['access-control-allow-origin']).toBe(FRONT_END);
    expect(headers['access-control-expose-headers']).toBe('*');
    expect(headers['vary']).toBe('Origin');
    expect(body).toContain('"event":"stop"');
  });

  it('another site, or no Origin at all, is answered without CORS headers', async () => {
    for (const headers of [{ origin: FOREIGN }, {}]) {
      const answer = await send(mock.url, 'POST', CTAI, { ...headers, 'content-type': 'application/json' }, question);
      expect(answer.status).toBe(200);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('corsOrigins: ["*"] allows any origin', async () => {
    const { status, headers } = await preflight(anyOrigin.url, CTAI, FOREIGN);
    expect(status).toBe(204);
    expect(headers['access-control-allow-origin']).toBe(FOREIGN);
  });

  it('corsOrigins replaces the loopback default and takes an origin with its trailing slash', async () => {
    const only = await startMockServer({ protocols, port: 0, corsOrigins: [`${FOREIGN}/`] });
    try {
      expect((await preflight(only.url, CTAI, FOREIGN)).status).toBe(204);
      expect((await preflight(only.url, CTAI, FRONT_END)).status).toBe(403);
    } finally {
      await only.close();
    }
  });

  it('refuses a corsOrigins entry that is not an origin', async () => {
    for (const bad of ['localhost:5173', 'http://localhost:5173/app', 'ftp://files.example']) {
      const failure: unknown = await startMockServer({ protocols, port: 0, corsOrigins: [bad] }).then(
        (started) => started.close(),
        (error: unknown) => error,
      );
      expect(isChatwireError(failure) && failure.code === 'BAD_OPTION' && failure.message.includes(JSON.stringify(bad))).toBe(true);
    }
  });
});

describe('CORS on the Socket.IO server', () => {
  const handshake = '/socket.io/?EIO=4&transport=polling';

  it('answers an allowed origin with its CORS headers and refuses another site', async () => {
    const allowed = await send(mock.url, 'GET', handshake, { origin: FRONT_END });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(FRONT_END);
    const foreign = await send(mock.url, 'GET', handshake, { origin: FOREIGN });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  /** Opens a Socket.IO connection by WebSocket alone, sending this Origin. */
  async function websocket(base: string, origin: string): Promise<string> {
    const socket = connect(base, { transports: ['websocket'], extraHeaders: { origin }, reconnection: false, timeout: 5_000 });
    try {
      return await new Promise<string>((resolve) => {
        socket.on('connect', () => resolve('connected'));
        socket.on('connect_error', (error) => resolve(`refused: ${error.message}`));
      });
    } finally {
      socket.close();
    }
  }

  it("refuses another site's WebSocket, which no CORS check would stop", async () => {
    expect(await websocket(mock.url, FRONT_END)).toBe('connected');
    expect(await websocket(mock.url, FOREIGN)).toMatch(/^refused/);
  });

  it("admits a WebSocket sent with the mock's own origin whatever the policy, as some non-browser clients send it", async () => {
    const only = await startMockServer({ protocols, port: 0, corsOrigins: [FOREIGN] });
    try {
      expect(await websocket(only.url, only.url)).toBe('connected');
      expect(await websocket(only.url, FRONT_END)).toMatch(/^refused/);
    } finally {
      await only.close();
    }
  });
});

describe('chatwire mock --cors-origin', () => {
  it('refuses a value that is not an origin, naming the flag (exit 2)', async () => {
    const result = await cli(['mock', '--port', '0', '--cors-origin', 'localhost:5173']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--cors-origin');
    expect(result.stderr).toContain('an origin such as http://localhost:5173');
  });

  it('warns that * opens the mock to every page in the browser', async () => {
    const child = spawnBin(['mock', '--port', '0', '--protocol', 'ctai', '--cors-origin', '*']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('Press Ctrl+C') && resolve()));
    child.kill('SIGINT');
    await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toContain('warning: --cors-origin * lets any web page');
  });
});
