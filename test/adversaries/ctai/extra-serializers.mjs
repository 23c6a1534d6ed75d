// JSON as other stacks write it, and SSE frames as other frameworks write them.

const hex4 = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

// Python json.dumps(ensure_ascii=True): every non-ASCII UTF-16 unit as \uXXXX (emoji as a surrogate pair).
export const ensureAscii = (v) => JSON.stringify(v).replace(/[\u0080-\uffff]/g, hex4);

// Go encoding/json: HTML-safe escapes of <, >, & and U+2028 / U+2029.
export const goJson = (v) => JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, hex4);

// Keys in reverse order, recursively (a serialiser that does not keep insertion order).
export function reversedKeys(v) {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).reverse()) out[k] = reversedKeys(v[k]);
    return out;
  }
  return v;
}

// Spring SseEmitter.event().data(json).name("message").id(id): "data:" first, no space after the colon.
export function springFrame(pkt, json) {
  return `data:${json}\nevent:message\nid:${pkt.data.msg_id}\n\n`;
}

// sse-starlette style: CRLF line endings.
export function crlfFrame(pkt, json) {
  return `id: ${pkt.data.msg_id}\r\ndata: ${json}\r\n\r\n`;
}
