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
/** A whole run's limit: far above a full suite against a slow model, far below a CI job's. */
export const DEFAULT_MAX_RUN_MS = 15 * 60_000;

export const reporterOption = {
  flags: '-r, --reporter <name[:file]>',
  description: `report format, ${REPORTER_NAMES.join('|')}, to standard output or to :FILE (repeatable: -r pretty -r junit:out.xml -r json:out.json)`,
  repeatable: true,
  schema: z.array(reporter).default([]),
  shown: 'pretty',
};

/** A latency budget: a duration, or none. */
const budget = (flag: string, what: string) => ({
  flags: `--${flag} <duration>`,
  description: `${what}; beyond it an answer gets a latency deviation, e.g. 2s or 500ms`,
  schema: duration.optional(),
});

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
  maxRunTime: {
    flags: '--max-run-time <duration>',
    description: 'limit for the whole run: answers still coming are cut, cases not yet started are not run (exit 2)',
    shown: '15m',
    schema: duration.default(DEFAULT_MAX_RUN_MS),
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
  output: {
    flags: '-o, --output <file>',
    description: 'write the report of the one -r without :FILE to this file (a summary still goes to stdout)',
    schema: z.string().min(1).optional(),
  },
  maxTtft: budget('max-ttft', 'longest wait from the request to the first frame with content'),
  maxGap: budget('max-gap', 'longest silence between two frames of an answer'),
  maxTotal: budget('max-total', 'longest exchange, from the request to the end of its answer'),
  strict: { flags: '--strict', description: 'warnings fail the run too', schema: z.boolean().default(false) },
  baseline: {
    flags: '--baseline <file>',
    description: 'known deviations (rule, case, reason) to report without failing; an entry that no longer occurs fails the run (see chatwire baseline)',
    schema: z.string().min(1).optional(),
  },
  bail: {
    flags: '--bail',
    description: 'stop at the first failing case: the cases not yet started are reported as not run',
    schema: z.boolean().default(false),
  },
  list: { flags: '--list', description: 'list the cases of each protocol with their titles, and run nothing', schema: z.boolean().default(false) },
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

export const baselineOptions = defineOptions({
  output: { flags: '-o, --output <file>', description: 'write the baseline to this file (default: standard output)', schema: z.string().min(1).optional() },
});

export const rulesOptions = defineOptions({
  json: { flags: '--json', description: 'print JSON', schema: z.boolean().default(false) },
});

export const typesOptions = defineOptions({
  out: {
    flags: '--out <dir>',
    description: 'folder to write <protocol>.ts into (required)',
    schema: z.string({ error: 'a folder, e.g. --out src/chatwire' }).min(1),
  },
  schemas: {
    flags: '--schemas <dir>',
    description: 'generate from this copy of schemas/ (needs json-schema-to-typescript)',
    schema: z.string().min(1).optional(),
  },
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

export const specOptions = defineOptions({
  format: {
    flags: '--format <format>',
    description: "openapi or asyncapi (default: the one the protocol's transport speaks)",
    choices: ['openapi', 'asyncapi'],
    schema: z.enum(['openapi', 'asyncapi']).optional(),
  },
  output: { flags: '-o, --output <file>', description: 'write the description to this file (default: standard output)', schema: z.string().min(1).optional() },
});
