/**
 * Every command's options, once: how each is written and explained (for commander and --help) and
 * the schema its value must meet (for the command). The commands themselves load only when named.
 */
import { z } from 'zod';
import { defaultLimits } from '../../core/exchange.js';
import { corsOrigin } from '../../mock/cors.js';
import { DEFAULT_CONCURRENCY } from '../../suite/defaults.js';
import { REPORTER_NAMES } from '../../report/render.js';
import { count, duration, header, httpUrl, port, reporter } from '../options.js';
import { defineOptions } from '../spec.js';

export const DEFAULT_MOCK_PORT = 4010;

const reporterOption = {
  flags: '-r, --reporter <name>',
  description: 'report format',
  choices: REPORTER_NAMES,
  schema: reporter.default('pretty'),
  shown: 'pretty',
};

export const runOptions = defineOptions({
  target: {
    flags: '--target <url>',
    description: 'base URL of the server under test, e.g. http://127.0.0.1:8080 (documented paths are appended)',
    schema: httpUrl.optional(),
  },
  token: { flags: '--token <token>', description: 'sent as Authorization: Bearer <token>', schema: z.string().min(1, 'a non-empty token').optional() },
  header: {
    flags: '-H, --header <header>',
    description: 'extra request header "Name: value" (repeatable)',
    repeatable: true,
    schema: z.array(header).default([]),
  },
  timeout: {
    flags: '--timeout <duration>',
    description: 'limit for each exchange, e.g. 30s or 500ms',
    shown: '30s',
    schema: duration.default(defaultLimits.timeoutMs),
  },
  firstFrameTimeout: {
    flags: '--first-frame-timeout <duration>',
    description: 'how long a stream may stay silent before its first frame, event or poll answer',
    shown: '15s',
    schema: duration.default(defaultLimits.firstFrameMs),
  },
  idleTimeout: {
    flags: '--idle-timeout <duration>',
    description: 'longest silence between frames of a stream (polling: no new event, no status change)',
    shown: '15s',
    schema: duration.default(defaultLimits.idleMs),
  },
  closeGrace: {
    flags: '--close-grace <duration>',
    description: 'how long a server may keep a finished stream open',
    shown: '2s',
    schema: duration.default(defaultLimits.closeGraceMs),
  },
  maxFrames: {
    flags: '--max-frames <n>',
    description: 'most frames read from one answer',
    shown: String(defaultLimits.maxFrames),
    schema: count(10_000_000).default(defaultLimits.maxFrames),
  },
  maxBytes: {
    flags: '--max-bytes <n>',
    description: 'most bytes read from one answer',
    shown: String(defaultLimits.maxBytes),
    schema: count(4 * 1024 ** 3).default(defaultLimits.maxBytes),
  },
  concurrency: {
    flags: '--concurrency <n>',
    description: 'how many cases run at once (cases marked exclusive run alone)',
    shown: String(DEFAULT_CONCURRENCY),
    schema: count(64).default(DEFAULT_CONCURRENCY),
  },
  case: {
    flags: '-c, --case <name>',
    description: 'run only this case, "name" or "protocol/name" (repeatable)',
    repeatable: true,
    schema: z.array(z.string()).default([]),
  },
  var: {
    flags: '--var <name=value>',
    description: 'a value a suite needs from the target, e.g. appId=… (repeatable; see suites/)',
    repeatable: true,
    schema: z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*=.*$/, 'NAME=VALUE, e.g. appId=66e29b87')).default([]),
  },
  reporter: reporterOption,
  output: { flags: '-o, --output <file>', description: 'write the report to a file (a summary still goes to stdout)', schema: z.string().min(1).optional() },
  strict: { flags: '--strict', description: 'warnings fail the run too', schema: z.boolean().default(false) },
  eio: {
    flags: '--eio <version>',
    description: 'Engine.IO version for Socket.IO protocols: 4, 3 (Socket.IO 2 servers), or auto: 4 unless the server refuses it and takes 3',
    choices: ['3', '4', 'auto'],
    shown: 'auto',
    schema: z
      .enum(['3', '4', 'auto'])
      .default('auto')
      .transform((value) => (value === '3' ? 3 : value === '4' ? 4 : undefined)),
  },
});

