// Second-round faulty servers: the conformant extra-base server with exactly one seeded fault each.
import { startExtra, plainPlan, pieces, replyText } from './extra-base.mjs';
import { writeLength } from './extra-wire.mjs';

// Undocumented events around the text (thinking, a tool call, usage), as agent runtimes emit them.
function agentPlan(message, rnd) {
  let t = 40;
  const at = () => (t += 25 + Math.floor(rnd() * 35));
  const events = [
    { type: 'thinking', data: { content: '先查资料。' }, at: at() },
    { type: 'tool_call', data: { name: 'search', args: { q: String(message).slice(0, 20) } }, at: at() },
    { type: 'tool_result', data: { name: 'search', hits: 2 }, at: at() },
  ];
  for (const c of pieces(replyText(message), rnd, 3, 6)) events.push({ type: 'text_chunk', data: { content: c }, at: at() });
  events.push({ type: 'usage', data: { prompt_tokens: 20, completion_tokens: 30 }, at: at() });
  return { events, doneAt: t + 15, status: 'completed' };
}

// Model deltas without text (role / tool-call deltas) are forwarded with content = None → null.
function nullTokenPlan(message, rnd) {
  const p = plainPlan(message, rnd);
  const out = [{ type: 'text_chunk', data: { content: null }, at: p.events[0].at - 5 }];
  p.events.forEach((e, i) => {
    out.push(e);
    if (i % 5 === 4) out.push({ type: 'text_chunk', data: { content: null }, at: e.at + 1 });
  });
  return { ...p, events: out };
}

