/**
 * JSON text of values of any depth and size, for reports and text searches. JSON.stringify
 * recurses: a value nested 100,000 deep (which JSON.parse reads fine) overflows the stack, and a
 * 200 MB value is copied whole just to quote its first characters. These walk the value with an
 * explicit stack and can stop after a prefix.
 */

type Work =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'value'; readonly value: unknown; readonly inArray: boolean }
  | { readonly type: 'items'; readonly list: readonly unknown[]; next: number }
  | { readonly type: 'entries'; readonly object: Readonly<Record<string, unknown>>; readonly keys: readonly string[]; next: number; written: number };

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * The JSON text of a value, cut after `limit` characters: `complete` says whether it is all there.
 * Writes what JSON.stringify would for JSON-like values (Buffers through their toJSON), undefined
 * for a value it has no text for.
 */
export function jsonPrefix(value: unknown, limit: number): { readonly text: string; readonly complete: boolean } | undefined {
  if (omitted(value)) return undefined;
  const parts: string[] = [];
  let length = 0;
  const write = (text: string): boolean => {
    parts.push(text);
    length += text.length;
    return length <= limit;
  };
  const stack: Work[] = [{ type: 'value', value, inArray: false }];
  // Each turn writes something or moves a cursor: bounded by the size of the value and by `limit`.
  for (let work = stack.pop(); work !== undefined; work = stack.pop()) {
    let room = true;
    switch (work.type) {
      case 'text':
        room = write(work.text);
        break;
      case 'items':
        if (work.next >= work.list.length) break;
        stack.push(work);
        if (work.next > 0 && !write(',')) room = false;
        stack.push({ type: 'value', value: work.list[work.next++], inArray: true });
        break;
      case 'entries': {
        const key = work.keys[work.next++];
        if (key === undefined) break;
        stack.push(work);
        const item = work.object[key];
        if (omitted(item)) break;
        room = write(`${work.written++ > 0 ? ',' : ''}${JSON.stringify(key)}:`);
        stack.push({ type: 'value', value: item, inArray: false });
        break;
      }
      case 'value': {
        let item = work.value;
        if (typeof item === 'object' && item !== null && hasToJson(item)) item = item.toJSON();
        if (omitted(item)) room = write(work.inArray ? 'null' : '');
        else if (typeof item === 'string') room = write(JSON.stringify(item.length > limit - length ? item.slice(0, Math.max(0, limit - length) + 1) : item));
        else if (typeof item === 'bigint') throw new TypeError('Do not know how to serialize a BigInt');
        else if (typeof item !== 'object' || item === null) room = write(JSON.stringify(item));
        else if (Array.isArray(item)) {
          room = write('[');
          stack.push({ type: 'text', text: ']' }, { type: 'items', list: item as readonly unknown[], next: 0 });
        } else {
          room = write('{');
          const object = item as Readonly<Record<string, unknown>>;
          stack.push({ type: 'text', text: '}' }, { type: 'entries', object, keys: Object.keys(object), next: 0, written: 0 });
        }
        break;
      }
    }
    if (!room) return { text: parts.join('').slice(0, limit), complete: false };
  }
  return { text: parts.join(''), complete: true };
}

/** JSON.stringify, without its stack limit: the native one first, the walk when the value is too deep for it. */
export function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return jsonPrefix(value, Number.POSITIVE_INFINITY)?.text;
  }
}
