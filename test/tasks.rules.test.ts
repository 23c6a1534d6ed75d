import { describe, expect, it } from 'vitest';
import { givenOffsets } from '../src/protocols/tasks/rules/offsets.js';
import tasks from '../src/protocols/tasks/index.js';
import { ExchangeCheck } from '../src/core/engine.js';
import type { PollFrame, StreamEnd } from '../src/core/exchange.js';
import type { Deviation, Scope } from '../src/core/rule.js';
import { rulesFor } from '../src/suite/judge.js';
import { check, ruleIds, type CheckOptions } from './helpers.js';
import { keepBreak, trials, type KeepBreak } from './keep-break.js';

type Poll = readonly [phase: PollFrame['phase'], from: number, body: unknown, status?: number];
const chunk = (content: string) => ({ type: 'text_chunk', data: { content } });
const e = [chunk('明日'), chunk('方舟'), chunk('终末地')];
const answer = (status: string, next: number, events: unknown[]) => ({ data: { status, next_offset: next, events } });

/** Polls of a run, as the driver makes them: to the end, once past it, twice from 0. */
function runPolls(polls: readonly Poll[], end: StreamEnd = { type: 'closed', atMs: 10 }): Deviation[] {
  const checker = new ExchangeCheck(rulesFor(tasks, 'stream', []), {
    request: { method: 'GET', url: 'http://t.invalid/api/v1/tasks/t1?from=0', headers: {}, body: undefined },
    requestJson: undefined,
  });
  // A re-read from 0 starts a new pass; the pages after it, from later offsets, belong to it.
  let pass = -1;
  polls.forEach(([phase, from, body, status = 200], index) => {
    if (phase === 'replay' && from === 0) pass++;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    let json: PollFrame['json'];
    try {
      json = { ok: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      json = { ok: false, error: String(error) };
    }
    checker.frame({ type: 'poll', index, atMs: index, phase, pass: phase === 'replay' ? pass : 0, from, status, text, json });
  });
  return [...checker.end(end)];
}

const good: Poll[] = [
  ['poll', 0, answer('running', 1, e.slice(0, 1))],
  ['poll', 1, answer('running', 1, [])],
  ['poll', 1, answer('completed', 3, e.slice(1))],
  ['past-end', 3, answer('completed', 3, [])],
  ['replay', 0, answer('completed', 3, e)],
  ['replay', 0, answer('completed', 3, e)],
];
const replace = (index: number, poll: Poll): Poll[] => good.map((p, i) => (i === index ? poll : p));
/** After the task the log was compacted into one event holding the whole answer: the end moves, the answer does not. */
const compacted: Poll[] = good.map((p): Poll => (p[0] === 'replay' ? ['replay', 0, answer('completed', 1, [chunk('明日方舟终末地')])] : p));
/** The final poll repeats the event before its offset, and its next_offset moves by what it sent: past the log's end. */
const finalRepeats: Poll[] = [
  ...good.slice(0, 2),
  ['poll', 1, answer('completed', 4, e)],
  ['past-end', 4, answer('completed', 4, [])],
  ['replay', 0, answer('completed', 3, e)],
];
/** A paging server: each re-read from 0 takes two pages, "running" until the reader reaches the end. */
const paged: Poll[] = [
  ...good.slice(0, 4),
  ['replay', 0, answer('running', 2, e.slice(0, 2))],
  ['replay', 2, answer('completed', 3, e.slice(2))],
  ['replay', 0, answer('running', 2, e.slice(0, 2))],
  ['replay', 2, answer('completed', 3, e.slice(2))],
];

interface HttpCase {
  readonly scope: Scope;
  readonly body: string;
  readonly options?: CheckOptions;
}
// Task t1 was made, then answered next_offset 3, then 5.
const offsets = new Map<string, unknown>();
for (const offset of [0, 3, 5]) givenOffsets(offsets).give('t1', offset);
const polled = (task: string, from: number | string): HttpCase => ({
  scope: 'request',
  body: '',
  options: { url: `http://t.invalid/api/v1/tasks/${task}?from=${from}`, requestHeaders: { authorization: 'Bearer t' }, memory: offsets },
});
const create = (path: string, body: unknown, status = 200): HttpCase => ({
  scope: 'answer',
  body: JSON.stringify(body),
  options: { url: `http://t.invalid${path}`, head: { status } },
});
const refusal = (status: number, body: unknown = { detail: 'x' }): HttpCase => ({
  scope: 'refusal',
  body: JSON.stringify(body),
  options: { head: { status } },
});

const pollTable: Record<string, { keeps: Poll[][]; breaks: Array<{ polls: Poll[]; end?: StreamEnd }> }> = {
  'tasks.poll.status': {
    // A server that forgets a task once it ended: only the re-read from 0 fails (tasks.poll.replay).
    keeps: [
      good,
      replace(4, ['replay', 0, { detail: 'Not Found' }, 404]),
      // 202 while running: res.ok and raise_for_status() take any 2xx.
      replace(1, ['poll', 1, answer('running', 1, []), 202]),
    ],
    breaks: [
      { polls: replace(1, ['poll', 1, { detail: 'busy' }, 503]) },
      { polls: replace(1, ['poll', 1, answer('running', 1, []), 304]) },
      // A long poll past the end that never returns: the document's loop would wait forever.
      { polls: good.slice(0, 3), end: { type: 'timeout', atMs: 15_000, limitMs: 15_000, limit: 'first-frame' } },
    ],
  },
  'tasks.poll.shape': {
    keeps: [good, replace(2, ['poll', 1, answer('completed', 4, [...e.slice(1), { type: 'progress', data: { pct: 100 } }]), 200])],
    breaks: [
      { polls: replace(0, ['poll', 0, { status: 'running', next_offset: 1, events: [] }]) },
      { polls: replace(0, ['poll', 0, answer('running', 1.5, [])]) },
      { polls: replace(0, ['poll', 0, answer('running', 1, [{ type: 'text_chunk', data: { text: 'x' } }])]) },
      { polls: replace(0, ['poll', 0, 'not json']) },
    ],
  },
  'tasks.poll.offset': { keeps: [good], breaks: [{ polls: replace(2, ['poll', 1, answer('completed', 0, e.slice(1))]) }] },
  'tasks.poll.advances': { keeps: [good], breaks: [{ polls: replace(0, ['poll', 0, answer('running', 0, e.slice(0, 1))]) }] },
  'tasks.poll.sequence': {
    keeps: [
      good,
      paged,
      // The log re-read from 0 was trimmed, but every poll's events matched its offsets: not a repeat.
      good.map((p): Poll => (p[0] === 'replay' ? ['replay', 0, answer('completed', 3, e.slice(1))] : p)),
      compacted,
    ],
    breaks: [
      { polls: replace(2, ['poll', 1, answer('completed', 3, e)]) },
      { polls: replace(2, ['poll', 1, answer('completed', 3, e.slice(2))]) },
      // Each poll's count matches its offset, but the polls end at next_offset 4 and the log re-read from 0 at 3.
      { polls: finalRepeats },
    ],
  },
  'tasks.poll.replay': {
    // A client that re-reads only the first page of a paging server (the proxy sees what clients do).
    // The last: tasks.poll.sequence reports it, as an error.
    keeps: [good, paged, [...good.slice(0, 4), ['replay', 0, answer('running', 2, e.slice(0, 2))]], finalRepeats],
    breaks: [
      { polls: replace(5, ['replay', 0, answer('completed', 3, [...e].reverse())]) },
      { polls: good.map((p): Poll => (p[0] === 'replay' ? ['replay', 0, { detail: 'Not Found' }, 404] : p)) },
      // A server that trimmed its log: the offsets still count events, so only a warning.
      { polls: good.map((p): Poll => (p[0] === 'replay' ? ['replay', 0, answer('completed', 3, e.slice(1))] : p)) },
      // Compacted after the task: the same answer, other events (a warning only).
      { polls: compacted },
      // Cut short, the first page still differs from what was delivered.
      { polls: [...good.slice(0, 4), ['replay', 0, answer('running', 2, [...e.slice(0, 2)].reverse())]] },
    ],
  },
  'tasks.status.stays-ended': {
    keeps: [
      good,
      // A paging server re-reads from 0 a page at a time: "running" until the page reaches the end.
      paged,
    ],
    breaks: [
      { polls: replace(3, ['past-end', 3, answer('running', 3, [])]) },
      // A re-read whose page reaches the end must say the task ended.
      { polls: replace(4, ['replay', 0, answer('running', 3, e)]) },
    ],
  },
  'tasks.status.ends': {
    keeps: [good],
    breaks: [
      { polls: good.slice(0, 2), end: { type: 'timeout', atMs: 30_000, limitMs: 30_000, limit: 'exchange' } },
      { polls: good.slice(0, 2), end: { type: 'frame-limit', atMs: 1, limit: 2 } },
    ],
  },
  'tasks.poll.final': {
    keeps: [good, replace(3, ['past-end', 3, answer('completed', 3, e.slice(2))])],
    breaks: [{ polls: replace(3, ['past-end', 3, answer('completed', 4, [chunk('还有')])]) }],
  },
};

const cut = (end: StreamEnd): HttpCase => ({ scope: 'answer', body: '{"workspace_id":', options: { url: 'http://t.invalid/api/v1/workspaces', end } });

const httpTable: Record<string, { keeps: HttpCase[]; breaks: HttpCase[] }> = {
  'http.response.complete': {
    keeps: [create('/api/v1/workspaces', { workspace_id: 'ws1' })],
    breaks: [cut({ type: 'broken', atMs: 5, message: 'socket hang up' }), cut({ type: 'timeout', atMs: 100, limitMs: 100, limit: 'exchange' })],
  },
  'tasks.create.status': {
    keeps: [create('/api/v1/workspaces', { workspace_id: 'ws1' }), create('/api/v1/workspaces', {}, 201)],
    breaks: [create('/api/v1/workspaces', { detail: 'exists' }, 409)],
  },
  'tasks.create.shape': {
    keeps: [
      create('/api/v1/workspaces/ws1/conversations', { conversation_id: 'c1' }),
      create('/api/v1/workspaces/ws1/messages', { task_id: 't1', extra: true }),
      // Ids are never typed by the document: a numbering server's integers work with every client.
      create('/api/v1/workspaces/ws1/conversations', { conversation_id: 5001 }),
      create('/api/v1/workspaces/ws1/messages', { task_id: 7 }),
      // The workspace answer's fields are not documented: any JSON.
      create('/api/v1/workspaces', {}),
      create('/api/v1/workspaces', { workspace_id: 'ws1', created: false }),
    ],
    breaks: [
      create('/api/v1/workspaces/ws1/conversations', { data: { conversation_id: 'c1' } }),
      create('/api/v1/workspaces/ws1/messages', { id: 't1' }),
      create('/api/v1/workspaces/ws1/messages', { task_id: 7.5 }),
      create('/api/v1/workspaces/ws1/conversations', { conversation_id: '' }),
      // 204 No Content: the Python client's r.json() and the JS client's res.json() fail on it.
      { scope: 'answer', body: '', options: { url: 'http://t.invalid/api/v1/workspaces', head: { status: 204 } } },
      { scope: 'answer', body: 'ok', options: { url: 'http://t.invalid/api/v1/workspaces', head: { status: 200 } } },
    ],
  },
  'tasks.auth.refused': {
    keeps: [refusal(401), refusal(403)],
    breaks: [refusal(200, { workspace_id: 'ws1' }), refusal(404), refusal(401, { data: { status: 'running' } })],
  },
  'tasks.task.not-found': { keeps: [refusal(404)], breaks: [refusal(400), refusal(200, answer('running', 0, []))] },
  'tasks.workspace.isolated': {
    keeps: [refusal(404, { detail: 'no such conversation' }), refusal(403, { detail: 'conversation belongs to another workspace' })],
    breaks: [refusal(200, { task_id: 't' }), refusal(404, { task_id: 't' }), refusal(500)],
  },
  'tasks.input.refused': { keeps: [refusal(404), refusal(422)], breaks: [refusal(200, { task_id: 't1' }), refusal(500)] },
  'tasks.request.offset': {
    // 4 re-reads (offset-reread's warning), it skips nothing.
    keeps: [polled('t1', 0), polled('t1', 3), polled('t1', 5), polled('t1', 4), polled('unknown', 7)],
    breaks: [polled('t1', 6), polled('t1', 'xyz'), polled('t1', '-1'), polled('unknown', '1.5')],
  },
  'tasks.request.offset-reread': {
    keeps: [polled('t1', 0), polled('t1', 3), polled('t1', 5), polled('t1', 6), polled('unknown', 2), polled('t1', 'xyz')],
    breaks: [polled('t1', 4), polled('t1', 1)],
  },
  'tasks.request.key': {
    keeps: [
      {
        scope: 'request',
        body: '',
        options: { url: 'http://t.invalid/api/v1/workspaces', request: { workspace_id: 'ws1' }, requestHeaders: { authorization: 'Bearer t0k' } },
      },
    ],
    breaks: [
      { scope: 'request', body: '', options: { url: 'http://t.invalid/api/v1/workspaces', request: { workspace_id: 'ws1' } } },
      { scope: 'request', body: '', options: { url: 'http://t.invalid/api/v1/tasks/t1?from=0', requestHeaders: { authorization: 'Token t0k' } } },
    ],
  },
  'tasks.request.json': {
    keeps: [
      { scope: 'request', body: '', options: { url: 'http://t.invalid/api/v1/workspaces', request: { workspace_id: 'ws1' } } },
      { scope: 'request', body: '', options: { url: 'http://t.invalid/api/v1/workspaces/ws1/conversations' } },
    ],
    breaks: [{ scope: 'request', body: '', options: { url: 'http://t.invalid/api/v1/workspaces', requestBody: 'workspace_id=ws1' } }],
  },
  'tasks.request.shape': {
    keeps: [
      {
        scope: 'request',
        body: '',
        options: {
          url: 'http://t.invalid/api/v1/workspaces/ws1/messages',
          request: { conversation_id: 'c', message: 'm', run_mode: 'fast', max_iterations: 100 },
        },
      },
    ],
    breaks: [
      { scope: 'request', body: '', options: { url: 'http://t.invalid/api/v1/workspaces/ws1/messages', request: { conversation_id: 'c', run_mode: 'fast' } } },
      {
        scope: 'request',
        body: '',
        options: { url: 'http://t.invalid/api/v1/workspaces/ws1/messages', request: { conversation_id: 'c', message: 'm', max_iterations: 0 } },
      },
      { scope: 'request', body: '', options: { url: 'http://t.invalid/api/v1/workspaces', request: {} } },
    ],
  },
};

/** The poll table with every input as a run of polls and how it ended. */
const pollRuns: Record<string, KeepBreak<{ readonly polls: readonly Poll[]; readonly end?: StreamEnd }>> = Object.fromEntries(
  Object.entries(pollTable).map(([id, { keeps, breaks }]) => [id, { keeps: keeps.map((polls) => ({ polls })), breaks }]),
);

describe('tasks rules', () => {
  it('a poll past the end that hangs is tasks.poll.status, not a task that never ended', () => {
    const found = ruleIds(runPolls(good.slice(0, 3), { type: 'timeout', atMs: 15_000, limitMs: 15_000, limit: 'first-frame' }));
    expect(found).toContain('tasks.poll.status');
    expect(found).not.toContain('tasks.status.ends');
  });

  keepBreak(
    tasks,
    trials(pollRuns, (c) => runPolls(c.polls, c.end)),
    trials(httpTable, (c) => check(tasks, c.scope, c.body, c.options)),
  );

  it('a conformant run has no deviation at all', () => {
    expect(runPolls(good)).toEqual([]);
  });
});
