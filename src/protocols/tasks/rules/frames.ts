/**
 * tasks rules on each poll answer: HTTP 200, the data: {status, next_offset, events} shape, and an
 * offset that never goes back and moves past the events it returns.
 */
import { show } from '../../../core/engine.js';
import { reportFrameProblems } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { asPoll, at, isSuccessStatus, viewOf } from './read.js';

// Could a legal server fail this? None: every poll of the document's loop expects 200 (raise_for_status,
// res.ok), and the poll past the end is one more turn of that loop. A server that forgets a task once it
// ended fails the re-read from 0 only, which is tasks.poll.replay's warning.
export const pollStatus = defineRule({
  id: 'tasks.poll.status',
  title: 'A poll answers, promptly, with HTTP 2xx',
  severity: 'error',
  basis: 'doc',
  source: at('2) Python (r.raise_for_status()) and 3) JS (if (!res.ok) throw)'),
  scopes: ['stream'],
  create: (context, report) => ({
    frame(frame) {
      const poll = asPoll(frame);
      // A re-read from 0 is chatwire's own, beyond the document's loop: tasks.poll.replay warns about it.
      if (poll === undefined || isSuccessStatus(poll.status) || poll.phase === 'replay') return;
      // Live traffic: a first poll answered 404 asked for a task id the client made up (tasks.task.not-found's case).
      if (context.live === true && poll.index === 0 && poll.status === 404) return;
      report({
        at: 'frame',
        frame,
        pointer: '',
        message: `a poll from ${poll.from} answered HTTP ${poll.status}`,
        expected: 'a 2xx status (200)',
        actual: String(poll.status),
      });
    },
    end(end) {
      // A poll held open (a long poll that never returns) or cut off: the loop of the document waits forever.
      if (end.type === 'broken') report({ at: 'end', end, message: `a poll got no answer: ${end.message}`, expected: 'an answer to every poll' });
      if (end.type === 'timeout' && end.limit === 'first-frame')
        report({ at: 'end', end, message: `a poll got no answer within ${end.limitMs} ms (--first-frame-timeout)`, expected: 'an answer to every poll' });
    },
  }),
});

// Could a legal server fail this? None: undocumented event types and extra fields pass; only the documented
// fields are typed.
export const pollShape = defineRule({
  id: 'tasks.poll.shape',
  title: 'A poll answer is wrapped in data: {status, next_offset, events}; a text_chunk carries data.content (schemas/tasks/poll.schema.json)',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (step 4: ["data"]["status"], ["data"]["next_offset"], events)'),
  scopes: ['stream'],
  create: (_context, report) => ({
    frame(frame) {
      const poll = asPoll(frame);
      if (poll === undefined || !isSuccessStatus(poll.status)) return;
      if (!frame.json.ok) {
        report({ at: 'frame', frame, pointer: '', message: `the poll answer is not JSON: ${frame.json.error}`, expected: 'a JSON object' });
        return;
      }
      reportFrameProblems(report, frame, 'https://chatwire.dev/schemas/tasks/poll.json', frame.json.value);
    },
  }),
});

// Could a legal server fail this? None: an offset below from would make the client read events again.
export const pollOffset = defineRule({
  id: 'tasks.poll.offset',
  title: 'next_offset is an integer never below from',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (FROM=$NEXT: the next poll starts there)'),
  scopes: ['stream'],
  create: (_context, report) => ({
    frame(frame) {
      const poll = asPoll(frame);
      const next = viewOf(frame)?.nextOffset;
      if (poll === undefined || typeof next !== 'number' || !Number.isInteger(next) || next >= poll.from) return;
      report({
        at: 'frame',
        frame,
        pointer: '/data/next_offset',
        message: `next_offset went back below from (${poll.from})`,
        expected: `an integer ≥ ${poll.from}`,
        actual: show(next),
      });
    },
  }),
});

// Could a legal server fail this? None: events with an unmoved offset come again on the next poll.
export const pollAdvances = defineRule({
  id: 'tasks.poll.advances',
  title: 'A poll that returns events moves next_offset past from, so the next poll gets only new ones',
  severity: 'error',
  basis: 'doc',
  source: at("1) curl (the loop appends every poll's events, then FROM=$NEXT)"),
  scopes: ['stream'],
  create: (_context, report) => ({
    frame(frame) {
      const poll = asPoll(frame);
      const view = viewOf(frame);
      // Polls past the end are tasks.poll.final's to judge, re-reads from 0 tasks.poll.replay's.
      if (poll === undefined || poll.phase !== 'poll' || view?.events === undefined || view.events.length === 0 || view.nextOffset !== poll.from) return;
      report({
        at: 'frame',
        frame,
        pointer: '/data/next_offset',
        message: `${view.events.length} event(s) came but next_offset stayed at ${poll.from}: the next poll repeats them`,
        expected: `next_offset > ${poll.from}`,
        actual: show(view.nextOffset),
      });
    },
  }),
});
