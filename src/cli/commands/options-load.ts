/** The options of `chatwire load` and `chatwire merge`, built from the run's. */
import { z } from 'zod';
import { DEFAULT_CONCURRENCY } from '../../suite/defaults.js';
import { count, duration } from '../options.js';
import { defineOptions } from '../spec.js';
import { reporterOption, runOptions } from './options.js';

/** `i/n`: this machine runs share i of n, counted from 1. */
const shard = z
  .string()
  .regex(/^\d+\/\d+$/, 'i/n with 1 ≤ i ≤ n, e.g. 2/4')
  .transform((text) => {
    const [index = 0, count = 0] = text.split('/').map(Number);
    return { index, count };
  })
  .refine(({ index, count }) => index >= 1 && index <= count && count <= 10_000, 'i/n with 1 ≤ i ≤ n ≤ 10000, e.g. 2/4');

/** Limits and what a request carries, as `run` has them; sessions and time are load's own. */
const { target, token, timeout, firstFrameTimeout, idleTimeout, closeGrace, maxFrames, maxBytes, output, strict, eio } = runOptions;
export const loadOptions = defineOptions({
  target,
  token,
  header: runOptions.header,
  concurrency: {
    flags: '--concurrency <n>',
    description: 'sessions at once, across every shard; each loops over the cases',
    shown: String(DEFAULT_CONCURRENCY),
    schema: count(10_000).default(DEFAULT_CONCURRENCY),
  },
  duration: {
    flags: '--duration <duration>',
    description: 'how long sessions keep starting cases (one under way then finishes)',
    shown: '30s',
    schema: duration.default(30_000),
  },
  shard: {
    flags: '--shard <i/n>',
    description: 'run session i of every n (1/4 … 4/4): one load spread over machines',
    shown: '1/1',
    schema: shard.default({ index: 1, count: 1 }),
  },
  runId: {
    flags: '--run-id <id>',
    description: "the marker prefix (a digit, a letter g–z, a digit or letter): give every shard the same one, so that each sees the others' markers",
    shown: 'random',
    schema: z
      .string()
      .regex(/^[0-9][g-z][0-9a-z]$/, 'three characters: a digit, a letter g–z, a digit or letter, e.g. 4k7')
      .optional(),
  },
  case: { ...runOptions.case, description: 'load only this case, "name" or "protocol/name" (repeatable; default: every case that expects a good answer)' },
  var: runOptions.var,
  ...{ timeout, firstFrameTimeout, idleTimeout, closeGrace, maxFrames, maxBytes, reporter: reporterOption, output, strict, eio },
});

export const mergeOptions = defineOptions({
  reporter: { ...reporterOption, shown: 'json' },
  output: {
    flags: '-o, --output <file>',
    description: 'write the merged report to a file (a summary still goes to stdout)',
    schema: z.string().min(1).optional(),
  },
  strict: { flags: '--strict', description: 'warnings fail the merged result too (also when any report was strict)', schema: z.boolean().default(false) },
});
