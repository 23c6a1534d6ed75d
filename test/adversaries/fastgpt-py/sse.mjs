// Encoding one {event, data} frame as SSE text, with the framing options of base.mjs.

/** Python's repr() of a dict of str/int/bool/None/dict/list (FAULT helper: str(dict) instead of json.dumps). */
export function pyRepr(v) {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return "'" + v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n') + "'";
  if (Array.isArray(v)) return '[' + v.map(pyRepr).join(', ') + ']';
  return '{' + Object.entries(v).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ') + '}';
}

export function encodeFrame(frame, o, n) {
  const L = o.eol;
  let s = '';
  if (o.comment) s += `: ${o.comment}${L}`;
  if (o.ids) s += `id: ${n}${L}`;
  if (o.named) s += `event: ${frame.event}${L}`;
  const data = o.named ? frame.data : { event: frame.event, ...frame.data };
  const lines = o.multiline ? JSON.stringify(data, null, 1).split('\n') : [o.encode(data)];
  for (const line of lines) s += `data: ${line}${L}`;
  return s + L;
}
