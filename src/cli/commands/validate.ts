import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { basename } from 'node:path';
import { systemClock } from '../../core/clock.js';
import { ChatwireError } from '../../core/errors.js';
import type { RequestRecord } from '../../core/exchange.js';
import { readJsonFile } from '../../core/input.js';
import { isKeyRule } from '../../core/kit.js';
import { ExchangeCheck } from '../../core/engine.js';
import { selectProtocols } from '../../protocols/index.js';
import type { AnswerKind } from '../../protocols/protocol.js';
import { exitCodeOf, outcomeOf, runReportOf, type StepReport } from '../../report/model.js';
import { judge, rulesFor } from '../../suite/judge.js';
import { transportOf } from '../../transports/index.js';
import { emitReports } from '../emit.js';
import { planOutputs } from '../outputs.js';
import type { CliIo } from '../io.js';
import { parseOptions } from '../options.js';
import { optionsSchema } from '../spec.js';
import { validateOptions } from './options-validate.js';
import type { MockRoute } from '../../mock/exchange.js';
import { routeMethods } from '../../mock/routes.js';
import { isRecordingFile } from '../../record/reader.js';
import { validateRecording } from './validate-recording.js';

const ValidateOptions = optionsSchema(validateOptions);

type Chunks = AsyncIterable<Uint8Array | string>;

const CHUNK_BYTES = 16 * 1024;
/** Chunks read between two turns of the event loop, so timers (--max-run-time) and signals still run. */
const CHUNKS_PER_TURN = 64;

/**
 * A file's bytes in 16 KiB chunks, read synchronously: a local file answers at once, and each
 * asynchronous read would cost a trip through the thread pool and a stream's machinery per chunk
 * (about a sixth of a large capture's time). Small chunks keep few frames alive at a time.
 */
async function* readChunks(file: string): AsyncGenerator<Uint8Array> {
  const fd = openSync(file, 'r');
  try {
    for (let count = 1; ; count++) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) return;
      yield read === CHUNK_BYTES ? chunk : chunk.subarray(0, read);
      if (count % CHUNKS_PER_TURN === 0) await nextTurn();
    }
  } finally {
    closeSync(fd);
  }
}

function open(file: string): Chunks {
  if (file === '-') return process.stdin;
  // A pipe or a device could block a synchronous read without end (and --max-run-time with it).
  return statSync(file).isFile() ? readChunks(file) : createReadStream(file, { highWaterMark: CHUNK_BYTES });
}

/** Looks at the first chunk to tell a JSON answer from an event stream, without losing it. */
async function sniff(chunks: Chunks): Promise<{ kind: AnswerKind; chunks: Chunks }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  const text = first.done === true ? '' : typeof first.value === 'string' ? first.value : Buffer.from(first.value).toString('utf8', 0, 64);
  const kind: AnswerKind = /^\s*[{[]/.test(text) ? 'answer' : 'stream';
  async function* replay(): AsyncGenerator<Uint8Array | string> {
    if (first.done !== true) yield first.value;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  }
  return { kind, chunks: replay() };
}

/** The method of the documented call at `path`; a path none of the protocol's calls answers would leave its rules judging nothing. */
function documentedMethod(path: string, routes: readonly MockRoute[], protocolId: string): string {
  const [method] = routeMethods(routes)(path.split('?')[0] ?? path);
  if (method !== undefined) return method;
  throw new ChatwireError('BAD_OPTION', `Failed to parse --path ${JSON.stringify(path)}: it is none of the ${protocolId} calls`, {
    hint: `give one of ${[...new Set(routes.map((route) => route.path))].join(', ')}`,
  });
}

/** Checks a saved answer (an event-stream body or a JSON answer), optionally with its request, offline. */
export async function validateCommand(file: string, raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = parseOptions(ValidateOptions, raw, 'validate');
  const outputs = planOutputs(options.reporter, options.output);
  if (isRecordingFile(file)) return validateRecording(file, options, outputs, io);
  if (options.protocol === undefined) {
    throw new ChatwireError('BAD_OPTION', 'Failed to parse --protocol: expected a protocol id such as ctai', { hint: 'see chatwire validate --help' });
  }
  const [protocol] = await selectProtocols([options.protocol]);
  if (protocol === undefined) throw new ChatwireError('UNKNOWN_PROTOCOL', 'Failed to select a protocol');
  const transport = transportOf(protocol);
  const reader = transport.offline;
  if (reader === undefined) {
    // A saved HTTP body cannot hold Socket.IO events or a series of polls; judging it would pass vacuously.
    throw new ChatwireError(
      'BAD_OPTION',
      `Failed to validate ${file} as ${protocol.id}: its answers travel by ${transport.travels}, and validate reads one saved HTTP answer`,
      {
        hint: `run chatwire run ${protocol.id} --target … against the server instead`,
      },
    );
  }
  const started = systemClock.now();
  const steps: StepReport[] = [];

  let requestJson: unknown;
  const method = options.path === undefined ? 'POST' : documentedMethod(options.path, protocol.mock.routes ?? [], protocol.id);
  let request: RequestRecord = { method, url: options.path ?? reader.path ?? '(capture)', headers: {}, body: undefined };
  if (options.request !== undefined) {
    requestJson = readJsonFile(options.request, 'request');
    request = { ...request, body: JSON.stringify(requestJson) };
    // A saved body carries no headers: the key a client sends in them cannot be judged here.
    const requestRules = rulesFor(protocol, 'request', transport.rules).filter((rule) => !isKeyRule(rule.id));
    const requestCheck = new ExchangeCheck(requestRules, { request, requestJson });
    const deviations = requestCheck.end({ type: 'closed', atMs: 0 });
    steps.push({ index: 0, method: 'POST', url: options.request, expect: 'request', status: null, frames: 0, end: 'closed', durationMs: 0, deviations });
  }

  let chunks: Chunks;
  try {
    chunks = open(file);
    let kind = options.kind ?? (options.request !== undefined ? reader.kindOf(requestJson, request.url) : undefined);
    if (kind === undefined) ({ kind, chunks } = await sniff(chunks));
    const check = new ExchangeCheck(rulesFor(protocol, kind, transport.rules), { request, requestJson });
    const limits = { maxFrames: options.maxFrames, maxBytes: options.maxBytes };
    const readOptions = { limits, clock: systemClock, startedAt: systemClock.now() };
    const items = reader.read(chunks, kind, readOptions);
    const judged = await judge(items, check);
    if (judged.end.type === 'broken') throw new Error(judged.end.message);
    steps.push({
      index: steps.length,
      method: 'READ',
      url: file,
      expect: kind,
      status: null,
      frames: judged.frames,
      end: judged.end.type,
      durationMs: Math.round(judged.end.atMs),
      deviations: check.deviations,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ChatwireError('BAD_FILE', `Failed to read capture ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`, {
      hint: 'give the path of a saved text/event-stream body or JSON answer, or - for standard input',
    });
  }

  const deviations = steps.flatMap((step) => step.deviations);
  const cases = [
    {
      protocol: protocol.id,
      name: basename(file),
      title: `capture checked against the ${protocol.id} rules`,
      source: { doc: protocol.doc, section: 'all rules' },
      outcome: outcomeOf(deviations),
      durationMs: Math.round(systemClock.now() - started),
      steps,
    },
  ];
  const report = runReportOf({
    target: file,
    embeddedMock: false,
    strict: options.strict,
    startedAt: new Date().toISOString(),
    durationMs: cases[0]?.durationMs ?? 0,
    cases,
  });
  emitReports(report, outputs, { progressShown: false }, io);
  return exitCodeOf(report.totals, options.strict);
}
