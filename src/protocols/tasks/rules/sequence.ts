/**
 * tasks rules on the polls of one task together: the events they deliver are the log, without repeats
 * or gaps, the same when re-read from 0; status ends, once, and the final poll carries every event.
 */
import { isDeepStrictEqual } from 'node:util';
import { show } from '../../../core/engine.js';
import type { Frame } from '../../../core/exchange.js';
import { defineRule } from '../../../core/rule.js';
import { answerTextOf, asPoll, at, isSuccessStatus, viewOf } from './read.js';

/**
 * The events of a task as the polls delivered them, as re-read from offset 0, and whether every
 * poll's event count matched how far its offset moved (offsets that count events).
 */
class EventLog {
  readonly delivered: unknown[] = [];
  // One entry per re-read from 0: a paging server answers it over several polls, joined here. `ended`:
  // its last page said the task had ended, so it holds the whole log (a client may stop after one page).
  readonly replays: Array<{ frame: Frame; events: unknown[]; ended: boolean; endOffset: unknown }> = [];
  /** The next_offset of the last poll that followed the offsets: where the server says the log ends. */
  #endOffset: unknown;
  #offsetsMatch = true;

  see(frame: Frame): void {
    const poll = asPoll(frame);
    const view = viewOf(frame);
    const events = view?.events;
    if (poll === undefined || events === undefined) return;
    if (poll.phase === 'replay') {
      const replay = this.replays[poll.pass];
      const ended = view?.status !== undefined && view.status !== 'running';
      if (replay === undefined) this.replays[poll.pass] = { frame, events: [...events], ended, endOffset: view?.nextOffset };
      else {
        if (replay.events.length < 100_000) replay.events.push(...events);
        replay.ended = ended;
        replay.endOffset = view?.nextOffset;
      }
      return;
    }
    if (this.delivered.length < 100_000) this.delivered.push(...events);
    this.#endOffset = view?.nextOffset;
    if (typeof view?.nextOffset === 'number' && view.nextOffset - poll.from !== events.length) this.#offsetsMatch = false;
  }

  /** Whether what the polls delivered agrees with a re-read from 0: all of it, or as far as a re-read cut short went. */
  agrees(replay: { readonly events: readonly unknown[]; readonly ended: boolean }): boolean {
    const read = replay.ended ? this.delivered : this.delivered.slice(0, replay.events.length);
    return isDeepStrictEqual(read, replay.events);
  }

  get endOffset(): unknown {
    return this.#endOffset;
  }

  get offsetsMatch(): boolean {
    return this.#offsetsMatch;
  }

  /**
   * Whether the server's own offsets put the end of one log in two places: the polls ended at one
   * next_offset, a whole re-read from 0 at another. Offsets of any unit (events, bytes) end at the
   * same place for the same log; a server that trims old events too. Judged only when the answer's
   * text differs as well.
   */
  endsDisagree(replay: { readonly events: readonly unknown[]; readonly ended: boolean; readonly endOffset: unknown }): boolean {
    if (!replay.ended || typeof replay.endOffset !== 'number' || typeof this.#endOffset !== 'number' || replay.endOffset === this.#endOffset) return false;
    // A server that compacts its log after the task (one event holding the whole answer) moves the end
    // too, but keeps the answer: only a different answer text is a repeat or a gap.
    return answerTextOf(this.delivered) !== answerTextOf(replay.events);
  }
}

function describeDifference(delivered: readonly unknown[], reference: readonly unknown[]): string {
  const first = delivered.findIndex((event, i) => !isDeepStrictEqual(event, reference[i]));
  const what =
    delivered.length > reference.length
      ? 'more than the log holds (events repeated by the polls, or lost from the re-read)'
      : delivered.length < reference.length
        ? 'fewer than the log holds (a gap in the polls)'
        : 'events that differ or come in another order';
  return `the polls delivered ${delivered.length} event(s), the log from 0 holds ${reference.length}: ${what}${first >= 0 ? `, first at event ${first}` : ''}`;
}

// Could a legal server fail this? One that counts offsets otherwise (by bytes, by page): it needs two signs
// to agree, the re-read from 0 and the offsets (each poll's count against its offset's move, or where the
// polls and the re-read say the log ends).
export const pollSequence = defineRule({
  id: 'tasks.poll.sequence',
  title:
    "Polling from next_offset gives only new events: no repeats, no gaps (the polls' events differ from the log re-read from 0, and a poll's event count differs from how far its offset moved)",
  severity: 'error',
  basis: 'doc',
  source: at("1) curl (the client prints every poll's events: the answer is their concatenation)"),
  scopes: ['stream'],
  create: (_context, report) => {
    const log = new EventLog();
    return {
      frame: (frame) => log.see(frame),
      end(end) {
        const reference = log.replays[0];
        // Two independent signs must agree, so a server that trims old events, or counts offsets
        // otherwise, is not failed on one of them alone (tasks.poll.replay warns then).
        if (reference === undefined || log.agrees(reference) || (log.offsetsMatch && !log.endsDisagree(reference))) return;
        const ends = log.endsDisagree(reference)
          ? `; the polls ended at next_offset ${show(log.endOffset)}, the re-read from 0 at ${show(reference.endOffset)}`
          : '';
        report({
          at: 'end',
          end,
          message: `${describeDifference(log.delivered, reference.events)}${ends}`,
          expected: show(reference.events),
          actual: show(log.delivered),
        });
      },
    };
  },
});

export const pollReplay = defineRule({
  id: 'tasks.poll.replay',
  title: 'Re-polling from 0 gives the same events in the same order as the polls delivered (an append-only log)',
  severity: 'warn',
  basis: 'inferred',
  source: at('1) curl (FROM=0 starts the loop)'),
  scopes: ['stream'],
  create: (_context, report) => {
    const log = new EventLog();
    let refused = false;
    return {
      frame(frame) {
        const poll = asPoll(frame);
        if (poll?.phase === 'replay' && !isSuccessStatus(poll.status) && !refused) {
          refused = true;
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: `a re-read from offset ${poll.from} answered HTTP ${poll.status}`,
            expected: 'a 2xx status (200)',
            actual: String(poll.status),
          });
        }
        log.see(frame);
      },
      end(end) {
        const [first, ...later] = log.replays;
        const differing = later.find((replay) => first !== undefined && !isDeepStrictEqual(replay.events, first.events));
        if (first !== undefined && differing !== undefined) {
          report({
            at: 'frame',
            frame: differing.frame,
            pointer: '/data/events',
            message: 'a second read from offset 0 differs from the first',
            expected: show(first.events),
            actual: show(differing.events),
          });
        }
        const reference = log.replays[0];
        // When the offsets disagree too, tasks.poll.sequence reports it as an error.
        if (reference === undefined || log.agrees(reference) || !log.offsetsMatch || log.endsDisagree(reference)) return;
        report({
          at: 'end',
          end,
          message: `the log re-read from 0 differs from what the polls delivered: ${describeDifference(log.delivered, reference.events)}`,
          expected: show(log.delivered),
          actual: show(reference.events),
        });
      },
    };
  },
});

