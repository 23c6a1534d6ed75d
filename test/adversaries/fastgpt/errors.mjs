// Errors, the FastGPT envelope {code, statusText, message, data}, and API-key auth.
// Profile 'legacy' (v4.11–v4.14): every error is HTTP 500. Profile 'newest': per-error statuses.

const KINDS = {
  badRequest: { code: 500, statusText: 'error', http: 400 },
  unAuthorization: { code: 403, statusText: 'unAuthorization', message: 'common:code_error.error_message.403', http: 401, known: true },
  unAuthApiKey: { code: 514, statusText: 'unAuthApiKey', message: 'Api Key 不合法', http: 401, known: true },
  appUnExist: { code: 502000, statusText: 'appUnExist', message: 'app:error.app_not_exist', http: 404, known: true },
  chatUnExist: { code: 504001, statusText: 'unAuthChat', message: 'chat:error.chat_not_exist', http: 404, known: true },
  notFound: { code: 404, statusText: 'notFound', message: 'Not Found', http: 404 },
  tooLarge: { code: 413, statusText: 'error', message: 'Body exceeded 2mb limit', http: 413 }
};

export class AppError extends Error {
  constructor(message, kind = 'badRequest') {
    super(message || KINDS[kind]?.message || kind);
    this.kind = kind;
  }
}
export const bad = (message) => new AppError(message, 'badRequest');

export function envelopeOf(e, o = {}) {
  const k = KINDS[e.kind] || KINDS.badRequest;
  const code = o.profile === 'newest' && e.kind === 'badRequest' ? 400 : k.code;
  return { code, statusText: k.statusText, message: e.message || k.message, data: null };
}

export function httpStatusOf(ctx, e) {
  const k = KINDS[e.kind] || KINDS.badRequest;
  if (e.kind === 'notFound' || e.kind === 'tooLarge') return k.http;
  return ctx.o.profile === 'newest' ? k.http : 500;
}

export function sendJson(res, status, obj, o = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...(o.extraHeaders || {}) });
  res.end(body);
}

export function jsonError(ctx, e) {
  if (!(e instanceof AppError)) e = new AppError(String(e?.message || e), 'badRequest');
  if (ctx.o.fault === 'openai-error-shape') {
    const status = KINDS[e.kind]?.known && e.kind.startsWith('unAuth') ? 401 : KINDS[e.kind]?.http || 400;
    return sendJson(ctx.res, status, { error: { message: e.message, type: 'invalid_request_error', code: e.kind } });
  }
  return sendJson(ctx.res, httpStatusOf(ctx, e), envelopeOf(e, ctx.o));
}

// A failure before the stream started, with stream:true: HTTP 200, no event-stream header, one
// `event: error` frame (what FastGPT's sseErrRes writes).
export function streamPreError(ctx, e) {
  if (!(e instanceof AppError)) e = new AppError(String(e?.message || e), 'badRequest');
  const { res } = ctx;
  if (ctx.o.fault === 'stream-error-openai-shape') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream;charset=utf-8', 'Cache-Control': 'no-cache, no-transform' });
    return res.end(`data: ${JSON.stringify({ error: { message: e.message, type: 'invalid_request_error' } })}\n\n`);
  }
  // Newest profile: auth is refused before the handler runs, as a JSON envelope with HTTP 401.
  if (ctx.o.profile === 'newest' && e.kind.startsWith('unAuth')) return jsonError(ctx, e);
  const payload = KINDS[e.kind]?.known ? envelopeOf(e, ctx.o) : { message: e.message };
  res.writeHead(200);
  res.end(`event: error\ndata: ${JSON.stringify(payload)}\n\n`);
}

// Authorization: Bearer <app key>. scope: 'completions' | 'records' (for the auth faults).
export function authApp(ctx, scope) {
  const { req, store, o } = ctx;
  const raw = String(req.headers.authorization || '').trim();
  const key = raw.replace(/^bearer\s+/i, '').trim();
  const app = key ? store.appByKey(key) : undefined;
  if (app) return app;
  if (o.fault === 'records-no-auth' && scope === 'records') return store.apps.chat;
  if (o.fault === 'any-key-accepted' && scope === 'completions' && key) return store.apps.chat;
  throw new AppError(undefined, key ? 'unAuthApiKey' : 'unAuthorization');
}
