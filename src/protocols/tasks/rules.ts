/**
 * The tasks rules: document 003_2215f6354d6789dc.txt (工作区 + 对话 + 发送 + 轮询), digest section
 * "tasks". An answer arrives by polling GET /api/v1/tasks/{id}?from=N until status leaves "running".
 */
import { isDeepStrictEqual } from 'node:util';
import { show } from '../../core/engine.js';
import type { Frame, PollFrame } from '../../core/exchange.js';
import { refusalRule, reportFrameProblems, requestJsonRule, requestPath, requestSchemaByPathRule, type RefusalSigns } from '../../core/kit.js';
import { defineRule, type Rule, type RuleSource } from '../../core/rule.js';
import { isRecord } from '../../core/schemas.js';

export const DOC = '003_2215f6354d6789dc.txt';
const at = (section: string): RuleSource => ({ doc: DOC, section });

export interface PollView {
  readonly status: unknown;
  readonly nextOffset: unknown;
  readonly events: readonly unknown[] | undefined;
}

/** The data of a poll answer, or undefined when it has none. */
export function pollView(value: unknown): PollView | undefined {
  const data = isRecord(value) ? value['data'] : undefined;
  if (!isRecord(data)) return undefined;
  const events = data['events'];
  return { status: data['status'], nextOffset: data['next_offset'], events: Array.isArray(events) ? events : undefined };
}

const asPoll = (frame: Frame): PollFrame | undefined => (frame.type === 'poll' ? frame : undefined);
const viewOf = (frame: Frame): PollView | undefined => (frame.json.ok ? pollView(frame.json.value) : undefined);

// Could a legal server fail this? None: every poll of the document's loop expects 200 (raise_for_status,
// res.ok).
export const pollStatus = defineRule({
  id: 'tasks.poll.status',
  title: 'A poll answers, promptly, with HTTP 200',
  severity: 'error',
  basis: 'doc',
  source: at('2) Python (r.raise_for_status()) and 3) JS (if (!res.ok) throw)'),
  scopes: ['stream'],
  create: (_context, report) => ({
    frame(frame) {
      const poll = asPoll(frame);
      if (poll === undefined || poll.status === 200) return;
      report({ at: 'frame', frame, pointer: '', message: `a poll from ${poll.from} answered HTTP ${poll.status}`, expected: '200', actual: String(poll.status) });
    },
    end(end) {
      // A poll held open (a long poll that never returns) or cut off: the loop of the document waits forever.
      if (end.type === 'broken') report({ at: 'end', end, message: `a poll got no answer: ${end.message}`, expected: 'an answer to every poll' });
      if (end.type === 'timeout' && end.limit === 'first-frame') report({ at: 'end', end, message: `a poll got no answer within ${end.limitMs} ms (--first-frame-timeout)`, expected: 'an answer to every poll' });
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
      if (poll === undefined || poll.status !== 200) return;
      if (!frame.json.ok) {
        report({ at: 'frame', frame, pointer: '', message: `the poll answer is not JSON: ${frame.json.error}`, expected: 'a JSON object' });
        return;
      }
      reportFrameProblems(report, frame, 'urn:chatwire:tasks:poll', frame.json.value);
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
      report({ at: 'frame', frame, pointer: '/data/next_offset', message: `next_offset went back below from (${poll.from})`, expected: `an integer ≥ ${poll.from}`, actual: show(next) });
    },
  }),
});

