import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A rate limiter in front of a server: each request whose method, path and body `turnAway` picks is
 * answered 429 with `Retry-After`, in ctai's error form; every other one is passed to `upstream`
 * untouched. Listens on 127.0.0.1, port 0.
 */
export async function rateLimiter(
  upstream: string,
  turnAway: (key: string) => boolean,
  retryAfter = '0',
): Promise<{ readonly url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (turnAway(`${req.method ?? ''} ${req.url ?? ''} ${body.toString()}`)) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter }).end(JSON.stringify({ ret: '429', msg: 'slow down' }));
        return;
      }
      const headers = { ...req.headers, host: target.host };
      const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
