import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ChatwireError } from '../core/errors.js';
import { parseInput } from '../core/input.js';
import { RecordingLine, RECORDING_FORMAT, type OpeningLine, type RecordedEnd, type RecordedFrame, type RecordingHeader } from './format.js';

/** One network chunk as it was recorded. */
export interface RecordedChunk {
  readonly atMs: number;
  readonly bytes: Uint8Array;
  /** The chunk as text, when it was recorded as text. */
  readonly text: string | undefined;
}

/** One exchange put back together from its lines. */
export interface RecordedExchange {
  readonly opening: OpeningLine;
  response: { readonly atMs: number; readonly status: number; readonly headers: Readonly<Record<string, string>> } | undefined;
  readonly chunks: RecordedChunk[];
  readonly frames: RecordedFrame[];
  /** Undefined when the recording stops before the exchange ended (the recorder was interrupted). */
  end: RecordedEnd | undefined;
}

export interface Recording {
  readonly header: RecordingHeader;
  /** In the order they began. */
  readonly exchanges: readonly RecordedExchange[];
  /** True when the last line was cut short: the recorder was killed while writing it. */
  readonly cutLine: boolean;
}

/** True when the file starts with a recording's first line (cheap: reads its first bytes only). */
export function isRecordingFile(path: string): boolean {
  if (path === '-') return false;
  let fd: number | undefined;
  try {
    // A pipe (validate <(curl …)) is read once: peeking would consume what the capture reader needs.
    if (!statSync(path).isFile()) return false;
    fd = openSync(path, 'r');
    const head = Buffer.alloc(256);
    const read = readSync(fd, head, 0, head.length, 0);
    const text = head.toString('utf8', 0, read);
    return text.startsWith('{"type":"recording"') && text.includes(`"format":"${RECORDING_FORMAT}"`);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Reads a recording, every line checked by the recording schema. A last line cut short (the
 * recorder was killed mid-write) is reported, not fatal; any other bad line refuses the file.
 * Exchanges are kept in memory until the file has been read.
 */
export async function readRecording(path: string): Promise<Recording> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let header: RecordingHeader | undefined;
  const byId = new Map<number, RecordedExchange>();
  let number = 0;
  let pending: string | undefined;
  try {
    for await (const text of lines) {
      // A line is judged once the next one has begun: only the very last may be cut short.
      if (pending !== undefined) header = take(pending, number, header, byId, path);
      pending = text;
      number++;
    }
  } catch (error) {
    if (error instanceof ChatwireError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ChatwireError('BAD_FILE', `Failed to read recording ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`);
  }
  let cutLine = false;
  if (pending !== undefined && pending.trim() !== '') {
    try {
      header = take(pending, number, header, byId, path);
    } catch (error) {
      if (header === undefined || !(error instanceof ChatwireError) || !error.message.includes('not JSON')) throw error;
      cutLine = true;
    }
  }
  if (header === undefined) throw new ChatwireError('BAD_FILE', `Failed to read recording ${path}: it is empty`, { hint: 'record one with chatwire record' });
  return { header, exchanges: [...byId.values()], cutLine };
}

function take(text: string, number: number, header: RecordingHeader | undefined, byId: Map<number, RecordedExchange>, path: string): RecordingHeader {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    throw new ChatwireError('BAD_FILE', `Failed to read recording ${path}: line ${number} is not JSON`);
  }
  const line = parseInput(RecordingLine, json, `recording ${path} line ${number}`, { hint: 'see schemas/chatwire/recording.schema.json' });
  if (header === undefined) {
    if (line.type !== 'recording') throw new ChatwireError('BAD_FILE', `Failed to read recording ${path}: its first line does not say the format`);
    return line;
  }
  const unknownExchange = (): ChatwireError =>
    new ChatwireError(
      'BAD_FILE',
      `Failed to read recording ${path}: line ${number} names exchange ${'exchange' in line ? line.exchange : '?'} before its opening line`,
    );
  switch (line.type) {
    case 'recording':
      throw new ChatwireError('BAD_FILE', `Failed to read recording ${path}: line ${number} starts another recording`);
    case 'request':
    case 'emit':
    case 'series':
      byId.set(line.exchange, { opening: line, response: undefined, chunks: [], frames: [], end: undefined });
      return header;
  }
  const exchange = byId.get(line.exchange);
  if (exchange === undefined) throw unknownExchange();
  switch (line.type) {
    case 'response':
      exchange.response = { atMs: line.atMs, status: line.status, headers: line.headers };
      break;
    case 'chunk': {
      const bytes = line.text === undefined ? Buffer.from(line.base64 ?? '', 'base64') : Buffer.from(line.text, 'utf8');
      exchange.chunks.push({ atMs: line.atMs, bytes, text: line.text });
      break;
    }
    case 'frame':
      exchange.frames.push(line.frame);
      break;
    case 'end':
      exchange.end = line.end;
      break;
  }
  return header;
}
