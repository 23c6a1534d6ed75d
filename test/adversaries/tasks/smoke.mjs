// Smoke test: starts every variant, runs the documented flow against it (workspace → conversation →
// message → poll until not running → poll past the end → re-read from 0) plus a few refusals,
// prints one line per variant with what it saw, closes everything and exits 0.
// Usage: node smoke.mjs [variant-id ...]
import { variants } from './servers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function call(base, token, method, path, body, timeoutMs = 3000) {
  const headers = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const res = await fetch(base + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, json, text, ctype: res.headers.get('content-type') };
  } catch (e) {
    return { status: 0, error: e.name === 'TimeoutError' ? 'timeout' : e.message };
  }
}

function checkPoll(r, from, problems, tag) {
  if (r.status !== 200) return problems.push(`${tag}: HTTP ${r.status || r.error}`), null;
  const d = r.json?.data;
  if (!d || typeof d !== 'object') return problems.push(`${tag}: no data object`), null;
  if (typeof d.status !== 'string') problems.push(`${tag}: status not a string`);
  if (!Number.isInteger(d.next_offset)) problems.push(`${tag}: next_offset ${JSON.stringify(d.next_offset)} not an integer`);
  else if (d.next_offset < from) problems.push(`${tag}: next_offset ${d.next_offset} < from ${from}`);
  if (!Array.isArray(d.events)) return problems.push(`${tag}: events ${JSON.stringify(d.events)} not an array`), null;
  for (const ev of d.events) {
    if (typeof ev?.type !== 'string' || !ev.data || typeof ev.data !== 'object') problems.push(`${tag}: malformed event ${JSON.stringify(ev).slice(0, 60)}`);
    else if (ev.type === 'text_chunk' && typeof ev.data.content !== 'string') problems.push(`${tag}: text_chunk without data.content`);
  }
  return d;
}

async function pollAll(base, token, taskId, problems, tag) {
  let from = 0, polls = 0;
  const events = [];
  const t0 = Date.now();
  for (;;) {
    const r = await call(base, token, 'GET', `/api/v1/tasks/${encodeURIComponent(taskId)}?from=${from}`);
    const d = checkPoll(r, from, problems, `${tag} poll#${++polls}`);
    if (!d) return { events, from, status: null, polls };
    events.push(...(d.events || []));
    from = Number.isInteger(d.next_offset) ? d.next_offset : Number(d.next_offset) || from;
    if (d.status !== 'running') return { events, from, status: d.status, polls };
    if (Date.now() - t0 > 6000) { problems.push(`${tag}: still running after 6 s`); return { events, from, status: 'running', polls }; }
    await sleep(100);
  }
}

