// Second-round conformant variations: what real stacks legally do differently (specs/003 + digest § tasks).
import crypto from 'node:crypto';
import { startExtra, plainPlan, pieces, replyText } from './extra-base.mjs';
import { pyDumps, goEncode, writeGzip, writeGo, writeChunked, withHeaderCase } from './extra-wire.mjs';
import { spawnPython } from './extra-python.mjs';

const iso = () => new Date().toISOString();
let snow = BigInt(Date.now()) << 22n;
const snowflake = () => String((snow += BigInt(1 + Math.floor(Math.random() * 4096))));

// Offsets are positions in a server-wide event sequence (an auto-increment events table): sparse,
// ascending, next_offset = sequence number of the last event returned, `from` = "after this number".
function sequenceView(task, from, now, opt) {
  const log = task.log;
  let visible = 0;
  while (visible < log.length && log[visible].time <= now) visible++;
  let start = 0;
  while (start < log.length && log[start].gid <= from) start++;
  const end = Math.min(visible, start + opt.pageSize);
  const events = start < end ? log.slice(start, end) : [];
  const next = events.length ? events[events.length - 1].gid : from;
  const remaining = start + events.length < log.length;
  const finished = now >= task.doneTime;
  return { status: finished && !remaining ? task.status : 'running', next_offset: next, events, finished };
}

// The worker sits in a queue ~1.1 s (status running, no events), then answers fast and takes ~300 ms to close.
function slowStartPlan(message, rnd) {
  const p = plainPlan(message, rnd, { first: 1100, gap: [15, 40], size: [3, 6] });
  return { ...p, doneAt: p.events[p.events.length - 1].at + 300 };
}

// Hundreds of one- or two-character events ~3 ms apart, plus one 64 KB chunk (a pasted code block).
function hugePlan(message, rnd) {
  const text = replyText(message).repeat(8);
  const chunks = pieces(text, rnd, 1, 2);
  const big = '```text\n' + Array.from({ length: 1100 }, (_, i) => `第${i}行 line ${i}: 数据 data`).join('\n') + '\n```\n';
  chunks.splice(chunks.length >> 1, 0, big);
  let t = 40;
  const events = chunks.map((c) => ({ type: 'text_chunk', data: { content: c }, at: (t += 2 + Math.floor(rnd() * 3)) }));
  return { events, doneAt: t + 10, status: 'completed' };
}

// Empty tokens (content ""), undocumented events with empty or nested data, final status "finished".
function sparsePlan(message, rnd, { maxIt }) {
  let t = 50;
  const at = () => (t += 20 + Math.floor(rnd() * 40));
  const events = [
    { type: 'heartbeat', data: {}, at: at() },
    { type: 'step', data: { iteration: 1, max_iterations: maxIt ?? null, tools: [], plan: { steps: [] } }, at: at() },
    { type: 'text_chunk', data: { content: '' }, at: at() },
  ];
  pieces(replyText(message), rnd, 3, 7).forEach((c, i) => {
    events.push({ type: 'text_chunk', data: { content: c }, at: at() });
    if (i % 4 === 3) events.push({ type: 'text_chunk', data: { content: '' }, at: at() });
  });
  events.push({ type: 'heartbeat', data: {}, at: at() });
  return { events, doneAt: t + 20, status: 'finished' };
}

// Go text with characters encoding/json escapes for HTML safety.
function goPlan(message, rnd) {
  const p = plainPlan(message, rnd);
  p.events.splice(2, 0, { type: 'text_chunk', data: { content: ' <b>A&B</b> → x>y\u2028' }, at: p.events[1].at + 1 });
  return p;
}

