// One FastGPT-like server: routing, body parsing, lifecycle. Behaviour knobs come from `o`
// (see servers.mjs); o.fault names the single seeded fault of a faulty variant.
import http from 'node:http';
import { createStore } from './store.mjs';
import { completions } from './completions.mjs';
import { records, recordPaths } from './records.mjs';
import { AppError, jsonError } from './errors.mjs';

const MAX_BODY = 2 * 1024 * 1024;

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c) => { size += c.length; if (size > MAX_BODY) tooLarge = true; else chunks.push(c); });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge }));
    req.on('error', () => resolve({ text: '', tooLarge: false }));
  });
}

export async function startServer(o = {}) {
  const store = createStore();
  const sockets = new Set();

  async function handle(req, res) {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname.replace(/\/+$/, '');
    const { text, tooLarge } = await readBody(req);
    const ctx = { req, res, o, store, query: Object.fromEntries(url.searchParams), body: undefined, bodyError: false };
    if (tooLarge) return jsonError(ctx, new AppError(undefined, 'tooLarge'));
    if (text.trim()) {
      try { ctx.body = JSON.parse(text); } catch { ctx.bodyError = true; }
    }
    try {
      if (path === '/api/v1/chat/completions') {
        if (req.method !== 'POST') throw new AppError(`Method ${req.method} not allowed`, 'notFound');
        return await completions(ctx);
      }
      if (recordPaths.includes(path)) return await records(ctx, path);
      throw new AppError(`Not Found: ${path}`, 'notFound');
    } catch (e) {
      if (res.headersSent) { if (!res.writableEnded) res.end(); return; }
      return jsonError(ctx, e);
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => { try { if (!res.headersSent) res.writeHead(500); res.end(); } catch { /* gone */ } });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('clientError', (err, s) => { try { s.end('HTTP/1.1 400 Bad Request\r\n\r\n'); } catch { /* gone */ } });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const { port } = server.address();

  return {
    url: `http://127.0.0.1:${port}`,
    token: store.apps.chat.key,
    vars: {
      appId: store.apps.chat.id,
      selectAppKey: store.apps.select.key,
      formAppKey: store.apps.form.key,
      pluginAppKey: store.apps.plugin.key
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      server.closeAllConnections?.();
    })
  };
}