export const mockOptions = defineOptions({
  port: {
    flags: '-p, --port <port>',
    description: 'port to listen on (0 picks a free one)',
    shown: String(DEFAULT_MOCK_PORT),
    schema: port.default(DEFAULT_MOCK_PORT),
  },
  host: { flags: '--host <host>', description: 'address to bind', shown: '127.0.0.1', schema: z.string().min(1).default('127.0.0.1') },
  token: {
    flags: '--token <token>',
    description: 'the only API key accepted by protocols with keys (default: any non-empty key)',
    schema: z.string().min(1, 'a non-empty token').optional(),
  },
  protocol: { flags: '--protocol <id>', description: 'serve only this protocol (repeatable)', repeatable: true, schema: z.array(z.string()).default([]) },
  scenarios: {
    flags: '--scenarios <protocol=folder|file.jsonl>',
    description: 'also load scenario files from a folder, or answer the protocol from a recording (a .jsonl file from chatwire record) (repeatable)',
    repeatable: true,
    schema: z.array(z.string().regex(/^[a-z0-9-]+=.+$/, 'PROTOCOL=FOLDER or PROTOCOL=FILE.jsonl, e.g. ctai=./my-scenarios')).default([]),
  },
  scenario: {
    flags: '--scenario <protocol=name>',
    description: "what a protocol plays unless a request asks otherwise, e.g. ctai=no-stop (repeatable; default: each protocol's plain answer)",
    repeatable: true,
    schema: z.array(z.string().regex(/^[a-z0-9-]+=[A-Za-z0-9._-]+$/, 'PROTOCOL=SCENARIO, e.g. ctai=no-stop')).default([]),
  },
  fault: {
    flags: '--fault <[protocol=]faults>',
    description: 'fault overlays on every answer, e.g. stall:2:5000 or ctai=close:3,split (repeatable; listed below)',
    repeatable: true,
    schema: z.array(z.string().min(1)).default([]),
  },
  speed: {
    flags: '--speed <factor>',
    description: 'multiply every scripted delay by this (0: no delay, 0.5: twice as fast); faults keep real time',
    shown: '1',
    schema: z.coerce
      .number({ error: 'a number from 0 to 100, e.g. 0 or 0.5' })
      .min(0, 'a number from 0 to 100, e.g. 0 or 0.5')
      .max(100, 'a number from 0 to 100, e.g. 0 or 0.5')
      .default(1),
  },
  report: {
    flags: '--report <file>',
    description: 'when stopped, write the client deviations seen to this file (JUnit for .xml, else JSON)',
    schema: z.string().min(1).optional(),
  },
  failOnClientDeviation: {
    flags: '--fail-on-client-deviation',
    description: 'exit 1 when stopped if a client sent a request that breaks an error rule',
    schema: z.boolean().default(false),
  },
  allowAuthFaults: {
    flags: '--allow-auth-faults',
    description:
      'with --token: let fault scenarios that accept a missing key (ok-without-key, ok-without-token) apply to any request, not only to one sending x-chatwire-token',
    schema: z.boolean().default(false),
  },
  corsOrigin: {
    flags: '--cors-origin <origin>',
    description: "let web pages of this origin read the mock's answers, e.g. http://localhost:5173, or * for any (repeatable)",
    repeatable: true,
    shown: 'any loopback origin',
    schema: z.array(corsOrigin).default([]),
  },
});

export const validateOptions = defineOptions({
  protocol: {
    flags: '--protocol <id>',
    description: 'the protocol the answer follows (required, except for a recording, which names it)',
    schema: z.string().min(1, 'a protocol id such as ctai').optional(),
  },
  request: {
    flags: '--request <file>',
    description: 'the JSON request that produced the answer (checked too, and decides stream or answer)',
    schema: z.string().min(1).optional(),
  },
  kind: {
    flags: '--kind <kind>',
    description: 'what the file holds (default: guessed from its first bytes)',
    choices: ['stream', 'answer'],
    schema: z.enum(['stream', 'answer']).optional(),
  },
  maxFrames: { flags: '--max-frames <n>', description: 'most frames read', shown: '100000000', schema: count(1_000_000_000).default(100_000_000) },
  maxBytes: {
    flags: '--max-bytes <n>',
    description: 'most bytes read',
    shown: String(64 * 1024 ** 3),
    schema: count(Number.MAX_SAFE_INTEGER).default(64 * 1024 ** 3),
  },
  reporter: reporterOption,
  output: { flags: '-o, --output <file>', description: 'write the report to a file', schema: z.string().min(1).optional() },
  strict: { flags: '--strict', description: 'warnings fail too', schema: z.boolean().default(false) },
});

