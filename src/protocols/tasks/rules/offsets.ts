/**
 * Where a client polls a task from: the documented clients start at 0 and then poll from each
 * next_offset the server answered (curl FROM=$NEXT, Python offset = poll["next_offset"], JS and Dart
 * alike). Judged where the answers are known: the mock remembers the offsets it gave each task, in the
 * memory the request rules share.
 */
import { show } from '../../../core/engine.js';
import { keptIn, requestPath, setBounded } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { safeDecode } from '../../../core/url.js';
import { at } from './read.js';

/** The latest tasks whose offsets are remembered, and how many offsets each: bounded whatever a client does. */
const MAX_TASKS = 1_000;
const MAX_OFFSETS = 10_000;
const KEY = 'tasks.offsets.given';
const POLL = /\/api\/v1\/tasks\/([^/?]+)$/;

/** The next_offsets the server gave each task's polls (0 from the moment it made the task). */
export class GivenOffsets {
  readonly #byTask = new Map<string, Set<number>>();

  give(taskId: string, offset: number): void {
    let given = this.#byTask.get(taskId);
    if (given === undefined) setBounded(this.#byTask, taskId, (given = new Set()), MAX_TASKS);
    if (given.size < MAX_OFFSETS) given.add(offset);
  }

  /** Whether a poll from `offset` follows the server: 0, or an offset it gave (unknown tasks are not judged). */
  follows(taskId: string, offset: number): boolean {
    const given = this.#byTask.get(taskId);
    return offset === 0 || given === undefined || given.has(offset);
  }
}

/** The offsets given, in a memory the request rules read (the mock's protocol state). */
export function givenOffsets(memory: Map<string, unknown>): GivenOffsets {
  return keptIn(
    memory,
    KEY,
    () => new GivenOffsets(),
    (value) => value instanceof GivenOffsets,
  );
}

// Could a legal client fail this? None that polls as the document's four clients do; one that adds up
// the events itself reads the same offsets from a server whose offsets count events, as the mock's do.
export const requestOffset = defineRule({
  id: 'tasks.request.offset',
  title: "A poll starts at from=0, then from each next_offset the server answered: no offset of the client's own",
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (FROM=0, then FROM=$NEXT from data.next_offset; the Python, JS and Flutter loops alike)'),
  scopes: ['request'],
  create: (context, report) => ({
    end() {
      const { memory } = context;
      const task = POLL.exec(requestPath(context))?.[1];
      const fromText = new URL(context.request.url, 'http://mock.invalid').searchParams.get('from');
      if (memory === undefined || task === undefined || fromText === null || !/^\d+$/.test(fromText)) return;
      const from = Number(fromText);
      if (givenOffsets(memory).follows(safeDecode(task), from)) return;
      report({
        at: 'request',
        pointer: '',
        message: `the poll asks from=${from}, an offset the server never gave this task: events before it are lost, or read twice`,
        expected: 'from=0, or a next_offset of an earlier poll',
        actual: show(from),
      });
    },
  }),
});
