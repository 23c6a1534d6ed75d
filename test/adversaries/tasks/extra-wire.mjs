// Wire helpers for the second-round variants (extra-*.mjs): how other stacks serialize JSON and
// write HTTP answers. Written from specs/003 + PROTOCOLS.md § tasks only.
import zlib from 'node:zlib';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ serializers

const hex4 = (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
const escAscii = (s) => s.replace(/[\u007f-\uffff]/g, hex4); // like Python ensure_ascii (per UTF-16 unit)

function pyString(s, ensureAscii) {
  const j = JSON.stringify(s);
  return ensureAscii ? escAscii(j) : j;
}

// Python json.dumps: default separators (', ', ': '), or indent=N with (',', ': '); sort_keys; ensure_ascii.
export function pyDumps(value, { indent = null, sortKeys = false, ensureAscii = true } = {}) {
  const item = indent === null ? ', ' : ',';
  const walk = (v, depth) => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
    if (typeof v === 'string') return pyString(v, ensureAscii);
    const pad = indent === null ? '' : '\n' + ' '.repeat(indent * (depth + 1));
    const end = indent === null ? '' : '\n' + ' '.repeat(indent * depth);
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      return '[' + v.map((x) => pad + walk(x, depth + 1)).join(item) + end + ']';
    }
    let keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (sortKeys) keys = keys.sort();
    if (!keys.length) return '{}';
    return '{' + keys.map((k) => pad + pyString(k, ensureAscii) + ': ' + walk(v[k], depth + 1)).join(item) + end + '}';
  };
  return walk(value, 0);
}

// Go encoding/json (json.NewEncoder(w).Encode): HTML-safe escaping of <, >, &, U+2028, U+2029 and a trailing newline.
export function goEncode(value) {
  return (
    JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '\n'
  );
}

// ------------------------------------------------------------------ writers
// A writer gets (res, status, headers, buf, meta) and writes one whole answer.

// Content-Length framing (the default).
export async function writeLength(res, status, headers, buf) {
  res.writeHead(status, { ...headers, 'Content-Length': buf.length });
  res.end(buf);
}

// Chunked framing (Node picks chunked when no Content-Length is set), optionally in several writes.
export function writeChunked({ pieces = 1, pauseMs = 0 } = {}) {
  return async (res, status, headers, buf) => {
    res.writeHead(status, headers);
    if (!buf.length) return res.end();
    const step = Math.max(1, Math.ceil(buf.length / pieces));
    for (let i = 0; i < buf.length && !res.destroyed; i += step) {
      res.write(buf.subarray(i, i + step));
      if (pauseMs) await sleep(pauseMs);
    }
    res.end();
  };
}

// Go net/http: a body written in one go under 2048 bytes gets a Content-Length, a bigger one is chunked.
export async function writeGo(res, status, headers, buf) {
  if (buf.length < 2048) return writeLength(res, status, headers, buf);
  res.writeHead(status, headers);
  for (let i = 0; i < buf.length; i += 4096) res.write(buf.subarray(i, i + 4096));
  res.end();
}

// Compression middleware: gzip when the client accepts it (chunked, Vary), identity otherwise.
export function writeGzip(inner = writeLength) {
  return async (res, status, headers, buf, meta) => {
    const accepts = /\bgzip\b/i.test(String(meta.req.headers['accept-encoding'] || ''));
    const h = { ...headers, Vary: 'Accept-Encoding' };
    if (!accepts || buf.length === 0) return inner(res, status, h, buf, meta);
    const gz = zlib.gzipSync(buf);
    res.writeHead(status, { ...h, 'Content-Encoding': 'gzip' });
    const mid = Math.max(1, gz.length >> 1); // flushed in two pieces, like a streaming compressor
    res.write(gz.subarray(0, mid));
    await sleep(2);
    res.end(gz.subarray(mid));
  };
}

// Renames header names with `fn` (e.g. lower-case, upper-case) before writing; Node keeps the given case.
export function withHeaderCase(fn, inner = writeLength) {
  return (res, status, headers, buf, meta) => {
    const out = {};
    for (const [k, v] of Object.entries(headers)) out[fn(k)] = v;
    // Content-Length set by writeLength keeps its case; pass through the renamer too.
    return inner(
      { writeHead: (s, h) => res.writeHead(s, Object.fromEntries(Object.entries(h).map(([k, v]) => [fn(k), v]))), end: (b) => res.end(b), write: (b) => res.write(b), get destroyed() { return res.destroyed; } },
      status,
      out,
      buf,
      meta,
    );
  };
}
