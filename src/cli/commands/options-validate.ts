/** The options of `chatwire validate`. */
import { z } from 'zod';
import { count } from '../options.js';
import { defineOptions } from '../spec.js';
import { reporterOption } from './options.js';

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
  path: {
    flags: '--path <path>',
    description: "the call the answer came from, as the target's path and query (default: the protocol's chat call)",
    schema: z.string().regex(/^\//, 'a path starting with /, such as /api/v1/chat/completions').optional(),
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
  output: { flags: '-o, --output <file>', description: 'write the report of the one -r without :FILE to this file', schema: z.string().min(1).optional() },
  strict: { flags: '--strict', description: 'warnings fail too', schema: z.boolean().default(false) },
});