const springError = (status, message, ctx) => ({
  timestamp: new Date().toISOString().replace('Z', '+00:00'),
  status,
  error: http_reason[status] || 'Error',
  path: new URL(ctx.req.url, 'http://x').pathname,
});
const http_reason = { 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' };
const flaskHtml = (status, message) => ({
  raw: `<!doctype html>\n<html lang=en>\n<title>${status} ${http_reason[status] || 'Error'}</title>\n<h1>${http_reason[status] || 'Error'}</h1>\n<p>${message}</p>\n`,
  contentType: 'text/html; charset=utf-8',
});
const nginxHtml = (status) => ({
  raw: `<html>\r\n<head><title>${status} ${http_reason[status]}</title></head>\r\n<body>\r\n<center><h1>${status} ${http_reason[status]}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  contentType: 'text/html',
});

export const extraPassVariants = [
  {
    id: 'x-gzip-when-accepted',
    expect: 'pass',
    says: 'Compression middleware: every answer gzip-encoded (Content-Encoding: gzip, chunked, Vary) when the client sends Accept-Encoding: gzip',
    start: () => startExtra({ writer: writeGzip(), headers: { Server: 'nginx/1.24.0' } }),
  },
  {
    id: 'x-flask-pretty-sorted-ascii',
    expect: 'pass',
    says: 'Flask jsonify style: indented, keys sorted, non-ASCII as \\uXXXX, trailing newline, Content-Type without charset; HTML error pages',
    start: () =>
      startExtra({
        serialize: (o) => pyDumps(o, { indent: 2, sortKeys: true, ensureAscii: true }) + '\n',
        contentType: 'application/json',
        headers: { Server: 'Werkzeug/3.0.1 Python/3.11.2' },
        errorBody: flaskHtml,
        unauthorized: () => ({ status: 401, body: { msg: 'Missing or invalid Authorization header' } }),
      }),
  },
  {
    id: 'x-spring-boot-style',
    expect: 'pass',
    says: 'Spring Boot: chunked bodies, 201 + Location, snowflake ids, Jackson nulls and key order, extra envelope fields, empty 401 with WWW-Authenticate error',
    start: () =>
      startExtra({
        writer: writeChunked({ pieces: 2, pauseMs: 1 }),
        contentType: 'application/json',
        headers: { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache, no-store, max-age=0, must-revalidate', Pragma: 'no-cache', Expires: '0', 'X-Frame-Options': 'DENY' },
        idFor: snowflake,
        status: { workspaceNew: 201, workspaceExisting: 200, conversation: 201, message: 201 },
        createHeaders: (kind, body, ws) =>
          kind === 'conversation' ? { Location: `/api/v1/workspaces/${ws}/conversations/${body.conversation_id}` } : kind === 'message' ? { Location: `/api/v1/tasks/${body.task_id}` } : {},
        decorate: (kind, body) => ({ ...body, title: null, createdAt: iso() }),
        renderEvent: (e) => ({ id: null, type: e.type, data: { ...e.data, reasoning: null }, createdAt: new Date(e.time).toISOString() }),
        renderPoll: (v, task, opt) => ({ success: true, data: { taskId: task.id, events: v.events.map((e) => opt.renderEvent(e)), next_offset: v.next_offset, status: v.status, error: null } }),
        errorBody: springError,
        unauthorized: (why) => ({
          status: 401,
          body: { raw: '' },
          headers: { 'WWW-Authenticate': why === 'missing' ? 'Bearer' : 'Bearer error="invalid_token", error_description="An error occurred while attempting to decode the Jwt"' },
        }),
      }),
  },
  {
    id: 'x-python-stdlib-http10',
    expect: 'pass',
    says: 'Python http.server: "HTTP/1.0 200 OK", no Content-Length (body ends at connection close), ASCII-escaped JSON, HTML error pages, 3 events per poll',
    start: () => spawnPython('py_stdlib_server.py'),
  },
  {
    id: 'x-sequence-number-offsets',
    expect: 'pass',
    says: 'next_offset is the server-wide sequence number of the last event returned (sparse, ≠ from + count); ≤4 events per poll',
    start: () => startExtra({ view: sequenceView, pageSize: 4 }),
  },
  {
    id: 'x-slow-start-linger',
    expect: 'pass',
    says: 'Queued ~1.1 s ("running", no events), then a burst, and status flips ~300 ms after the last event',
    start: () => startExtra({ plan: slowStartPlan }),
  },
  {
    id: 'x-hundreds-of-events',
    expect: 'pass',
    says: 'Hundreds of one/two-character events about 3 ms apart plus one 64 KB chunk; polls answer hundreds of events at once',
    start: () => startExtra({ plan: hugePlan }),
  },
  {
    id: 'x-empty-tokens-bare-events',
    expect: 'pass',
    says: 'Empty-string text_chunk tokens, undocumented events with {} or nested data, final status "finished"',
    start: () => startExtra({ plan: sparsePlan }),
  },
  {
    id: 'x-every-legal-refusal',
    expect: 'pass',
    says: '401 with an empty body + WWW-Authenticate error="invalid_token"; nginx HTML 404; text/plain 400/405; lower-case "bearer" scheme accepted',
    start: () =>
      startExtra({
        unauthorized: (why) => ({ status: 401, body: { raw: '' }, headers: { 'WWW-Authenticate': why === 'missing' ? 'Bearer realm="api"' : 'Bearer realm="api", error="invalid_token"' } }),
        errorBody: (status, message) => (status === 404 ? nginxHtml(404) : { raw: `${status} ${message}`, contentType: 'text/plain; charset=utf-8' }),
      }),
  },
  {
    id: 'x-go-net-http-style',
    expect: 'pass',
    says: 'Go net/http + encoding/json: \\u003c/\\u003e/\\u0026/\\u2028 escapes, trailing newline, Content-Length below 2 KB else chunked, text/plain http.Error bodies',
    start: () =>
      startExtra({
        plan: goPlan,
        serialize: goEncode,
        contentType: 'application/json',
        writer: writeGo,
        errorBody: (status, message) => ({ raw: `${message}\n`, contentType: 'text/plain; charset=utf-8' }),
        unauthorized: () => ({ status: 401, body: { raw: 'unauthorized\n', contentType: 'text/plain; charset=utf-8' }, headers: { 'X-Content-Type-Options': 'nosniff' } }),
      }),
  },
  {
    id: 'x-lazy-workspaces',
    expect: 'pass',
    says: 'A conversation or message in a workspace never POSTed creates it on first use (another workspace\'s conversation is still refused)',
    start: () => startExtra({ lazyWorkspaces: true, idFor: (k) => `${k[0]}_${crypto.randomBytes(5).toString('base64url')}` }),
  },
  {
    id: 'x-async-202-accepted',
    expect: 'pass',
    says: 'Messages answer 202 Accepted + Location + Retry-After; new workspace 201, existing 200; conversations 201; polls Cache-Control: no-store',
    start: () =>
      startExtra({
        status: { workspaceNew: 201, workspaceExisting: 200, conversation: 201, message: 202 },
        createHeaders: (kind, body) => (kind === 'message' ? { Location: `/api/v1/tasks/${body.task_id}?from=0`, 'Retry-After': '1' } : {}),
        decorate: (kind, body) => (kind === 'message' ? { ...body, state: 'accepted', poll: `/api/v1/tasks/${body.task_id}?from=0` } : body),
        headers: { 'Cache-Control': 'no-store' },
      }),
  },
  {
    id: 'x-odd-header-casing',
    expect: 'pass',
    says: 'Header names in odd case (CONTENT-TYPE, content-length) and media type "Application/JSON; Charset=\\"UTF-8\\""',
    start: () =>
      startExtra({
        contentType: 'Application/JSON; Charset="UTF-8"',
        writer: withHeaderCase((k) => (/^content-type$/i.test(k) ? 'CONTENT-TYPE' : k.toLowerCase())),
      }),
  },
];
