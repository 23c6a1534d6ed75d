// Second-round FastGPT-like server: routing, body parsing, lifecycle, and the chat-records calls.
// The records logic is the first round's (records.mjs), run against a capturing response so the
// answer can be re-sent in this variant's wire style and refusal policy. Record faults (o.fault):
// 'refused-mutation-applies', 'refusal-with-data', 'delhistory-all'.
import http from 'node:http';
import { createStore } from './store.mjs';
import { records, recordPaths } from './records.mjs';
import { AppError, bad } from './errors.mjs';
import { completions } from './extra-completions.mjs';
import { refuseJson, sendEnvelope, asAppError } from './extra-errors.mjs';

const MAX_BODY = 2 * 1024 * 1024;
const MUTATIONS = ['updateHistory', 'delHistory', 'clearHistories', 'item/delete', 'updateUserFeedback'];
const isMutation = (path) => MUTATIONS.some((m) => path.endsWith('/' + m));

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => { size += c.length; if (size <= MAX_BODY) chunks.push(c); });
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY }));
    req.on('error', () => resolve({ text: '', tooLarge: false }));
  });
}

// Runs a records handler and captures its answer ({status, json}) or its error.
async function runRecords(ctx, path, authHeader) {
  const cap = { status: 0, body: '' };
  const res = { headersSent: false, writeHead(s) { cap.status = s; this.headersSent = true; }, setHeader() {}, end(b) { cap.body = String(b ?? ''); } };
  const req = authHeader === undefined ? ctx.req : { method: ctx.req.method, headers: { ...ctx.req.headers, authorization: authHeader } };
  try {
    await records({ ...ctx, req, res, o: { docShapes: ctx.o.docShapes, extras: ctx.o.extras } }, path);
    return { ok: true, json: JSON.parse(cap.body) };
  } catch (e) {
    return { ok: false, error: asAppError(e) };
  }
}

async function handleRecords(ctx, path) {
  const { o, store } = ctx;
  const r = await runRecords(ctx, path);
  if (r.ok) {
    if (o.fault === 'delhistory-all' && path.endsWith('/delHistory')) {
      // DELETE ... WHERE appId = ? — the chatId condition got lost.
      const appId = String(ctx.query.appId ?? ctx.body?.appId ?? '');
      for (const c of store.listChats(appId)) c.deleted = true;
    }
    return sendEnvelope(ctx, 200, r.json);
  }
  const authFailed = r.error.kind === 'unAuthorization' || r.error.kind === 'unAuthApiKey';
  const p = { ...ctx.query, ...(ctx.body && typeof ctx.body === 'object' ? ctx.body : {}) };
  const owner = store.appById(String(p.appId ?? ''));
  if (authFailed && owner && o.fault === 'refused-mutation-applies' && isMutation(path)) {
    // The handler ran before the auth middleware rejected the call.
    await runRecords(ctx, path, `Bearer ${owner.key}`);
  }
  if (authFailed && owner && o.fault === 'refusal-with-data' && !isMutation(path)) {
    const leaked = await runRecords(ctx, path, `Bearer ${owner.key}`);
    return refuseJson(ctx, r.error, leaked.ok ? leaked.json.data : null);
  }
  return refuseJson(ctx, r.error);
}

export async function startExtraServer(o) {
  const store = createStore();
  const state = { current: undefined };
  const sockets = new Set();

  async function handle(req, res) {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname.replace(/\/+$/, '');
    const { text, tooLarge } = await readBody(req);
    const ctx = { req, res, o, store, state, query: Object.fromEntries(url.searchParams), body: undefined, bodyError: false };
    try {
      if (tooLarge) throw new AppError(undefined, 'tooLarge');
      if (text.trim()) { try { ctx.body = JSON.parse(text.replace(/^\uFEFF/, '')); } catch { ctx.bodyError = true; } }
      if (path === '/api/v1/chat/completions' || path === '/api/v2/chat/completions') {
        if (req.method !== 'POST') throw new AppError(`Method ${req.method} not allowed`, 'notFound');
        return await completions(ctx);
      }
      if (recordPaths.includes(path)) {
        if (ctx.bodyError && req.method === 'POST') throw bad('Invalid JSON body');
        return await handleRecords(ctx, path);
      }
      throw new AppError(`Not Found: ${path}`, 'notFound');
    } catch (e) {
      if (res.headersSent) { if (!res.writableEnded) res.end(); return; }
      return refuseJson(ctx, e);
    }
  }

  const server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => {
    handle(req, res).catch(() => { try { if (!res.headersSent) res.writeHead(500); res.end(); } catch { /* gone */ } });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('clientError', (err, s) => { try { s.end('HTTP/1.1 400 Bad Request\r\n\r\n'); } catch { /* gone */ } });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    token: store.apps.chat.key,
    vars: { appId: store.apps.chat.id, selectAppKey: store.apps.select.key, formAppKey: store.apps.form.key, pluginAppKey: store.apps.plugin.key },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      server.closeAllConnections?.();
    })
  };
}
