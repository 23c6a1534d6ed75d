// Second-round refusal policies: every legal way a FastGPT-compatible backend refuses a call.
// o.errors: 'legacy'  – FastGPT v4.11–v4.14: every JSON error HTTP 500 with the envelope; with
//                        stream:true a pre-stream failure is HTTP 200, no Content-Type, one `event: error` frame;
//           'newest'  – FastGPT main: per-error HTTP statuses; stream-mode auth failures as JSON;
//           'business200' – HTTP 200 for everything, the refusal is in the envelope `code`
//                        (the digest pins no HTTP status, only a non-200 envelope code and no data);
//           'rest'    – 401 (+WWW-Authenticate) without a key, 403 with a wrong one, 422 for bad
//                        input, 404 unknown app/path; stream-mode refusals answered as JSON too.
import { AppError, envelopeOf } from './errors.mjs';
import { sendBody, ser } from './extra-wire.mjs';

const NEWEST_HTTP = { badRequest: 400, unAuthorization: 401, unAuthApiKey: 401, appUnExist: 404, chatUnExist: 404, notFound: 404, tooLarge: 413 };
const REST_HTTP = { badRequest: 422, unAuthorization: 401, unAuthApiKey: 403, appUnExist: 404, chatUnExist: 404, notFound: 404, tooLarge: 413 };
const KNOWN = ['unAuthorization', 'unAuthApiKey', 'appUnExist', 'chatUnExist'];

export const asAppError = (e) => (e instanceof AppError ? e : new AppError(String(e?.message || e || 'error'), 'badRequest'));

export function httpStatus(o, e) {
  if (e.kind === 'notFound' || e.kind === 'tooLarge') return NEWEST_HTTP[e.kind];
  switch (o.errors) {
    case 'newest': return NEWEST_HTTP[e.kind] || 400;
    case 'rest': return REST_HTTP[e.kind] || 400;
    case 'business200': return 200;
    default: return 500;
  }
}

export function envelope(o, e, data = null) {
  const env = envelopeOf(e, { profile: o.errors === 'legacy' || o.errors === 'business200' ? 'legacy' : 'newest' });
  return { ...env, data };
}

export function sendEnvelope(ctx, status, obj) {
  const { req, res, o } = ctx;
  const extra = {};
  if (status === 401 && o.errors === 'rest') extra['WWW-Authenticate'] = 'Bearer realm="fastgpt"';
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  sendBody(req, res, o.wire, status, o.wire.jsonType || 'application/json; charset=utf-8', ser(obj, o.wire.json, { body: true }));
}

export function refuseJson(ctx, e, data = null) {
  e = asAppError(e);
  sendEnvelope(ctx, httpStatus(ctx.o, e), envelope(ctx.o, e, data));
}

// A failure before the stream started, the request having asked for stream:true.
export function refuseStream(ctx, e) {
  e = asAppError(e);
  const { o, req, res } = ctx;
  if (o.errors === 'rest' || (o.errors === 'newest' && e.kind.startsWith('unAuth'))) return refuseJson(ctx, e);
  const payload = KNOWN.includes(e.kind) ? envelope(o, e) : { message: e.message };
  const eol = o.wire.eol || '\n';
  const sp = o.wire.space === false ? '' : ' ';
  const frame = `event:${sp}error${eol}data:${sp}${ser(payload, o.wire.json)}${eol}${eol}`;
  sendBody(req, res, o.wire, 200, o.wire.preErrorType, frame);
}