// Could a legal server fail this? A paging server answers "running" to a re-read whose page stops short of
// the end: accepted.
export const statusStaysEnded = defineRule({
  id: 'tasks.status.stays-ended',
  title: 'status is "running" until the task ends, then stays ended',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (the loop stops when status is not running)'),
  scopes: ['stream'],
  create: (_context, report) => {
    let endedAt: number | undefined;
    let endedAs: unknown;
    let endOffset: unknown;
    return {
      frame(frame) {
        const poll = asPoll(frame);
        const view = viewOf(frame);
        const status = view?.status;
        if (poll === undefined || status === undefined) return;
        if (endedAt === undefined) {
          if (status !== 'running') [endedAt, endedAs, endOffset] = [frame.index, status, view?.nextOffset];
          return;
        }
        // Status is read per poll: a paging server may answer "running" to a re-read whose page stops
        // short of the end. Only a poll that reaches the end must say the task ended.
        const shortPage = poll.phase === 'replay' && typeof view?.nextOffset === 'number' && typeof endOffset === 'number' && view.nextOffset < endOffset;
        if (status === 'running' && !shortPage) {
          report({
            at: 'frame',
            frame,
            pointer: '/data/status',
            message: `status went back to "running" after the task ended as ${show(endedAs)} (frame ${endedAt})`,
            expected: show(endedAs),
            actual: '"running"',
          });
        }
      },
    };
  },
});

// Could a legal server fail this? A task longer than --timeout, or silent for --idle-timeout: the limits are
// flags.
export const statusEnds = defineRule({
  id: 'tasks.status.ends',
  title: 'A task ends (status leaves "running") within the time and poll bounds',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (the loop ends when status is not running)'),
  scopes: ['stream'],
  create: (_context, report) => {
    let polls = 0;
    let ended = false;
    return {
      frame(frame) {
        polls++;
        const status = viewOf(frame)?.status;
        if (status !== undefined && status !== 'running') ended = true;
      },
      end(end) {
        // Once a poll said the task ended, a later poll that fails is tasks.poll.status's finding.
        if (end.type === 'closed' || ended) return;
        const why =
          end.type === 'timeout'
            ? end.limit === 'idle'
              ? `no new event and no status change for ${end.limitMs} ms (--idle-timeout)`
              : `still running after ${end.limitMs} ms`
            : end.type === 'frame-limit'
              ? `still running after ${end.limit} polls (raise --max-frames if this is legitimate)`
              : end.type === 'broken'
                ? `a poll failed: ${end.message}`
                : end.type;
        report({ at: 'end', end, message: `the task did not end: ${why} (${polls} poll(s))`, expected: 'a status other than "running"', actual: 'running' });
      },
    };
  },
});

// Could a legal server fail this? None: the document's loop prints the final poll's events and stops, so
// events after it are lost.
export const finalPoll = defineRule({
  id: 'tasks.poll.final',
  title: 'The final poll (status not running) carries every remaining event: polling past the end gives nothing new',
  severity: 'error',
  basis: 'doc',
  source: at("1) curl (the client prints the final poll's events, then stops)"),
  scopes: ['stream'],
  create: (_context, report) => {
    const log = new EventLog();
    return {
      frame(frame) {
        const poll = asPoll(frame);
        const events = viewOf(frame)?.events;
        if (poll?.phase !== 'past-end') return log.see(frame);
        if (events === undefined || events.length === 0) return;
        // Old events again are repeats (tasks.poll.sequence); only new ones show the final poll fell short.
        const tail = log.delivered.slice(-events.length);
        if (isDeepStrictEqual(tail, events)) return;
        report({
          at: 'frame',
          frame,
          pointer: '/data/events',
          message: `${events.length} new event(s) came after the final poll`,
          expected: 'no events past the end',
          actual: show(events),
        });
      },
    };
  },
});