export const extraFailVariants = [
  {
    id: 'x-status-queued-first',
    expect: 'fail',
    says: 'Answers status "queued" (no events) for ~450 ms before the worker starts, then "running", then "completed"',
    breaks: 'specs/003 step 4 loop stops at the first status ≠ "running"; digest tasks: status is "running" until the task ends, then stays final',
    start: () =>
      startExtra({
        plan: (m, rnd) => plainPlan(m, rnd, { first: 450 }),
        adjust: (v, task, from, now) => (now - task.t0 < 450 && !v.events.length ? { ...v, status: 'queued' } : v),
      }),
  },
  {
    id: 'x-status-enum-uppercase',
    expect: 'fail',
    says: 'Status serialized from a Java enum name: "RUNNING" / "COMPLETED"',
    breaks: 'specs/003 step 4 compares status with "running" (the loop ends on the first poll); digest tasks: "running" until the task ends',
    start: () => startExtra({ adjust: (v) => ({ ...v, status: v.status.toUpperCase() }) }),
  },
  {
    id: 'x-final-status-read-once',
    expect: 'fail',
    says: 'The final status is popped from a cache on the first poll that sees it; later polls fall back to the stale row and say "running" forever',
    breaks: 'digest tasks: the final status stays; polling again from next_offset brings no new event and the same final status',
    start: () =>
      startExtra({
        adjust: (v, task) => (task.finalRead ? { ...v, status: 'running' } : v),
        afterPoll: (task, v) => {
          if (v.status !== 'running') task.finalRead = true;
        },
      }),
  },
  {
    id: 'x-finished-drops-events',
    expect: 'fail',
    says: 'Once the task has finished, polls answer from the result cache: events [] and next_offset = end, whatever the cursor',
    breaks: 'digest tasks: the final poll (status ≠ running) carries every remaining event; re-polling from 0 returns the same events',
    start: () =>
      startExtra({
        adjust: (v, task) => (v.finished ? { ...v, status: task.status, events: [], next_offset: task.log.length } : v),
      }),
  },
  {
    id: 'x-final-drain-off-by-one',
    expect: 'fail',
    says: 'The "task finished" branch drains the log from from-1: the final poll repeats the last event already delivered',
    breaks: 'digest tasks: polling from next_offset returns only events not seen before — no repeats',
    start: () =>
      startExtra({
        adjust: (v, task, from) => (v.status !== 'running' && from > 0 ? { ...v, events: task.log.slice(from - 1), next_offset: task.log.length } : v),
      }),
  },
  {
    id: 'x-next-offset-counts-text-only',
    expect: 'fail',
    says: 'next_offset advances by the number of text_chunk events only, while the page also holds undocumented events: events repeat',
    breaks: 'digest tasks: polling from next_offset returns only events not seen before (no repeats); other event types must be counted like any event',
    start: () =>
      startExtra({
        plan: agentPlan,
        adjust: (v, task, from) => ({
          ...v,
          next_offset: from + v.events.filter((e) => e.type === 'text_chunk').length,
          status: v.finished ? task.status : 'running',
        }),
      }),
  },
  {
    id: 'x-null-content-tokens',
    expect: 'fail',
    says: 'Some text_chunk events carry "content": null (empty model deltas forwarded as None)',
    breaks: 'specs/003 step 4: a text_chunk event\'s data.content is the token text the client prints/appends (a string)',
    start: () => startExtra({ plan: nullTokenPlan }),
  },
  {
    id: 'x-unknown-task-pending',
    expect: 'fail',
    says: 'An unknown task id answers 200 {"status":"running", events: []} forever (Celery-style PENDING for any id)',
    breaks: 'digest tasks: an unknown task id is 404 (a poll loop on a wrong id never ends otherwise)',
    start: () => startExtra({ unknownTask: (id, from) => ({ data: { status: 'running', next_offset: from, events: [] } }) }),
  },
  {
    id: 'x-missing-auth-dev-fallback',
    expect: 'fail',
    says: 'A wrong token is refused, but a call with no Authorization header is served as a default "dev" user',
    breaks: 'specs/003 通用 Header Authorization: Bearer <TOKEN>; digest tasks: a call without the token is refused with 401 and no data (security)',
    start: () => startExtra({ authPolicy: (cred) => (cred === 'missing' ? 'allow' : 'refuse') }),
  },
  {
    id: 'x-auth-refusal-http-200',
    expect: 'fail',
    says: 'Missing/wrong token answered HTTP 200 with {"code":401,"msg":"unauthorized","data":null}',
    breaks: 'digest tasks: a call without the token, or with a wrong one, is refused with 401 (specs/003 clients treat 2xx as success: raise_for_status / res.ok)',
    start: () => startExtra({ unauthorized: () => ({ status: 200, body: { code: 401, msg: 'unauthorized', data: null } }) }),
  },
  {
    id: 'x-final-poll-truncated',
    expect: 'fail',
    says: 'The poll that reports the final status is cut: the socket is destroyed before the last 12 bytes of the Content-Length body are sent',
    breaks: 'specs/003 step 4: the final poll must deliver its JSON (status + remaining events) for the client to stop; digest: the final poll carries every remaining event',
    start: () =>
      startExtra({
        writer: async (res, status, headers, buf, meta) => {
          if (!(meta.kind === 'poll' && meta.final) || buf.length < 24) return writeLength(res, status, headers, buf, meta);
          res.writeHead(status, { ...headers, 'Content-Length': buf.length });
          res.write(buf.subarray(0, buf.length - 12));
          setTimeout(() => res.socket?.destroy(), 5);
        },
      }),
  },
  {
    id: 'x-content-length-counts-chars',
    expect: 'fail',
    says: 'Content-Length is the string length in UTF-16 units, not bytes: answers holding CJK text are cut short (the rest spills onto the connection)',
    breaks: 'specs/003 step 4: each poll answer is one JSON object with data.status/next_offset/events (RFC 9112: Content-Length counts octets)',
    start: () =>
      startExtra({
        writer: async (res, status, headers, buf, meta) => {
          res.writeHead(status, { ...headers, 'Content-Length': meta.text.length });
          res.end(buf);
        },
      }),
  },
  {
    id: 'x-log-per-conversation',
    expect: 'fail',
    says: 'Events are stored per conversation: a second message\'s task replays the first turn\'s events, and the first task grows again',
    breaks: 'specs/003 GET /api/v1/tasks/{task_id} returns that task\'s events; digest tasks: after the final status no new event appears',
    start: () => startExtra({ logPerConversation: true }),
  },
  {
    id: 'x-log-compacted-after-read',
    expect: 'fail',
    says: 'After the final poll the log is compacted into one text_chunk holding the whole answer: a re-read from 0 returns 1 event',
    breaks: 'digest tasks: re-polling from 0 returns the same events in the same order (append-only log)',
    start: () =>
      startExtra({
        afterPoll: (task, v) => {
          if (v.status === 'running' || task.compacted) return;
          task.compacted = true;
          const text = task.log.filter((e) => e.type === 'text_chunk').map((e) => e.data.content).join('');
          task.log.splice(0, task.log.length, { type: 'text_chunk', data: { content: text }, time: task.t0, gid: 0 });
        },
      }),
  },
];
