import { z } from 'zod';

/** The recording format's name and version, on every recording's first line. */
export const RECORDING_FORMAT = 'chatwire-recording';
export const RECORDING_VERSION = 1;

const exchange = z.number().int().min(0).describe('The exchange this line belongs to (its opening line carries the same number).');
const atMs = z.number().min(0).describe('Milliseconds since the exchange began (its request was sent).');
const headers = z.record(z.string(), z.string());

const label = {
  startedMs: z.number().min(0).describe('Milliseconds since the recording began.'),
  case: z.string().optional().describe('The suite case this exchange belongs to.'),
  step: z.number().int().min(0).optional().describe("The step's index in its case."),
  run: z.string().optional().describe("The run's {{run}} value, which made names unique; a replay maps it, and its {{runNumber}} digits, to its client's."),
  expect: z.string().optional().describe('What the step expected: stream, answer or refusal.'),
};

const Header = z
  .object({
    type: z.literal('recording'),
    format: z.literal(RECORDING_FORMAT),
    version: z.literal(RECORDING_VERSION),
    protocol: z.string().min(1).describe('The protocol whose rules judge the exchanges.'),
    createdAt: z.iso.datetime().describe('When the recording began.'),
    tool: z.string().describe('What made it, with its version.'),
    target: z.string().optional().describe('The server root the requests went to; replay serves their paths below it.'),
    redacted: z
      .object({ headers: z.array(z.string()), fields: z.array(z.string()) })
      .strict()
      .describe('What was blanked before writing.'),
  })
  .strict();

const Request = z
  .object({
    type: z.literal('request'),
    exchange,
    ...label,
    method: z.string().min(1),
    url: z.string().min(1),
    headers,
    body: z.string().optional().describe('The body as sent; absent for none.'),
    series: z.number().int().min(0).optional().describe('For one poll of a polled resource: the exchange number of its series.'),
  })
  .strict();

const Emit = z
  .object({
    type: z.literal('emit'),
    exchange,
    ...label,
    url: z.string().min(1).describe('The Socket.IO server root.'),
    headers,
    event: z.string().min(1),
    args: z.array(z.unknown()).describe('The emitted arguments.'),
    connection: z.string().optional().describe("The asking socket's id; a replay maps it to its client's."),
  })
  .strict();

const Series = z
  .object({
    type: z.literal('series'),
    exchange,
    ...label,
    method: z.string().min(1),
    url: z.string().min(1).describe('The first poll: each poll is a request line naming this series.'),
    headers,
  })
  .strict()
  .describe('A polled resource read to its end: its frames are the answers of its polls, judged as one stream.');

const Response = z.object({ type: z.literal('response'), exchange, atMs, status: z.number().int().min(100).max(599), headers }).strict();

const Chunk = z
  .object({
    type: z.literal('chunk'),
    exchange,
    atMs,
    text: z.string().optional().describe('The bytes, when they are valid UTF-8 on their own.'),
    base64: z.string().optional().describe('The bytes otherwise (a character split across chunks).'),
  })
  .strict()
  .refine((chunk) => (chunk.text === undefined) !== (chunk.base64 === undefined), 'a chunk has either text or base64')
  .describe('One network chunk, as it arrived: replay writes the same boundaries.');

const parsed = { index: z.number().int().min(0), atMs };
const Frame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sse'), ...parsed, event: z.string().optional(), id: z.string().optional(), data: z.string() }).strict(),
  z.object({ type: z.literal('body'), ...parsed, text: z.string() }).strict(),
  z
    .object({
      type: z.literal('poll'),
      ...parsed,
      phase: z.enum(['poll', 'past-end', 'replay']),
      pass: z.number().int().min(0),
      from: z.number().int().min(0),
      status: z.number().int(),
      text: z.string(),
    })
    .strict(),
  z.object({ type: z.literal('socketio'), ...parsed, event: z.string(), socket: z.enum(['asker', 'bystander']), args: z.array(z.unknown()) }).strict(),
]);

const FrameLine = z
  .object({ type: z.literal('frame'), exchange, frame: Frame })
  .strict()
  .describe('A frame parsed from the chunks, or a received event.');

const End = z.discriminatedUnion('type', [
  z.object({ type: z.literal('closed'), atMs }).strict(),
  z.object({ type: z.literal('timeout'), atMs, limitMs: z.number(), limit: z.enum(['exchange', 'first-frame', 'idle', 'run']) }).strict(),
  z.object({ type: z.literal('held-open'), atMs, graceMs: z.number() }).strict(),
  z.object({ type: z.literal('frame-limit'), atMs, limit: z.number() }).strict(),
  z.object({ type: z.literal('byte-limit'), atMs, limit: z.number(), perFrame: z.literal(true).optional() }).strict(),
  z.object({ type: z.literal('broken'), atMs, message: z.string() }).strict(),
]);

const EndLine = z
  .object({ type: z.literal('end'), exchange, end: End })
  .strict()
  .describe('How the exchange ended, as the recorder saw it.');

export const RecordingLine = z
  .discriminatedUnion('type', [Header, Request, Emit, Series, Response, Chunk, FrameLine, EndLine])
  .describe('One line of a chatwire recording (JSON Lines): the first says the format, the rest are exchanges as they happened.');

export type RecordingLine = z.output<typeof RecordingLine>;
export type RecordingHeader = z.output<typeof Header>;
export type RecordedFrame = z.output<typeof Frame>;
export type RecordedEnd = z.output<typeof End>;
export type OpeningLine = z.output<typeof Request> | z.output<typeof Emit> | z.output<typeof Series>;
