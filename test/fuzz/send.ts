// Sends the fuzz's malformed requests and judges the answers in each protocol's error form.
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { expectation, type Malformed, type Route } from './requests.js';

/** What came back: an answer, or the connection ending without one. */
export type Answer =
  | { readonly type: 'answer'; readonly status: number; readonly contentType: string; readonly body: string }
  | { readonly type: 'none'; readonly reason: string };

interface Outgoing {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Pieces sent apart, as a slow client does. */
  readonly slow?: boolean;
  /** Announce this many bytes more than sent, then leave. */
  readonly truncate?: boolean;
}

/** The most of an answer the fuzz reads: the mock's refusals are small, and an answer is judged by its start. */
const MAX_ANSWER_BYTES = 256 * 1024;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class Sender {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(readonly port: number) {}

  close(): void {
    this.#agent.destroy();
  }

  http(out: Outgoing): Promise<Answer> {
    return new Promise((resolve) => {
      const body = out.body === undefined ? undefined : typeof out.body === 'string' ? Buffer.from(out.body) : out.body;
      const length = (body?.length ?? 0) + (out.truncate === true ? 1_000 : 0);
      const headers = { ...out.headers, ...(body === undefined ? {} : { 'content-length': String(length) }) };
      const req = httpRequest({ host: '127.0.0.1', port: this.port, method: out.method, path: out.path, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_ANSWER_BYTES) res.destroy();
        });
        const done = (): void =>
          resolve({
            type: 'answer',
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString(),
          });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      });
      req.on('error', (error) => resolve({ type: 'none', reason: error.message }));
      req.setTimeout(20_000, () => req.destroy(new Error('no answer within 20 s')));
      void (async () => {
        if (body !== undefined && out.slow === true) {
          const third = Math.ceil(body.length / 3);
          for (let at = 0; at < body.length; at += third) {
            req.write(body.subarray(at, at + third));
            await pause(30);
          }
        } else if (body !== undefined) req.write(body);
        if (out.truncate === true) {
          await pause(20);
          req.destroy(new Error('left mid-upload'));
        } else req.end();
      })();
    });
  }

  /** Bytes on a bare TCP connection, then the answer read to the connection's end. */
  raw(bytes: Uint8Array): Promise<Answer> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.setTimeout(20_000, () => socket.destroy());
      socket.on('error', () => undefined);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString();
        const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
        const bodyAt = text.indexOf('\r\n\r\n');
        const type = /content-type: ([^\r\n]*)/i.exec(text)?.[1] ?? '';
        resolve(
          status?.[1] === undefined
            ? { type: 'none', reason: 'closed without an answer' }
            : { type: 'answer', status: Number(status[1]), contentType: type, body: text.slice(bodyAt + 4) },
        );
      });
      socket.end(bytes);
    });
  }
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'text/event-stream, application/json', authorization: 'Bearer fuzz' };

function pathOf(route: Route, segment: string): string {
  return route.path.replace(/:\w+/g, segment);
}

/** Sends one malformed request (a Socket.IO session takes a few). */
export async function send(sender: Sender, request: Malformed): Promise<Answer> {
  switch (request.kind) {
    case 'types':
      return sender.http({
        method: request.route.method,
        path: pathOf(request.route, request.segment),
        headers: JSON_HEADERS,
        body: request.body,
        slow: request.slow,
      });
    case 'broken':
      return sender.http({ method: request.route.method, path: pathOf(request.route, request.segment), headers: JSON_HEADERS, body: request.body });
    case 'deep': {
      const { depth } = request;
      const body = request.object ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
      return sender.http({ method: request.route.method, path: pathOf(request.route, request.segment), headers: JSON_HEADERS, body });
    }
    case 'huge':
      return sender.http({
        method: request.route.method,
        path: pathOf(request.route, request.segment),
        headers: JSON_HEADERS,
        body: `{"text":"${'x'.repeat(request.bytes)}"}`,
      });
    case 'utf8': {
      const body = Buffer.concat([Buffer.from('{"text":"a'), Buffer.from(request.bad), Buffer.from('b"}')]);
      return sender.http({ method: request.route.method, path: pathOf(request.route, request.segment), headers: JSON_HEADERS, body });
    }
    case 'method': {
      const bodyless = request.method === 'GET' || request.method === 'OPTIONS';
      return sender.http({ method: request.method, path: pathOf(request.route, request.segment), headers: JSON_HEADERS, ...(bodyless ? {} : { body: '{}' }) });
    }
    case 'headers':
      return sender.http({
        method: request.route.method,
        path: pathOf(request.route, request.segment),
        headers: { ...JSON_HEADERS, 'x-fuzz': 'a'.repeat(request.bytes) },
      });
    case 'truncated':
      return sender.http({
        method: request.route.method,
        path: pathOf(request.route, request.segment),
        headers: JSON_HEADERS,
        body: 'x'.repeat(request.sent),
        truncate: true,
      });
    case 'query': {
      const q = encodeURIComponent(request.query);
      const path = `${pathOf(request.route, request.segment)}?from=${q}&chatId=${q}&appId=${q}&offset=${q}&dataId=${q}&stream=${q}%zz`;
      return sender.http({ method: request.route.method, path, headers: JSON_HEADERS, ...(request.route.method === 'GET' ? {} : { body: '{}' }) });
    }
    case 'garbage':
      // A first byte no HTTP method starts with: the parser refuses at once instead of waiting for more.
      return sender.raw(Buffer.concat([Buffer.from([0x01]), request.bytes]));
    case 'socketio':
      return socketio(sender, request.query, request.packets);
  }
}