// Could a legal server fail this? None: events with an unmoved offset come again on the next poll.
export const pollAdvances = defineRule({
  id: 'tasks.poll.advances',
  title: 'A poll that returns events moves next_offset past from, so the next poll gets only new ones',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (the loop appends every poll\'s events, then FROM=$NEXT)'),
  scopes: ['stream'],
  create: (_context, report) => ({
    frame(frame) {
      const poll = asPoll(frame);
      const view = viewOf(frame);
      // Polls past the end are tasks.poll.final's to judge, re-reads from 0 tasks.poll.replay's.
      if (poll === undefined || poll.phase !== 'poll' || view?.events === undefined || view.events.length === 0 || view.nextOffset !== poll.from) return;
      report({ at: 'frame', frame, pointer: '/data/next_offset', message: `${view.events.length} event(s) came but next_offset stayed at ${poll.from}: the next poll repeats them`, expected: `next_offset > ${poll.from}`, actual: show(view.nextOffset) });
    },
  }),
});

/**
 * The events of a task as the polls delivered them, as re-read from offset 0, and whether every
 * poll's event count matched how far its offset moved (offsets that count events).
 */
function eventLog() {
  const delivered: unknown[] = [];
  // One entry per re-read from 0: a paging server answers it over several polls, joined here.
  const replays: Array<{ frame: Frame; events: unknown[] }> = [];
  let offsetsMatch = true;
  return {
    see(frame: Frame): void {
      const poll = asPoll(frame);
      const view = viewOf(frame);
      const events = view?.events;
      if (poll === undefined || events === undefined) return;
      if (poll.phase === 'replay') {
        const replay = replays[poll.pass];
        if (replay === undefined) replays[poll.pass] = { frame, events: [...events] };
        else if (replay.events.length < 100_000) replay.events.push(...events);
        return;
      }
      if (delivered.length < 100_000) delivered.push(...events);
      if (typeof view?.nextOffset === 'number' && view.nextOffset - poll.from !== events.length) offsetsMatch = false;
    },
    delivered,
    replays,
    get offsetsMatch() {
      return offsetsMatch;
    },
  };
}

function describeDifference(delivered: readonly unknown[], reference: readonly unknown[]): string {
  const first = delivered.findIndex((event, i) => !isDeepStrictEqual(event, reference[i]));
  const what = delivered.length > reference.length ? 'repeated events' : delivered.length < reference.length ? 'missing events (a gap)' : 'events in another order';
  return `the polls delivered ${delivered.length} event(s), the log from 0 holds ${reference.length}: ${what}${first >= 0 ? `, first at event ${first}` : ''}`;
}