export const rulesOptions = defineOptions({
  json: { flags: '--json', description: 'print JSON', schema: z.boolean().default(false) },
});

export const recordOptions = defineOptions({
  target: {
    flags: '--target <url>',
    description: 'base URL of the backend to record, e.g. http://127.0.0.1:8080 (required)',
    schema: z.string({ error: 'an http:// or https:// URL such as http://127.0.0.1:8080' }).pipe(httpUrl),
  },
  out: { flags: '--out <file>', description: 'the recording to write, JSON Lines (required)', schema: z.string({ error: 'a file such as ctai.jsonl' }).min(1) },
  token: runOptions.token,
  header: runOptions.header,
  case: { ...runOptions.case, description: 'record only this case, "name" or "protocol/name" (repeatable; default: every case that expects a good answer)' },
  request: {
    flags: '--request <json>',
    description: 'record one request instead of the suite: a suite step as JSON, e.g. {"type":"http","method":"POST","path":"/…","body":{…},"expect":"stream"}',
    schema: z.string().min(1).optional(),
  },
  var: runOptions.var,
  redactHeader: {
    flags: '--redact-header <name>',
    description: "also blank this header's values (repeatable; Authorization, Cookie, x-api-key… always are)",
    repeatable: true,
    schema: z.array(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'a header name')).default([]),
  },
  redactField: {
    flags: '--redact-field <name>',
    description: "blank this JSON field's values in bodies, chunks and events (repeatable)",
    repeatable: true,
    schema: z.array(z.string().min(1)).default([]),
  },
  timeout: runOptions.timeout,
  closeGrace: runOptions.closeGrace,
  concurrency: runOptions.concurrency,
  eio: runOptions.eio,
});

export const DEFAULT_PROXY_PORT = 4020;

export const proxyOptions = defineOptions({
  target: {
    flags: '--target <url>',
    description: "base URL of the backend the traffic goes to, e.g. https://fastgpt.example.com (required; the client's paths are appended)",
    schema: z.string({ error: 'an http:// or https:// URL such as http://127.0.0.1:8080' }).pipe(httpUrl),
  },
  port: { ...mockOptions.port, shown: String(DEFAULT_PROXY_PORT), schema: port.default(DEFAULT_PROXY_PORT) },
  host: mockOptions.host,
  record: {
    flags: '--record <file>',
    description: 'also write what passed as a recording (JSON Lines, the format of chatwire record)',
    schema: z.string().min(1).optional(),
  },
  redactHeader: recordOptions.redactHeader,
  redactField: recordOptions.redactField,
  reporter: reporterOption,
  output: {
    flags: '-o, --output <file>',
    description: 'when stopped, write the report of every exchange to a file (a summary still goes to stdout)',
    schema: z.string().min(1).optional(),
  },
  failOnDeviation: { flags: '--fail-on-deviation', description: 'exit 1 when stopped if an exchange broke an error rule', schema: z.boolean().default(false) },
  strict: { flags: '--strict', description: 'with --fail-on-deviation: warnings fail too', schema: z.boolean().default(false) },
  idleTimeout: {
    ...runOptions.idleTimeout,
    description: 'a Socket.IO answer or a polled resource silent this long is judged as it stands (the traffic still passes)',
  },
  closeGrace: {
    ...runOptions.closeGrace,
    description: 'how long after the last frame strays still count (Socket.IO), and how long a finished polled resource may be re-read',
  },
  maxFrames: { ...runOptions.maxFrames, description: 'most frames judged in one answer (the rest still pass)' },
  maxBytes: { ...runOptions.maxBytes, description: 'most bytes judged in one answer (the rest still pass)' },
});