async function socketio(sender: Sender, query: string, packets: string | undefined): Promise<Answer> {
  if (packets === undefined) return sender.http({ method: 'GET', path: `/socket.io/?${query}` });
  if (query !== 'EIO=4&transport=polling')
    return sender.http({ method: 'POST', path: `/socket.io/?${query}`, headers: { 'content-type': 'text/plain' }, body: packets });
  const open = await sender.http({ method: 'GET', path: `/socket.io/?${query}` });
  const sid = open.type === 'answer' ? /"sid":"([^"]+)"/.exec(open.body)?.[1] : undefined;
  if (sid === undefined) return open;
  const path = `/socket.io/?${query}&sid=${sid}`;
  const answer = await sender.http({ method: 'POST', path, headers: { 'content-type': 'text/plain' }, body: packets });
  // Ends the session, if the garbage left it open.
  await sender.http({ method: 'POST', path, headers: { 'content-type': 'text/plain' }, body: '1' });
  return answer;
}

const INTERNAL = /Maximum call stack|Cannot read propert|is not a function|is not defined|is not iterable|RangeError|TypeError|ReferenceError/;

/** The message of an error answer in the protocol's own form, or undefined when it is not in that form. */
export function messageOf(protocol: string | undefined, answer: Extract<Answer, { type: 'answer' }>): string | undefined {
  let json: unknown;
  const sse = /^data: (.*)$/m.exec(answer.body);
  try {
    json = JSON.parse(answer.contentType.includes('text/event-stream') && sse?.[1] !== undefined ? sse[1] : answer.body);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const field = (name: string): unknown => (name in json ? Reflect.get(json, name) : undefined);
  const detail = (): string | undefined => {
    const value = field('detail');
    if (typeof value === 'string') return value;
    if (!Array.isArray(value)) return undefined;
    const items: unknown[] = value;
    const messages = items.map((item): unknown => (typeof item === 'object' && item !== null ? Reflect.get(item, 'msg') : undefined));
    return messages.every((message) => typeof message === 'string') ? messages.join('; ') : undefined;
  };
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  switch (protocol) {
    case 'ctai':
      return field('ret') !== '0' && typeof field('ret') === 'string' ? text(field('msg')) : undefined;
    case 'fastgpt':
      return 'code' in json && typeof field('statusText') === 'string' ? text(field('message')) : undefined;
    case 'fastgpt-py':
    case 'tasks':
      return detail();
    case 'socketio':
      return typeof field('code') === 'number' ? text(field('message')) : undefined;
    default:
      return text(field('error'));
  }
}

/** What is wrong with the mock's answer to `request`, or undefined when it is as it must be. */
export function judgeAnswer(request: Malformed, answer: Answer): string | undefined {
  const expected = expectation(request);
  if (request.kind === 'truncated') return undefined;
  if (answer.type === 'none') return `no answer: ${answer.reason}`;
  if (request.kind === 'socketio') {
    if (answer.status >= 500) return `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
    if (answer.status >= 400 && messageOf('socketio', answer) === undefined)
      return `HTTP ${answer.status} not in Engine.IO's error form: ${answer.body.slice(0, 200)}`;
    return undefined;
  }
  const before = request.kind === 'garbage' || request.kind === 'headers';
  const protocol = before ? undefined : request.route.protocol;
  if (answer.status < 400 && !(answer.status === 200 && answer.contentType.includes('text/event-stream') && /^event: error$/m.test(answer.body))) {
    return expected.refuse ? `accepted (HTTP ${answer.status}): ${answer.body.slice(0, 200)}` : undefined;
  }
  const message = messageOf(protocol, answer);
  if (message === undefined) return `HTTP ${answer.status} not in ${protocol ?? 'the mock'}'s error form: ${answer.body.slice(0, 300)}`;
  if (INTERNAL.test(message)) return `an internal message: ${message.slice(0, 300)}`;
  if (expected.names !== undefined && !expected.names.test(message))
    return `the message does not name the problem (${String(expected.names)}): ${message.slice(0, 300)}`;
  return undefined;
}