// Could a legal server fail this? One that counts offsets otherwise (by bytes, by page): it needs two signs
// to agree, the re-read from 0 and the offsets.
export const pollSequence = defineRule({
  id: 'tasks.poll.sequence',
  title: "Polling from next_offset gives only new events: no repeats, no gaps (the polls' events differ from the log re-read from 0, and a poll's event count differs from how far its offset moved)",
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (the client prints every poll\'s events: the answer is their concatenation)'),
  scopes: ['stream'],
  create: (_context, report) => {
    const log = eventLog();
    return {
      frame: (frame) => log.see(frame),
      end(end) {
        const reference = log.replays[0];
        // Two independent signs must agree, so a server that trims old events, or counts offsets
        // otherwise, is not failed on one of them alone (tasks.poll.replay warns then).
        if (reference === undefined || isDeepStrictEqual(log.delivered, reference.events) || log.offsetsMatch) return;
        report({ at: 'end', end, message: describeDifference(log.delivered, reference.events), expected: show(reference.events), actual: show(log.delivered) });
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
    const log = eventLog();
    return {
      frame: (frame) => log.see(frame),
      end(end) {
        const [first, ...later] = log.replays;
        const differing = later.find((replay) => first !== undefined && !isDeepStrictEqual(replay.events, first.events));
        if (first !== undefined && differing !== undefined) {
          report({ at: 'frame', frame: differing.frame, pointer: '/data/events', message: 'a second read from offset 0 differs from the first', expected: show(first.events), actual: show(differing.events) });
        }
        const reference = log.replays[0];
        // When the offsets disagree too, tasks.poll.sequence reports it as an error.
        if (reference === undefined || isDeepStrictEqual(log.delivered, reference.events) || !log.offsetsMatch) return;
        report({ at: 'end', end, message: `the log re-read from 0 differs from what the polls delivered: ${describeDifference(log.delivered, reference.events)}`, expected: show(log.delivered), actual: show(reference.events) });
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
          report({ at: 'frame', frame, pointer: '/data/status', message: `status went back to "running" after the task ended as ${show(endedAs)} (frame ${endedAt})`, expected: show(endedAs), actual: '"running"' });
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
          end.type === 'timeout' ? (end.limit === 'idle' ? `no new event and no status change for ${end.limitMs} ms (--idle-timeout)` : `still running after ${end.limitMs} ms`) : end.type === 'frame-limit' ? `still running after ${end.limit} polls (raise --max-frames if this is legitimate)` : end.type === 'broken' ? `a poll failed: ${end.message}` : end.type;
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
  source: at('1) curl (the client prints the final poll\'s events, then stops)'),
  scopes: ['stream'],
  create: (_context, report) => {
    const log = eventLog();
    return {
      frame(frame) {
        const poll = asPoll(frame);
        const events = viewOf(frame)?.events;
        if (poll?.phase !== 'past-end') return log.see(frame);
        if (events === undefined || events.length === 0) return;
        // Old events again are repeats (tasks.poll.sequence); only new ones show the final poll fell short.
        const tail = log.delivered.slice(-events.length);
        if (isDeepStrictEqual(tail, events)) return;
        report({ at: 'frame', frame, pointer: '/data/events', message: `${events.length} new event(s) came after the final poll`, expected: 'no events past the end', actual: show(events) });
      },
    };
  },
});

// ---- the create calls ------------------------------------------------------------------------

const CREATES: ReadonlyArray<readonly [RegExp, string | undefined]> = [
  [/\/api\/v1\/workspaces$/, undefined],
  [/\/api\/v1\/workspaces\/[^/]+\/conversations$/, 'urn:chatwire:tasks:conversation'],
  [/\/api\/v1\/workspaces\/[^/]+\/messages$/, 'urn:chatwire:tasks:task'],
];
const pathOf = requestPath;

// Could a legal server fail this? None: any 2xx (201 Created) passes.
export const createStatus = defineRule({
  id: 'tasks.create.status',
  title: 'A valid create call (workspace, twice: idempotent; conversation; message) succeeds with HTTP 2xx',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (steps 1–3); 2) Python (raise_for_status)'),
  scopes: ['answer'],
  create: (_context, report) => ({
    response(head) {
      if (head.status >= 200 && head.status < 300) return;
      report({ at: 'response', message: `the call failed with HTTP ${head.status}`, expected: '2xx', actual: String(head.status) });
    },
  }),
});

// Could a legal server fail this? None: extra fields pass; the document's clients read the ids at the top
// level.
export const createShape = defineRule({
  id: 'tasks.create.shape',
  title: 'A create answer carries its id at the top level ({"conversation_id"} / {"task_id"}), not wrapped in data',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (json.load(sys.stdin)["conversation_id"], ["task_id"])'),
  scopes: ['answer'],
  create: (context, report) => {
    const schema = CREATES.find(([pattern]) => pattern.test(pathOf(context)))?.[1];
    return {
      frame(frame) {
        if (schema === undefined) return;
        if (!frame.json.ok) {
          report({ at: 'frame', frame, pointer: '', message: `the answer is not JSON: ${frame.json.error}`, expected: 'a JSON object' });
          return;
        }
        reportFrameProblems(report, frame, schema, frame.json.value);
      },
    };
  },
});

// ---- refusals --------------------------------------------------------------------------------

function dataIn(frame: Frame): boolean {
  if (!frame.json.ok || !isRecord(frame.json.value)) return false;
  const value = frame.json.value;
  return ['data', 'conversation_id', 'task_id', 'workspace_id'].some((key) => value[key] !== undefined && value[key] !== null);
}

/** The signs of a tasks refusal: the expected status, and no data delivered. */
function refusedWith(accepts: (status: number) => boolean, expected: string, notFound = false): RefusalSigns {
  return { status: accepts, delivers: (frame) => (dataIn(frame) ? show(frame.json.ok ? frame.json.value : undefined) : undefined), expected, notFound };
}

// Could a legal server fail this? One that answers 403 to a wrong token: accepted as well as the digest's
// 401.
export const authRefused = refusalRule(
  { id: 'tasks.auth.refused', title: 'A call without the token, or with a wrong one, is refused with 401 (or 403) and no data', severity: 'error', basis: 'inferred', source: at('通用 Header (Authorization: Bearer <TOKEN>); digest: security') },
  // 401 is the digest's reading; a server answering 403 to a wrong token refuses just as securely.
  refusedWith((status) => status === 401 || status === 403, 'HTTP 401 (or 403) and no data'),
);

// Could a legal server fail this? One whose conversation ids are global: the document creates and messages a
// conversation through its workspace's path, so reaching it from another is the leak the digest calls a
// security fault.
export const workspaceIsolated = refusalRule(
  {
    id: 'tasks.workspace.isolated',
    title: "A message to one workspace naming another workspace's conversation is refused (4xx), and starts no task",
    severity: 'error',
    basis: 'inferred',
    source: at('1) curl (a conversation is created in, and messaged through, /workspaces/{ws}/); digest: security'),
  },
  refusedWith((status) => status >= 400 && status < 500, 'HTTP 4xx (404 or 403) and no task_id', true),
);

export const taskNotFound = refusalRule(
  { id: 'tasks.task.not-found', title: 'Polling an unknown task id answers 404', severity: 'warn', basis: 'inferred', source: at('1) curl (step 4); digest: unknown task is 404') },
  refusedWith((status) => status === 404, 'HTTP 404 and no data', true),
);

export const inputRefused = refusalRule(
  { id: 'tasks.input.refused', title: 'A message to an unknown conversation, or without message, is refused with 4xx', severity: 'warn', basis: 'inferred', source: at('1) curl (step 3: conversation_id, message)') },
  // An unknown conversation is an unknown resource: 404 refuses it as well as 400 or 422 do.
  refusedWith((status) => status >= 400 && status < 500, 'HTTP 4xx and no data', true),
);

// ---- the client's request (judged by the mock) ------------------------------------------------

const bodyIsJson = requestJsonRule({ id: 'tasks.request.json', title: 'A POST body, when there is one, is a JSON object', severity: 'error', basis: 'doc', source: at('1) curl (Content-Type: application/json)'), scopes: ['request'] });

// The conversation call has no body at all; only a body that is there must be JSON.
export const requestJson: Rule = { ...bodyIsJson, create: (context, report) => (context.request.body === undefined || context.request.body === '' ? {} : bodyIsJson.create(context, report)) };

const REQUEST_SCHEMAS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/api\/v1\/workspaces$/, 'urn:chatwire:tasks:workspace'],
  [/\/api\/v1\/workspaces\/[^/]+\/messages$/, 'urn:chatwire:tasks:message'],
];

export const requestShape = requestSchemaByPathRule(
  {
    id: 'tasks.request.shape',
    title: 'A create request has its documented fields (schemas/tasks/workspace.schema.json, message.schema.json)',
    severity: 'error',
    basis: 'doc',
    source: at('1) curl (steps 1 and 3)'),
    scopes: ['request'],
  },
  REQUEST_SCHEMAS,
);

export const tasksRules: readonly Rule[] = [
  pollStatus,
  pollShape,
  pollOffset,
  pollAdvances,
  pollSequence,
  pollReplay,
  statusStaysEnded,
  statusEnds,
  finalPoll,
  createStatus,
  createShape,
  authRefused,
  workspaceIsolated,
  taskNotFound,
  inputRefused,
  requestJson,
  requestShape,
];