async function exercise(v) {
  const problems = [];
  const s = await v.start();
  const { url: base, token } = s;
  const suffix = Math.random().toString(36).slice(2, 8);
  const wsA = `wsA-${suffix}`, wsB = `wsB-${suffix}`;
  let info = '';
  try {
    for (const ws of [wsA, wsA, wsB]) {
      const r = await call(base, token, 'POST', '/api/v1/workspaces', { workspace_id: ws });
      if (r.status < 200 || r.status > 299) problems.push(`create workspace ${ws}: HTTP ${r.status}`);
    }
    const c = await call(base, token, 'POST', `/api/v1/workspaces/${wsA}/conversations`);
    const conv = c.json?.conversation_id;
    if (typeof conv !== 'string') throw new Error(`no top-level conversation_id (HTTP ${c.status} ${c.text?.slice(0, 80)})`);
    const m = await call(base, token, 'POST', `/api/v1/workspaces/${wsA}/messages`, { conversation_id: conv, message: '介绍明日方舟:终末地', run_mode: 'fast', max_iterations: 100 });
    const task = m.json?.task_id;
    if (typeof task !== 'string') throw new Error(`no top-level task_id (HTTP ${m.status} ${m.text?.slice(0, 80)})`);
    const t0 = Date.now();
    const run = await pollAll(base, token, task, problems, 'run');
    const ms = Date.now() - t0;
    const text = run.events.filter((e) => e?.type === 'text_chunk').map((e) => e.data?.content ?? '').join('');
    if (!text) problems.push('no text_chunk content');
    // once more past the end
    const past = await call(base, token, 'GET', `/api/v1/tasks/${task}?from=${run.from}`);
    const pd = checkPoll(past, run.from, problems, 'past-end');
    if (pd && (pd.events?.length || pd.status !== run.status)) problems.push(`past-end: ${pd.events?.length} new event(s), status ${pd.status}`);
    // re-read from 0
    const again = await pollAll(base, token, task, problems, 'reread');
    if (JSON.stringify(again.events) !== JSON.stringify(run.events)) problems.push(`reread from 0 differs (${again.events.length} vs ${run.events.length} events)`);
    // refusals
    for (const [tk, what] of [[null, 'no token'], ['wrong-token', 'wrong token']]) {
      const r = await call(base, tk, 'GET', `/api/v1/tasks/${task}?from=0`);
      if (r.status !== 401 || r.json?.data !== undefined) problems.push(`poll with ${what}: HTTP ${r.status}${r.json?.data !== undefined ? ' with data' : ''}`);
      const w = await call(base, tk, 'POST', '/api/v1/workspaces', { workspace_id: `x-${suffix}` });
      if (w.status !== 401) problems.push(`create workspace with ${what}: HTTP ${w.status}`);
    }
    const cross = await call(base, token, 'POST', `/api/v1/workspaces/${wsB}/messages`, { conversation_id: conv, message: 'hi', run_mode: 'fast' });
    if (cross.status < 400) problems.push(`message to ${wsB} with ${wsA}'s conversation: HTTP ${cross.status}`);
    const bad = await call(base, token, 'POST', `/api/v1/workspaces/${wsA}/messages`, { conversation_id: conv, run_mode: 'fast' });
    if (bad.status < 400) problems.push(`message without "message": HTTP ${bad.status}`);
    const unk = await call(base, token, 'GET', `/api/v1/tasks/no-such-task?from=0`);
    if (unk.status !== 404) problems.push(`unknown task: HTTP ${unk.status}`);
    // second turn in the same conversation: its task has its own log; the first task stays final
    const m2 = await call(base, token, 'POST', `/api/v1/workspaces/${wsA}/messages`, { conversation_id: conv, message: '第二轮 second turn', run_mode: 'fast' });
    if (typeof m2.json?.task_id !== 'string') problems.push(`second turn: no task_id (HTTP ${m2.status})`);
    else {
      const run2 = await pollAll(base, token, m2.json.task_id, problems, 'turn2');
      const head = JSON.stringify(run2.events.slice(0, run.events.length));
      if (run.events.length && head === JSON.stringify(run.events)) problems.push('turn2: replays the first turn\'s events');
      const back = await call(base, token, 'GET', `/api/v1/tasks/${task}?from=${run.from}`);
      const bd = checkPoll(back, run.from, problems, 'turn1 after turn2');
      if (bd && (bd.events?.length || bd.status !== run.status)) problems.push(`turn1 after turn2: ${bd.events?.length} new event(s), status ${bd.status}`);
    }
    info = `${run.events.length} ev/${run.polls} polls ${ms}ms status=${run.status} text="${text.slice(0, 24)}…"`;
  } catch (e) {
    problems.push(e.message);
  } finally {
    await s.close();
  }
  return { problems, info };
}

const only = process.argv.slice(2);
const list = only.length ? variants.filter((v) => only.includes(v.id)) : variants;
const results = await Promise.all(list.map(async (v) => ({ v, ...(await exercise(v)) })));
let mismatches = 0;
for (const { v, problems, info } of results) {
  const got = problems.length ? 'fail' : 'pass';
  if (got !== v.expect) mismatches++;
  const mark = got === v.expect ? 'ok ' : 'MISMATCH';
  console.log(`${mark} [${v.expect}] ${v.id.padEnd(32)} ${info}${problems.length ? `\n      → ${problems.slice(0, 3).join('\n      → ')}` : ''}`);
}
console.log(`${list.length} variants, ${mismatches} where this smoke check disagrees with expect`);
process.exit(0);
