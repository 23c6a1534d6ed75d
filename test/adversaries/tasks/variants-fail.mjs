// Faulty variations of the tasks server: each is the base server with exactly one seeded fault.
import { startServer, defaultPollView, defaultScript, splitChunks, answerText } from './base.mjs';

const wrapStatus = (fn) => (task, from, now, opt) => fn(defaultPollView(task, from, now, opt), task, from, now);

// Events land in bursts of six; the task finishes together with the last burst.
function burstyScript(message, rnd) {
  const chunks = splitChunks(answerText(message), rnd, 2, 3);
  const events = chunks.map((c, i) => ({ type: 'text_chunk', data: { content: c }, at: 150 + 200 * Math.floor(i / 6) }));
  return { events, doneAt: events[events.length - 1].at, status: 'completed' };
}

export const failVariants = [
  // ---------------------------------------------------------------- authentication / isolation
  {
    id: 'auth-not-enforced',
    expect: 'fail',
    says: 'Never checks the Authorization header: calls without a token or with a wrong one are served',
    breaks: 'specs/003 通用 Header "Authorization: Bearer <TOKEN>" on every call; digest tasks: no/wrong token → 401, no data (security)',
    start: () => startServer({ auth: 'none' }),
  },
  {
    id: 'any-bearer-token-accepted',
    expect: 'fail',
    says: 'Only checks that a Bearer header is present; any wrong token value is served',
    breaks: 'digest tasks: a call with a wrong token is refused with 401 and no data (security)',
    start: () => startServer({ auth: 'presence' }),
  },
  {
    id: 'tasks-route-unauthenticated',
    expect: 'fail',
    says: 'Auth middleware is mounted on /workspaces only: GET /api/v1/tasks/{id} answers without a token',
    breaks: 'specs/003 step 4 polls with the Authorization header like every call; digest tasks: no token → 401 (security)',
    start: () => startServer({ auth: 'skip-tasks' }),
  },
  {
    id: 'unauthorized-still-served',
    expect: 'fail',
    says: 'Sets status 401 for a missing/wrong token but the handler still runs: the 401 body carries the real data (and creates happen)',
    breaks: 'digest tasks: a call without / with a wrong token is refused with 401 and no data (security)',
    start: () => startServer({ auth: 'leak' }),
  },
  {
    id: 'cross-workspace-conversation',
    expect: 'fail',
    says: "Posting a message to workspace B with workspace A's conversation_id is accepted (no scope check)",
    breaks: 'specs/003 paths scope conversations/messages by workspace; digest: data of one workspace reachable from another is a security error',
    start: () => startServer({ checkConvScope: false }),
  },
  {
    id: 'workspace-create-not-idempotent',
    expect: 'fail',
    says: 'A second POST /api/v1/workspaces with an existing workspace_id answers 409 Conflict',
    breaks: 'specs/003 step 1 "创建/确保工作区存在" (create or ensure it exists); digest tasks table: idempotent',
    start: () => startServer({ idempotentWorkspaces: false }),
  },
  // ---------------------------------------------------------------- answer shapes
  {
    id: 'create-answers-wrapped-in-data',
    expect: 'fail',
    says: 'Create answers use the poll envelope: {"data":{"conversation_id"}} / {"data":{"task_id"}} instead of top level',
    breaks: 'specs/003 examples read conv["conversation_id"] and task["task_id"] at top level; digest: create answers are not wrapped',
    start: () => startServer({ decorateCreate: (kind, body) => (kind === 'workspace' ? body : { data: body }) }),
  },
  {
    id: 'poll-not-wrapped-in-data',
    expect: 'fail',
    says: 'Poll answer puts status/next_offset/events at top level, without the "data" wrapper',
    breaks: 'specs/003 step 4 reads json["data"]["status"], ["data"]["next_offset"], ["data"]["events"]',
    start: () => startServer({ renderPoll: (v, task, opt) => ({ status: v.status, next_offset: v.next_offset, events: v.events.map((e, i) => opt.renderEvent(e, i, task)) }) }),
  },
  {
    id: 'chunk-field-renamed-text',
    expect: 'fail',
    says: 'text_chunk events carry data.text instead of data.content',
    breaks: 'specs/003 step 4: a text_chunk event\'s token is ev["data"]["content"]',
    start: () =>
      startServer({
        script: (m, rnd, ctx) => {
          const p = defaultScript(m, rnd, ctx);
          return { ...p, events: p.events.map((e) => ({ ...e, data: { text: e.data.content } })) };
        },
      }),
  },
  {
    id: 'event-data-json-string',
    expect: 'fail',
    says: 'Event data is double-encoded: "data" is a JSON string ("{\\"content\\":…}") instead of an object',
    breaks: 'specs/003 step 4: ev["data"]["content"] — data is an object holding content',
    start: () => startServer({ renderEvent: (e) => ({ type: e.type, data: JSON.stringify(e.data) }) }),
  },
  {
    id: 'events-null-when-empty',
    expect: 'fail',
    says: 'A poll with no new events answers "events": null (nil slice) instead of []',
    breaks: 'specs/003 step 4 iterates data["events"] on every poll: it is always a list',
    start: () =>
      startServer({
        renderPoll: (v, task, opt) => ({ data: { status: v.status, next_offset: v.next_offset, events: v.events.length ? v.events.map((e, i) => opt.renderEvent(e, i, task)) : null } }),
      }),
  },
  {
    id: 'next-offset-string',
    expect: 'fail',
    says: 'next_offset is sent as a string ("7") instead of an integer',
    breaks: 'digest tasks: next_offset is an integer ≥ from (specs/003 feeds it back as ?from=N)',
    start: () =>
      startServer({
        renderPoll: (v, task, opt) => ({ data: { status: v.status, next_offset: String(v.next_offset), events: v.events.map((e, i) => opt.renderEvent(e, i, task)) } }),
      }),
  },
  // ---------------------------------------------------------------- offsets / sequencing
  {
    id: 'next-offset-page-relative',
    expect: 'fail',
    says: 'next_offset is the number of events in this page, not from + that number: it can go below from and events repeat',
    breaks: 'digest tasks: next_offset ≥ from, polling from next_offset returns only events not seen before (no repeats)',
    start: () => startServer({ pollView: wrapStatus((v) => ({ ...v, next_offset: v.events.length })) }),
  },
  {
    id: 'next-offset-skips-one',
    expect: 'fail',
    says: 'next_offset is one past the right value whenever a page has events (1-based seq mixed with 0-based from): an event is skipped',
    breaks: 'digest tasks: polling from next_offset returns only events not seen before — no gaps (the client appends every poll)',
    start: () => startServer({ pollView: wrapStatus((v, t, from) => ({ ...v, next_offset: v.events.length ? from + v.events.length + 1 : v.next_offset })) }),
  },
  {
    id: 'ignores-from',
    expect: 'fail',
    says: 'The from parameter is ignored: every poll returns the whole log so far, so events repeat',
    breaks: 'specs/003 step 4 "轮询增量事件" (poll incremental events from FROM); digest: no repeats',
    start: () =>
      startServer({
        pollView: (task, from, now, opt) => {
          const v = defaultPollView(task, 0, now, opt);
          return { ...v, status: now >= task.doneAt ? task.status : 'running' };
        },
      }),
  },
  // ---------------------------------------------------------------- end of task
  {
    id: 'paged-status-ignores-cursor',
    expect: 'fail',
    says: 'Pages 3 events per poll but answers the task status regardless of the cursor: "completed" arrives while events are still undelivered',
    breaks: 'digest tasks: a poll answering status ≠ running has delivered every event up to the end (specs/003 loop stops there)',
    start: () =>
      startServer({
        pageSize: 3,
        script: burstyScript,
        pollView: wrapStatus((v, task, from, now) => ({ ...v, status: now >= task.doneAt ? task.status : 'running' })),
      }),
  },
  {
    id: 'event-after-completion',
    expect: 'fail',
    says: 'After a poll has answered "completed", one more text_chunk is appended (final flush after the status flip)',
    breaks: 'digest tasks: polling again from next_offset after a final status brings no new event (specs/003 loop stops at the final poll)',
    start: () =>
      startServer({
        onFinalPoll: (task, now) => {
          if (task.trailer) return;
          task.trailer = true;
          task.events.push({ type: 'text_chunk', data: { content: '(完)' }, at: now });
        },
      }),
  },
  {
    id: 'never-completes',
    expect: 'fail',
    says: 'The worker never updates the task: status stays "running" forever after the last event',
    breaks: 'specs/003 step 4: status leaves "running" when the task ends (the client loop must terminate)',
    start: () => startServer({ pollView: wrapStatus((v) => ({ ...v, status: 'running' })) }),
  },
  {
    id: 'long-poll-hangs-past-end',
    expect: 'fail',
    says: 'Long-poll waits for a new event with no timeout: a poll with nothing new (e.g. past the end) is held open forever',
    breaks: 'specs/003 step 4: each poll answers {status,next_offset,events}; a finished task answers its final status at once',
    start: () => startServer({ longPollBug: true }),
  },
];
