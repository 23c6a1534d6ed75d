import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import ctai from '../src/protocols/ctai/index.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import tasks from '../src/protocols/tasks/index.js';
import type { Protocol } from '../src/protocols/protocol.js';
import { startProxy, type ProxyServer } from '../src/proxy/server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A backend answering with `handle`, and a proxy for `protocol` in front of it. */
async function through(
  protocol: Protocol,
  handle: (req: IncomingMessage, body: string, res: ServerResponse) => void,
  limits: { closeGraceMs?: number; maxFrames?: number } = {},
): Promise<ProxyServer> {
  const backend: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handle(req, body, res));
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => backend.close(() => resolve())));
  const { port } = backend.address() as { port: number };
  const proxy = await startProxy({ protocol, target: `http://127.0.0.1:${port}`, port: 0, limits });
  closers.unshift(() => proxy.close());
  return proxy;
}

/** Waits (bounded) until the proxy has judged `count` exchanges: judging ends just after the client read the answer. */
async function judged(proxy: ProxyServer, count: number): Promise<void> {
  for (let waited = 0; proxy.ledger.report('', false).cases.length < count; waited += 5) {
    if (waited > 5_000) throw new Error(`the proxy judged ${proxy.ledger.report('', false).cases.length} exchange(s), not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const rulesOf = (proxy: ProxyServer): string[] => proxy.ledger.deviations().deviations.map((entry) => `${entry.deviation.severity} ${entry.deviation.rule}`);

const packet = (sn: number, event = '') =>
  `id: m${sn}\ndata: ${JSON.stringify({ ret: '0', msg: '', data: { msg_id: `m${sn}`, msg_sn: String(sn), event, answer_text: event === 'stop' ? '' : '字' } })}\n\n`;

describe('the proxy judges live traffic as the client sent it', () => {
  it('passes what is not a documented call unjudged: a CORS preflight, a page, a 404', async () => {
    const proxy = await through(ctai, (_req, _body, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    await (await fetch(`${proxy.url}/v1/ctai/query_text_chat`, { method: 'OPTIONS', headers: { origin: 'https://app.example' } })).text();
    await (await fetch(`${proxy.url}/static/app.js?v=3`)).text();
    // Then one documented call: once it is judged, the two before it would have been too.
    await (
      await fetch(`${proxy.url}/v1/ctai/query_text_chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query_text":"你好"}' })
    ).text();
    await judged(proxy, 1);
    expect(proxy.ledger.report('', false).cases.map((c) => c.name)).toEqual(['#0 POST /v1/ctai/query_text_chat']);
  });

  it("judges an answer the server gave a request the client got wrong by the answer's own rules, and demands no refusal", async () => {
    // The backend accepts lang "en" (the digest: not its fault) but forgets the stop packet.
    const proxy = await through(ctai, (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(packet(0) + packet(1));
    });
    const answer = await fetch(`${proxy.url}/v1/ctai/query_text_chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query_text: '你好', lang: 'en', stream: '1' }),
    });
    await answer.text();
    await judged(proxy, 1);
    expect(rulesOf(proxy)).toEqual(['error ctai.request.shape', 'error ctai.stop.present']);
  });

  it("takes a keyless call refused as the client's mistake, and reports a refusal that still hands out data", async () => {
    const refusal = (data: unknown) => JSON.stringify({ code: 403, statusText: 'unAuthorization', message: 'unAuthorization', data });
    let leak = false;
    const proxy = await through(fastgpt, (_req, _body, res) =>
      res.writeHead(500, { 'content-type': 'application/json' }).end(refusal(leak ? { list: [{ chatId: 'c1' }], total: 1 } : null)),
    );
    const histories = () =>
      fetch(`${proxy.url}/api/core/chat/history/getHistories`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appId: 'a', offset: 0, pageSize: 10 }),
      });
    await (await histories()).text();
    await judged(proxy, 1);
    // The client's mistake is the client's deviation; the server refusing it is right.
    expect(rulesOf(proxy)).toEqual(['error fastgpt.request.key']);
    leak = true;
    await (await histories()).text();
    await judged(proxy, 2);
    expect(rulesOf(proxy)).toEqual(['error fastgpt.request.key', 'error fastgpt.request.key', 'error fastgpt.request.refused']);
  });

  it('a body past the judged size is not judged, but a call without its key still is', async () => {
    const proxy = await through(fastgpt, (_req, _body, res) =>
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 403, statusText: 'unAuthorization', message: 'no key', data: null })),
    );
    // Over 1 MiB: cut JSON would be a false finding of its shape.
    const huge = JSON.stringify({ stream: false, messages: [{ role: 'user', content: 'x'.repeat(1100 * 1024) }] });
    const post = (headers: Record<string, string>) =>
      fetch(`${proxy.url}/api/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: huge });
    await (await post({ authorization: 'Bearer fastgpt-k' })).text();
    await judged(proxy, 1);
    expect(rulesOf(proxy).filter((rule) => rule.includes('fastgpt.request.'))).toEqual([]);
    await (await post({})).text();
    await judged(proxy, 2);
    expect(rulesOf(proxy).filter((rule) => rule.includes('fastgpt.request.'))).toEqual(['error fastgpt.request.key']);
  });

  it('reports a documented path asked with another method against the client, and passes it on; a preflight is not one', async () => {
    const proxy = await through(ctai, (_req, _body, res) => res.writeHead(405, { 'content-type': 'application/json' }).end('{"ret":"405","msg":"POST only"}'));
    const wrong = await fetch(`${proxy.url}/v1/ctai/query_text_chat?query_text=q`);
    expect(wrong.status).toBe(405);
    await wrong.text();
    await (await fetch(`${proxy.url}/v1/ctai/query_text_chat`, { method: 'OPTIONS' })).text();
    await (await fetch(`${proxy.url}/favicon.ico`)).text();
    expect(rulesOf(proxy)).toEqual(['error http.request.method']);
  });

  it('does not blame the server for refusing a wrong key, nor judge a query-string call by its missing body', async () => {
    const proxy = await through(fastgpt, (req, _body, res) => {
      if (req.url?.startsWith('/api/core/chat/init') === true) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 200, statusText: '', message: '', data: { chatId: 'c1', appId: 'a', variables: {}, app: {} } }));
        return;
      }
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 514, statusText: 'unAuthApiKey', message: 'unAuthApiKey', data: null }));
    });
    const headers = { authorization: 'Bearer fastgpt-wrong', 'content-type': 'application/json' };
    await (
      await fetch(`${proxy.url}/api/core/chat/history/getHistories`, { method: 'POST', headers, body: JSON.stringify({ appId: 'a', offset: 0, pageSize: 10 }) })
    ).text();
    await (await fetch(`${proxy.url}/api/core/chat/init?appId=a&chatId=c1`, { headers: { authorization: 'Bearer fastgpt-key' } })).text();
    await judged(proxy, 2);
    expect(rulesOf(proxy)).toEqual([]);
  });

  it('takes a keyless poll as its own exchange (refused: fine; refused with the events: a leak), and a first poll answered 404 as an unknown task', async () => {
    let leak = false;
    const proxy = await through(tasks, (req, _body, res) => {
      if (req.headers.authorization === undefined) {
        const events = leak ? { data: { status: 'completed', next_offset: 1, events: [{ type: 'text_chunk', data: { content: '你好' } }] } } : {};
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'unauthorized', ...events }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'no such task' }));
    });
    await (await fetch(`${proxy.url}/api/v1/tasks/t1?from=0`)).text();
    await (await fetch(`${proxy.url}/api/v1/tasks/made-up?from=0`, { headers: { authorization: 'Bearer k' } })).text();
    await judged(proxy, 1);
    expect(rulesOf(proxy)).toEqual(['error tasks.request.key']);
    leak = true;
    await (await fetch(`${proxy.url}/api/v1/tasks/t1?from=0`)).text();
    await judged(proxy, 2);
    expect(rulesOf(proxy)).toContain('error tasks.auth.refused');
  });

  it('judges a stream held open past the close grace after its last packet, while the traffic still passes until the server closes', async () => {
    const stream = (holdMs: number) => (_req: IncomingMessage, _body: string, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(packet(0) + packet(1, 'stop'));
      setTimeout(() => res.end(), holdMs);
    };
    const ask = (proxy: ProxyServer) =>
      fetch(`${proxy.url}/v1/ctai/query_text_chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query_text":"你好","stream":"1"}',
      });
    const held = await through(ctai, stream(400), { closeGraceMs: 50 });
    expect(await (await ask(held)).text()).toBe(packet(0) + packet(1, 'stop'));
    await judged(held, 1);
    expect(rulesOf(held)).toEqual(['error ctai.close.after-stop']);
    const closed = await through(ctai, stream(0), { closeGraceMs: 50 });
    await (await ask(closed)).text();
    await judged(closed, 1);
    expect(rulesOf(closed)).toEqual([]);
  });

  it('starts the close grace again at a frame after the last one: a server that closes soon after it is not held open', async () => {
    // The stop packet, a stray packet 200 ms later, the end 200 ms after that: 400 ms after the stop,
    // but never 300 ms without a frame. The stray packet is its own fault, and the only one.
    const proxy = await through(
      ctai,
      (_req, _body, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(packet(0) + packet(1, 'stop'));
        setTimeout(() => res.write(packet(2)), 200);
        setTimeout(() => res.end(), 400);
      },
      { closeGraceMs: 300 },
    );
    await (
      await fetch(`${proxy.url}/v1/ctai/query_text_chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query_text":"你好","stream":"1"}',
      })
    ).text();
    await judged(proxy, 1);
    expect(rulesOf(proxy)).toEqual(['error ctai.stop.last']);
  });

  it('passes an answer longer than --max-frames unjudged past the limit, with no finding about its end', async () => {
    const proxy = await through(
      ctai,
      (_req, _body, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(Array.from({ length: 30 }, (_, sn) => packet(sn, sn === 29 ? 'stop' : '')).join(''));
      },
      { maxFrames: 10 },
    );
    const body = await (
      await fetch(`${proxy.url}/v1/ctai/query_text_chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query_text":"你好","stream":"1"}',
      })
    ).text();
    expect(body.split('\n\n').length - 1).toBe(30);
    await judged(proxy, 1);
    expect(rulesOf(proxy)).toEqual([]);
    expect(proxy.ledger.report('', false).cases[0]?.steps[0]?.end).toBe('frame-limit');
  });
});
