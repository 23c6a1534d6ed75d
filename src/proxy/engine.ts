import { Decoder, PacketType, type Packet } from 'socket.io-parser';

/** An Engine.IO text packet: its type digit and what follows it. */
export interface EnginePacket {
  readonly type: string;
  readonly data: string;
}

/** The most packets read from one polling payload: a longer one is relayed, but only its first ones judged. */
const MAX_PAYLOAD_PACKETS = 10_000;

/**
 * Splits an Engine.IO polling payload into packets: v4 separates them with U+001E, v3 prefixes
 * each with its length in characters and a colon. Binary packets (`b…`) are left out.
 */
export function payloadPackets(text: string, eio: 3 | 4): EnginePacket[] {
  const texts: string[] = [];
  if (eio === 4) texts.push(...text.split('\x1e').slice(0, MAX_PAYLOAD_PACKETS));
  else {
    for (let at = 0; at < text.length && texts.length < MAX_PAYLOAD_PACKETS;) {
      const colon = text.indexOf(':', at);
      const length = Number(text.slice(at, colon));
      if (colon === -1 || !Number.isInteger(length) || length < 0) break;
      texts.push(text.slice(colon + 1, colon + 1 + length));
      at = colon + 1 + length;
    }
  }
  return texts.filter((packet) => packet !== '' && packet[0] !== 'b').map((packet) => ({ type: packet[0] ?? '', data: packet.slice(1) }));
}

export function enginePacket(text: string): EnginePacket | undefined {
  return text === '' ? undefined : { type: text[0] ?? '', data: text.slice(1) };
}

/** What one direction of a connection said, in Socket.IO terms. */
export type SocketMessage =
  | { readonly type: 'open'; readonly sid: string | undefined }
  | { readonly type: 'connect'; readonly id: string | undefined }
  | { readonly type: 'event'; readonly event: string; readonly args: readonly unknown[] }
  | { readonly type: 'close' };

function field(text: string, name: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const found: unknown = Object.entries(value).find(([key]) => key === name)?.[1];
    return typeof found === 'string' ? found : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads one direction of an Engine.IO connection: the open packet, Socket.IO connects and events,
 * and the close. Heartbeats, upgrades and acks pass unread. A packet it cannot decode is relayed as
 * it came and left unjudged: the proxy passes traffic, the server under test answers for it.
 */
export class SocketReader {
  #decoder = new Decoder();
  #out: SocketMessage[] = [];

  constructor() {
    this.#listen();
  }

  read(packet: EnginePacket): SocketMessage[] {
    this.#out = [];
    switch (packet.type) {
      case '0':
        return [{ type: 'open', sid: field(packet.data, 'sid') }];
      case '1':
        return [{ type: 'close' }];
      case '4':
        try {
          this.#decoder.add(packet.data);
        } catch {
          this.#decoder.destroy();
          this.#decoder = new Decoder();
          this.#listen();
        }
        return this.#out;
      default:
        return [];
    }
  }

  #listen(): void {
    this.#decoder.on('decoded', (packet: Packet) => {
      if (packet.type === PacketType.CONNECT) {
        const data: unknown = packet.data;
        const id = typeof data === 'object' && data !== null && 'sid' in data && typeof data.sid === 'string' ? data.sid : undefined;
        this.#out.push({ type: 'connect', id });
      } else if (packet.type === PacketType.EVENT && Array.isArray(packet.data)) {
        const [event, ...args] = packet.data as unknown[];
        if (typeof event === 'string') this.#out.push({ type: 'event', event, args });
      } else if (packet.type === PacketType.DISCONNECT) this.#out.push({ type: 'close' });
    });
  }
}
