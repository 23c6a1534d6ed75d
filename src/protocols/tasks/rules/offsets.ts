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
  readonly #byTask = new Map<string, { readonly offsets: Set<number>; largest: number }>();

  give(taskId: string, offset: number): void {
    let given = this.#byTask.get(taskId);
    if (given === undefined) setBounded(this.#byTask, taskId, (given = { offsets: new Set(), largest: 0 }), MAX_TASKS);
    if (given.offsets.size < MAX_OFFSETS) given.offsets.add(offset);
    given.largest = Math.max(given.largest, offset);
  }

  /**
   * Where a poll from `offset` stands against what the server gave: 0 or a given offset follows it,
   * one below the largest given re-reads events, one past it skips them (unknown tasks are not judged).
   */
  judge(taskId: string, offset: number): 'follows' | 'rereads' | 'skips' {
    const given = this.#byTask.get(taskId);
    if (offset === 0 || given === undefined || given.offsets.has(offset)) return 'follows';
    return offset < given.largest ? 'rereads' : 'skips';
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

/** The poll's task and its from, when the request is a poll. */
function pollOf(url: string, path: string): { task: string; from: string | null } | undefined {
  const task = POLL.exec(path)?.[1];
  return task === undefined ? undefined : { task: safeDecode(task), from: new URL(url, 'http://mock.invalid').searchParams.get('from') };
}

// Could a legal client fail this? None that polls as the document's four clients do; one that adds up
// the events itself reads the same offsets from a server whose offsets count events, as the mock's do.
// An offset below the last one given re-reads events: tasks.request.offset-reread's warning.
export const requestOffset = defineRule({
  id: 'tasks.request.offset',
  title: 'A poll asks from a non-negative integer offset, never past the last next_offset the server answered: no event is skipped',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (FROM=0, then FROM=$NEXT from data.next_offset; the Python, JS and Flutter loops alike)'),
  scopes: ['request'],
  create: (context, report) => ({
    end() {
      const { memory } = context;
      const poll = pollOf(context.request.url, requestPath(context));
      if (poll === undefined || poll.from === null) return;
      if (!/^\d+$/.test(poll.from)) {
        report({
          at: 'request',
          pointer: '',
          message: `the poll asks from=${poll.from}, which is no offset`,
          expected: 'a non-negative integer',
          actual: show(poll.from),
        });
        return;
      }
      const from = Number(poll.from);
      if (memory === undefined || givenOffsets(memory).judge(poll.task, from) !== 'skips') return;
      report({
        at: 'request',
        pointer: '',
        message: `the poll asks from=${from}, past every offset the server gave this task: the events before it are never read`,
        expected: 'from=0, or a next_offset of an earlier poll',
        actual: show(from),
      });
    },
  }),
});

// Could a legal client fail this? One that re-reads a stretch of the log on purpose and drops what it has
// seen: the document's loops append every poll's events, so it warns only.
export const requestOffsetReread = defineRule({
  id: 'tasks.request.offset-reread',
  title:
    'A poll does not start inside what earlier polls delivered (an offset between two the server gave): the documented clients would show those events twice',
  severity: 'warn',
  basis: 'inferred',
  source: at("1) curl (FROM=$NEXT; each loop appends every poll's events)"),
  scopes: ['request'],
  create: (context, report) => ({
    end() {
      const { memory } = context;
      const poll = pollOf(context.request.url, requestPath(context));
      if (memory === undefined || poll === undefined || poll.from === null || !/^\d+$/.test(poll.from)) return;
      const from = Number(poll.from);
      if (givenOffsets(memory).judge(poll.task, from) !== 'rereads') return;
      report({
        at: 'request',
        pointer: '',
        message: `the poll asks from=${from}, an offset the server never gave, inside events an earlier poll delivered: a client that appends each poll's events shows them twice`,
        expected: 'from=0, or a next_offset of an earlier poll',
        actual: show(from),
      });
    },
  }),
});
