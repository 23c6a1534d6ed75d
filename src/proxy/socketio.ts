import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { SocketProtocol } from '../protocols/protocol.js';
import type { ProxyContext } from './context.js';
import { enginePacket, payloadPackets, SocketReader, type EnginePacket } from './engine.js';
import { flatHeaders, forwardHeaders, relayHttp, upstreamUrl } from './relay.js';
import { SocketConnection } from './socket-session.js';

/** The most Engine.IO connections followed at once; past it the oldest is let go (still relayed, no longer judged). */
const MAX_CONNECTIONS = 10_000;

/** Headers a WebSocket client library sets for its own handshake: not copied from the client's. */
const OWN_WS_HEADERS = new Set(['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-accept', 'host']);

interface Followed {
  readonly connection: SocketConnection;
  readonly fromClient: SocketReader;
  readonly fromServer: SocketReader;
}

/**
 * Relays Engine.IO (its handshake, long-polling and the WebSocket upgrade) to the target and reads
 * both directions' packets, so each request event and the events answering it are judged as one exchange.
 */
export class SocketProxy {
  readonly #followed = new Map<string, Followed>();
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #sockets = new Set<WebSocket>();

  constructor(
    readonly context: ProxyContext,
    readonly protocol: SocketProtocol,
  ) {
    context.signal.addEventListener('abort', () => {
      for (const followed of this.#followed.values()) followed.connection.close('proxy');
      this.#followed.clear();
      for (const socket of this.#sockets) socket.terminate();
      this.#wss.close();
    });
  }

  /** A long-polling request: the handshake, a GET carrying server packets, or a POST carrying client packets. */
  handlePolling(req: IncomingMessage, res: ServerResponse): void {
    const { context } = this;
    const query = new URL(req.url ?? '/', 'http://proxy.invalid').searchParams;
    const eio = query.get('EIO') === '3' ? 3 : 4;
    const sid = query.get('sid') ?? undefined;
    const decoder = new TextDecoder('utf-8');
    let text = '';
    let bytes = 0;
    let headers: Record<string, string> = {};
    relayHttp(
      req,
      res,
      context.target,
      () => context.clock.now(),
      {
        request: (record) => {
          headers = record.headers;
          const followed = sid === undefined ? undefined : this.#followed.get(sid);
          if (followed !== undefined && record.method === 'POST' && record.body !== undefined) {
            for (const packet of payloadPackets(record.body, eio)) this.#client(followed, packet);
          }
        },
        response: () => undefined,
        chunk: (chunk) => {
          bytes += chunk.length;
          if (bytes <= context.limits.maxBytes) text += decoder.decode(chunk, { stream: true });
        },
        end: (outcome) => {
          if (outcome.type !== 'finished' || req.method !== 'GET' || bytes > context.limits.maxBytes) return;
          const packets = payloadPackets(text + decoder.decode(), eio);
          const followed = sid === undefined ? this.#openFrom(packets, headers) : this.#followed.get(sid);
          if (followed !== undefined) for (const packet of packets) this.#server(followed, packet);
        },
      },
      context.onError,
    );
  }

  /** The WebSocket upgrade: both ends are WebSockets, and each message is passed on, then read. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { context } = this;
    const url = upstreamUrl(context.target, req.url ?? '/');
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const headers = Object.fromEntries(Object.entries(forwardHeaders(req.headers, context.target)).filter(([name]) => !OWN_WS_HEADERS.has(name)));
    const upstream = new WebSocket(url, { headers, perMessageDeflate: false });
    const refuse = (status: number): void => {
      if (socket.writable) socket.end(`HTTP/1.1 ${status} ${status === 502 ? 'Bad Gateway' : 'Refused'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    upstream.once('unexpected-response', (_request, response) => {
      refuse(response.statusCode ?? 502);
      upstream.terminate();
    });
    upstream.once('error', () => refuse(502));
    socket.once('error', () => upstream.terminate());
    upstream.once('open', () => {
      this.#wss.handleUpgrade(req, socket, head, (client) => this.#pipe(client, upstream, req));
    });
  }

  #pipe(client: WebSocket, upstream: WebSocket, req: IncomingMessage): void {
    this.#sockets.add(client).add(upstream);
    const sid = new URL(req.url ?? '/', 'http://proxy.invalid').searchParams.get('sid') ?? undefined;
    let followed = sid === undefined ? undefined : this.#followed.get(sid);
    const headers = flatHeaders(req.headers);
    const text = (data: RawData): string =>
      (Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(new Uint8Array(data)) : data).toString('utf8');
    client.on('message', (data, isBinary) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
      const packet = isBinary ? undefined : enginePacket(text(data));
      if (followed !== undefined && packet !== undefined) this.#client(followed, packet);
    });
    upstream.on('message', (data, isBinary) => {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
      const packet = isBinary ? undefined : enginePacket(text(data));
      if (packet === undefined) return;
      // A WebSocket-only client's handshake comes on the socket itself.
      followed ??= this.#openFrom([packet], headers);
      if (followed !== undefined) this.#server(followed, packet);
    });
    client.on('close', (code, reason) => {
      if (followed !== undefined) this.#end(followed, 'client');
      upstream.close(validCode(code), reason);
      this.#sockets.delete(client);
    });
    upstream.on('close', (code, reason) => {
      // A client already closing its side left first, whichever close event comes first here.
      const by = client.readyState === WebSocket.CLOSING || client.readyState === WebSocket.CLOSED ? 'client' : 'server';
      if (followed !== undefined) this.#end(followed, by);
      client.close(validCode(code), reason);
      this.#sockets.delete(upstream);
    });
    client.on('error', () => upstream.terminate());
    upstream.on('error', () => client.terminate());
  }

  /** A handshake's open packet starts following a connection. */
  #openFrom(packets: readonly EnginePacket[], headers: Readonly<Record<string, string>>): Followed | undefined {
    const open = packets.find((packet) => packet.type === '0');
    if (open === undefined) return undefined;
    const reader = new SocketReader();
    const [message] = reader.read(open);
    const sid = message?.type === 'open' ? message.sid : undefined;
    if (sid === undefined) return undefined;
    if (this.#followed.size >= MAX_CONNECTIONS) {
      const oldest = this.#followed.keys().next().value;
      if (oldest !== undefined) this.#followed.delete(oldest);
    }
    const followed: Followed = {
      connection: new SocketConnection(this.context, this.protocol, sid, headers),
      fromClient: new SocketReader(),
      fromServer: reader,
    };
    this.#followed.set(sid, followed);
    return followed;
  }

  #client(followed: Followed, packet: EnginePacket): void {
    try {
      for (const message of followed.fromClient.read(packet)) followed.connection.fromClient(message);
    } catch (error) {
      this.context.onError(error);
    }
    if (followed.connection.closed) this.#forget(followed);
  }

  #server(followed: Followed, packet: EnginePacket): void {
    try {
      for (const message of followed.fromServer.read(packet)) followed.connection.fromServer(message);
    } catch (error) {
      this.context.onError(error);
    }
    if (followed.connection.closed) this.#forget(followed);
  }

  #end(followed: Followed, by: 'client' | 'server'): void {
    followed.connection.close(by);
    this.#forget(followed);
  }

  #forget(followed: Followed): void {
    const { sid } = followed.connection;
    if (sid !== undefined && this.#followed.get(sid) === followed) this.#followed.delete(sid);
  }
}

/** A close code a WebSocket may send on: the reserved ones (1005, 1006, …) are replaced by a plain close. */
function validCode(code: number): number {
  return code === 1000 || (code >= 1001 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999) ? code : 1000;
}
