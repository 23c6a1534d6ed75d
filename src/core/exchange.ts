/**
 * The data model every transport produces and every rule reads: an exchange is one request and
 * everything that came back, as frames, then how it ended.
 */

import { jsonText } from './quote.js';

/** A value parsed from JSON text, or why it could not be (`tooDeep`: valid JSON nested past MAX_JSON_DEPTH). */
export type ParsedJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string; readonly tooDeep?: true };

/**
 * The deepest nesting of arrays and objects chatwire takes in. JSON.parse itself copes with more,
 * but every recursive walk after it (schemas, quoting a value) would overflow the stack.
 */
export const MAX_JSON_DEPTH = 1_000;

/**
 * Whether a parsed value (by JSON.parse, or a library such as Socket.IO's parser) nests arrays
 * and objects deeper than `max`. Walked without recursion; strings cost nothing, so a chat frame
 * of long text is checked in a few steps.
 */
export function nestsTooDeep(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const next = values.pop();
    const depth = depths.pop() ?? 0;
    if (next === undefined) break;
    if (depth > max) return true;
    const children: unknown[] = Array.isArray(next) ? next : Object.values(next);
    for (const child of children) {
      if (typeof child !== 'object' || child === null) continue;
      values.push(child);
      depths.push(depth + 1);
    }
  }
  return false;
}

export function parseJson(text: string): ParsedJson {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  // Each level takes two characters at least, so most texts need no walk.
  if (text.length > 2 * MAX_JSON_DEPTH && nestsTooDeep(value))
    return { ok: false, error: `the JSON nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`, tooDeep: true };
  return { ok: true, value };
}

/** One event of a text/event-stream body. */
export interface SseFrame {
  readonly type: 'sse';
  /** 0-based position among the exchange's frames. */
  readonly index: number;
  /** Milliseconds since the request was sent. */
  readonly atMs: number;
  /** The `event:` field, undefined when the event had none. */
  readonly event: string | undefined;
  /** The `id:` field, undefined when the event had none. */
  readonly id: string | undefined;
  readonly data: string;
  readonly json: ParsedJson;
}

/** A whole non-streaming body. */
export interface BodyFrame {
  readonly type: 'body';
  readonly index: number;
  readonly atMs: number;
  readonly text: string;
  readonly json: ParsedJson;
}

/** One Socket.IO event, received by the socket that asked or by a bystander socket. */
export interface SocketFrame {
  readonly type: 'socketio';
  readonly index: number;
  readonly atMs: number;
  readonly event: string;
  /** `asker`: the socket that emitted the request; `bystander`: another connected client. */
  readonly socket: 'asker' | 'bystander';
  readonly args: readonly unknown[];
  /** The first argument; a JSON string is parsed, anything else taken as it is. */
  readonly json: ParsedJson;
}

/** One answer of a polled resource: a normal poll, one past the end, or a re-read from the start. */
export interface PollFrame {
  readonly type: 'poll';
  readonly index: number;
  readonly atMs: number;
  readonly phase: 'poll' | 'past-end' | 'replay';
  /** Which re-read from offset 0 this page belongs to (0 for the others); a paged log takes several polls to re-read. */
  readonly pass: number;
  /** The offset this poll asked from. */
  readonly from: number;
  readonly status: number;
  readonly text: string;
  readonly json: ParsedJson;
}

export type Frame = SseFrame | BodyFrame | SocketFrame | PollFrame;

/** The frame's text as it came, for quotes in reports. */
export function frameText(frame: Frame): string {
  switch (frame.type) {
    case 'sse':
      return frame.data;
    case 'body':
    case 'poll':
      return frame.text;
    case 'socketio':
      return jsonText(frame.args.length === 1 ? frame.args[0] : frame.args) ?? '';
  }
}

/** The frame's event name: the SSE `event:` field or the Socket.IO event; undefined for a body. */
export function eventName(frame: Frame): string | undefined {
  return frame.type === 'body' || frame.type === 'poll' ? undefined : frame.event;
}

export interface RequestRecord {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as sent, undefined for none. */
  readonly body: string | undefined;
}

export interface ResponseHead {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly atMs: number;
}

/** How a response body ended. Only `closed` is a server finishing on its own. */
export type StreamEnd =
  | { readonly type: 'closed'; readonly atMs: number }
  /** A time limit ran out: the whole exchange's, the wait for the first frame, or a silence between frames. */
  | { readonly type: 'timeout'; readonly atMs: number; readonly limitMs: number; readonly limit: TimeLimit }
  /** The protocol's last frame came, but the server kept the connection open past the grace time. */
  | { readonly type: 'held-open'; readonly atMs: number; readonly graceMs: number }
  | { readonly type: 'frame-limit'; readonly atMs: number; readonly limit: number }
  /** Over --max-bytes for the answer, or (`perFrame`) one frame over the frame limit. */
  | { readonly type: 'byte-limit'; readonly atMs: number; readonly limit: number; readonly perFrame?: true | undefined }
  /** The connection broke before the body ended (reset, or a malformed chunked body). */
  | { readonly type: 'broken'; readonly atMs: number; readonly message: string };

