import type { Clock } from '../core/clock.js';
import { ExchangeCheck } from '../core/engine.js';
import { isEnd, parseJson, timeLimitOf, type Frame, type Limits, type RequestRecord, type StreamBatch, type StreamEnd } from '../core/exchange.js';
import { mediaType } from '../core/kit.js';
import type { Scope } from '../core/rule.js';
import type { AnswerKind, Protocol } from '../protocols/protocol.js';
import type { StepReport } from '../report/model.js';
import { judge, rulesFor } from '../suite/judge.js';
import { bodyBatches } from '../transports/http/body.js';
import { transportOf } from '../transports/index.js';
import { argumentJson } from '../transports/socketio/session.js';
import { sseBatches } from '../transports/sse/stream.js';
import type { RecordedChunk, RecordedExchange, Recording } from './reader.js';

/** What a judged exchange of a recording reports, with the case it was recorded under. */
export interface JudgedExchange {
  readonly case: string | undefined;
  readonly report: StepReport;
}

const SCOPES: ReadonlySet<string> = new Set<Scope>(['stream', 'answer', 'refusal']);

function isScope(value: string | undefined): value is Scope {
  return value !== undefined && SCOPES.has(value);
}

/** A clock that reads the recorded time of the chunk being read, so frames keep their recorded offsets. */
class RecordedTime implements Clock {
  at = 0;
  now(): number {
    return this.at;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

async function* replayChunks(chunks: readonly RecordedChunk[], time: RecordedTime): AsyncGenerator<Uint8Array, void, undefined> {
  for (const chunk of chunks) {
    time.at = chunk.atMs;
    yield chunk.bytes;
  }
}

/** The reader's frames, then the end the recorder saw (the reader only knows the bytes stopped). */
async function* withRecordedEnd(batches: AsyncIterable<StreamBatch>, recorded: StreamEnd): AsyncGenerator<StreamBatch, void, undefined> {
  for await (const batch of batches) {
    if (!isEnd(batch)) yield batch;
    else return yield batch.type === 'closed' ? recorded : batch;
  }
}

function frameOf(exchange: RecordedExchange): Frame[] {
  return exchange.frames.map((frame): Frame => {
    switch (frame.type) {
      case 'socketio':
        return { ...frame, json: argumentJson(frame.args) };
      case 'poll':
      case 'body':
        return { ...frame, json: parseJson(frame.text) };
      case 'sse':
        return { ...frame, event: frame.event, id: frame.id, json: parseJson(frame.data) };
    }
  });
}

async function* recordedFrames(frames: readonly Frame[], end: StreamEnd): AsyncGenerator<StreamBatch, void, undefined> {
  if (frames.length > 0) yield frames;
  yield end;
}

function lastOffset(exchange: RecordedExchange): number {
  const times = [exchange.response?.atMs ?? 0, ...exchange.chunks.map((chunk) => chunk.atMs), ...exchange.frames.map((frame) => frame.atMs)];
  return Math.max(...times);
}

/**
 * Judges every exchange of a recording with its protocol's rules, as `chatwire run` judged them
 * live: HTTP answers are read again from their recorded chunks, Socket.IO answers from their
 * events, a polled resource from its polls' answers. An exchange the recording stops inside (the
 * recorder was killed) is judged as a stream that stopped there.
 */
export async function judgeRecording(protocol: Protocol, recording: Recording, limits: Pick<Limits, 'maxFrames' | 'maxBytes'>): Promise<JudgedExchange[]> {
  const transport = transportOf(protocol);
  const judged: JudgedExchange[] = [];
  for (const exchange of recording.exchanges) {
    const { opening } = exchange;
    // One poll is judged as part of its series, as the poll step judges it.
    if (opening.type === 'request' && opening.series !== undefined) continue;
    const truncated = exchange.end === undefined;
    const end: StreamEnd = exchange.end ?? { type: 'closed', atMs: lastOffset(exchange) };
    const expect = isScope(opening.expect) ? opening.expect : undefined;
    let request: RequestRecord;
    let requestJson: unknown;
    let items: AsyncIterable<StreamBatch>;
    let scope: Scope;
    let context = {};
    switch (opening.type) {
      case 'request': {
        request = { method: opening.method, url: opening.url, headers: opening.headers, body: opening.body };
        const parsed = opening.body === undefined ? undefined : parseJson(opening.body);
        requestJson = parsed?.ok === true ? parsed.value : undefined;
        const kind: AnswerKind = transport.offline?.kindOf(requestJson, opening.url) ?? 'answer';
        scope = expect ?? kind;
        const asStream = scope === 'stream' || mediaType(exchange.response?.headers['content-type']) === 'text/event-stream';
        const time = new RecordedTime();
        const options = { limits, clock: time, startedAt: 0 };
        const chunks = replayChunks(exchange.chunks, time);
        items = withRecordedEnd(asStream ? sseBatches(chunks, options) : bodyBatches(chunks, options), end);
        if (exchange.response === undefined) items = recordedFrames([], end);
        break;
      }
      case 'emit': {
        const [first] = opening.args;
        const parsed = typeof first === 'string' ? parseJson(first) : undefined;
        requestJson = parsed?.ok === true ? parsed.value : first;
        request = { method: `EMIT ${opening.event}`, url: opening.url, headers: opening.headers, body: JSON.stringify(first) };
        scope = expect ?? 'stream';
        context = { connectionId: opening.connection, event: opening.event };
        items = recordedFrames(frameOf(exchange), end);
        break;
      }
      case 'series':
        request = { method: opening.method, url: opening.url, headers: opening.headers, body: undefined };
        scope = 'stream';
        items = recordedFrames(frameOf(exchange), end);
        break;
    }
    const rules = rulesFor(protocol, scope, opening.type === 'series' ? [] : transport.rules);
    const check = new ExchangeCheck(rules, { request, requestJson, ...context });
    if (exchange.response !== undefined) check.response({ ...exchange.response });
    const result = await judge(items, check);
    judged.push({
      case: opening.case,
      report: {
        index: opening.step ?? judged.length,
        method: opening.type === 'series' ? 'POLL' : request.method,
        url: request.url,
        expect: scope,
        status: exchange.response?.status ?? null,
        frames: result.frames,
        end: result.end.type,
        ...timeLimitOf(result.end),
        durationMs: Math.round(result.end.atMs),
        deviations: check.deviations,
        ...(truncated ? { note: 'the recording stops inside this exchange (the recorder was interrupted): judged as a stream that stopped there' } : {}),
      },
    });
  }
  return judged;
}
