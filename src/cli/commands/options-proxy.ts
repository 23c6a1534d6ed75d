/** The options of `chatwire proxy`, built from the mock's and the run's. */
import { z } from 'zod';
import { httpUrl, port } from '../options.js';
import { defineOptions } from '../spec.js';
import { mockOptions, recordOptions, reporterOption, runOptions } from './options.js';

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
