/**
 * What the `crosstalk` fault overlay borrows from: the answers of one protocol in flight at once,
 * each with its latest frame and a way to read its request. Nothing here knows the protocol.
 */
export interface CrosstalkPeer<F = Uint8Array> {
  /** The answer's latest frame of its own, as written (none before its first): bytes, or a Socket.IO event's data. */
  last: F | undefined;
  readonly request: () => Promise<string | undefined>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A borrowed frame with its request quoted into its last JSON object: the mock's scripted answers
 * quote nothing of the question, where a model's answer would, so the other client's words travel
 * with the frame as they would in a real mix-up.
 */
export function quoteRequest(frame: Uint8Array, request: string): Uint8Array {
  const text = decoder.decode(frame);
  const close = text.lastIndexOf('}');
  const quoted = `"chatwire_crosstalk":${JSON.stringify(request)}`;
  if (close < 0) return encoder.encode(`${text}${quoted}`);
  const before = text.slice(0, close).trimEnd();
  const joined = before.endsWith('{') ? `${before}${quoted}` : `${before},${quoted}`;
  return encoder.encode(`${joined}${text.slice(close)}`);
}

/** A Socket.IO event's data with the other request quoted in: a field of an object, else after the text. */
export function quoteRequestInData(data: unknown, request: string): unknown {
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) return { ...data, chatwire_crosstalk: request };
  return `${typeof data === 'string' ? data : JSON.stringify(data)} ${request}`;
}

/** The answers in flight, per channel (a protocol id). Each joins when its overlay starts and leaves when it ends. */
export class CrosstalkBoard<F = Uint8Array> {
  readonly #channels = new Map<string, Set<CrosstalkPeer<F>>>();

  join(channel: string, peer: CrosstalkPeer<F>): () => void {
    let peers = this.#channels.get(channel);
    if (peers === undefined) {
      peers = new Set();
      this.#channels.set(channel, peers);
    }
    peers.add(peer);
    return () => {
      peers.delete(peer);
      if (peers.size === 0 && this.#channels.get(channel) === peers) this.#channels.delete(channel);
    };
  }

  /** The latest frame of another answer of the channel, and its request; undefined when none has a frame yet. */
  async borrow(channel: string, self: CrosstalkPeer<F>): Promise<{ frame: F; request: string | undefined } | undefined> {
    const others = [...(this.#channels.get(channel) ?? [])].filter((peer) => peer !== self && peer.last !== undefined);
    const other = others.at(-1);
    if (other?.last === undefined) return undefined;
    const frame = other.last;
    return { frame, request: await other.request().catch(() => undefined) };
  }
}