export type StreamEndType = StreamEnd['type'];

/** Which time limit cut an exchange: its own, its first frame's, a silence's, or the whole run's (--max-run-time). */
export type TimeLimit = 'exchange' | 'first-frame' | 'idle' | 'run';

/** The limit that cut a stream, for a report: `{ timeLimit }` for a timeout, nothing otherwise. */
export function timeLimitOf(end: StreamEnd): { readonly timeLimit?: TimeLimit } {
  return end.type === 'timeout' ? { timeLimit: end.limit } : {};
}

/** Words for a time limit that ran out, naming the flag that sets it. */
export function describeTimeout(end: Extract<StreamEnd, { type: 'timeout' }>): string {
  switch (end.limit) {
    case 'exchange':
      return `no complete answer within the exchange limit of ${end.limitMs} ms (--timeout)`;
    case 'first-frame':
      return `nothing came within the first-frame limit of ${end.limitMs} ms (--first-frame-timeout)`;
    case 'idle':
      return `the answer went silent for the idle limit of ${end.limitMs} ms (--idle-timeout)`;
    case 'run':
      return `no complete answer before the run's limit of ${end.limitMs} ms ran out (--max-run-time)`;
  }
}

/** What a transport yields while reading one exchange: frames, then exactly one end. */
export type StreamItem = Frame | StreamEnd;

/** The same, a network chunk's frames at a time: what the rule engine reads. */
export type StreamBatch = readonly Frame[] | StreamEnd;

const END_TYPES: ReadonlySet<string> = new Set<StreamEndType>(['closed', 'timeout', 'held-open', 'frame-limit', 'byte-limit', 'broken']);

/** True for the end of an exchange, whether among batches or single items: every transport ends this way. */
export function isEnd(item: StreamBatch | StreamItem): item is StreamEnd {
  return 'type' in item && END_TYPES.has(item.type);
}

/** Batches as single items: simpler to consume where speed does not matter. */
export async function* flatten(batches: AsyncIterable<StreamBatch>): AsyncGenerator<StreamItem, void, undefined> {
  for await (const batch of batches) {
    if (isEnd(batch)) yield batch;
    else yield* batch;
  }
}

/** Bounds on one exchange; every read loop honours them all. */
export interface Limits {
  /** The whole exchange. */
  readonly timeoutMs: number;
  /** From the request to the first sign of an answer (a byte of a stream, an event, a poll answer). */
  readonly firstFrameMs: number;
  /** Longest silence once an answer has begun (for polling: no new event and no status change). */
  readonly idleMs: number;
  readonly maxFrames: number;
  readonly maxBytes: number;
  /** One frame's bytes (see frameShare); FRAME_BUDGET_BYTES when not given. Never above maxBytes. */
  readonly maxFrameBytes?: number | undefined;
  /** After the protocol's last frame, how long the server may take to close the connection. */
  readonly closeGraceMs: number;
}

/**
 * What the frames being read at once may hold together, whatever --max-bytes says: a frame (an SSE
 * event, a whole JSON body, a poll answer, a Socket.IO message) is held whole, parsed and judged,
 * and costs about three times its size until it is collected, so eight answers of one 50 MB line
 * each are cut here rather than at 64 MiB each.
 */
export const FRAME_BUDGET_BYTES = 20 * 1024 * 1024;
/**
 * No frame limit goes below this, however many answers are read at once: a legal server's largest
 * frames (a FastGPT records page or detail answer with every node's responseData) stay well under it.
 */
const MIN_FRAME_BYTES = 2.5 * 1024 * 1024;

/** The frame limit when `inFlight` answers are read at once: a share of FRAME_BUDGET_BYTES. */
export function frameShare(inFlight: number): number {
  return Math.max(MIN_FRAME_BYTES, Math.floor(FRAME_BUDGET_BYTES / Math.max(1, inFlight)));
}

/** The byte limit of one frame under these limits. */
export function frameByteLimit(limits: Pick<Limits, 'maxBytes' | 'maxFrameBytes'>): number {
  return Math.min(limits.maxBytes, limits.maxFrameBytes ?? FRAME_BUDGET_BYTES);
}

export const defaultLimits: Limits = {
  timeoutMs: 30_000,
  // Real LLM backends may think for seconds before the first token; FastGPT's heartbeat comes every 10 s.
  firstFrameMs: 15_000,
  idleMs: 15_000,
  maxFrames: 100_000,
  maxBytes: 64 * 1024 * 1024,
  // A server may flush and log before it closes; only one that keeps the answer open is at fault.
  closeGraceMs: 2_000,
};
