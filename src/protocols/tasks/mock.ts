import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isRecord } from '../../core/schemas.js';
import type { MockExchange, MockRoute, Refusal } from '../../mock/exchange.js';
import { BoundedStore, scriptReader, stateOf } from '../../mock/state.js';
import { requestKey } from './rules/request.js';
import { givenOffsets, requestOffset, requestOffsetReread } from './rules/offsets.js';

export const FAULTS = ['offset-stuck', 'repeat-events', 'never-ends', 'back-to-running', 'ok-without-token', 'create-without-id'] as const;

/** A task as the mock runs it: events appear over time, then the status ends. */
export const TasksScript = z
  .object({
    events: z
      .array(z.object({ afterMs: z.number().int().min(0).max(600_000).default(40), type: z.string(), data: z.unknown() }).strict())
      .max(100_000)
      .describe('Each event appears afterMs after the one before it.'),
    endAfterMs: z.number().int().min(0).max(600_000).default(40).describe('After the last event, until the status ends.'),
    status: z.string().default('completed').describe('The status the task ends with.'),
    faults: z.array(z.enum(FAULTS)).default([]),
  })
  .strict();
type TasksScript = z.output<typeof TasksScript>;

const scriptOf = scriptReader(TasksScript);

interface Task {
  readonly createdAt: number;
  readonly script: TasksScript;
  /** When each event appears, in ms after creation. */
  readonly times: readonly number[];
  readonly endsAt: number;
  /** Polls answered after the end, for the back-to-running fault. */
  endedPolls: number;
}

/** Workspaces, conversations and tasks, in memory. */
class Store {
  readonly workspaces = new BoundedStore<true>({ sizeOf: () => 8 });
  readonly conversations = new BoundedStore<string>();
  // A task's script is the scenario's, shared: only its event times are its own.
  readonly tasks = new BoundedStore<Task>({ sizeOf: (task) => 64 + 8 * task.times.length });
}

const storeOf = (exchange: MockExchange): Store => stateOf(exchange.state, Store);

const id = (prefix: string): string => `${prefix}_${randomBytes(8).toString('hex')}`;

/** Errors as a FastAPI service answers them. */
export function refuse(exchange: MockExchange, refusal: Refusal): void {
  exchange.json(refusal.status, { detail: refusal.message });
}

/** Checks the token, the body and the scenario; answers the refusal itself when there is one. */
async function begin(exchange: MockExchange): Promise<{ script: TasksScript; body: Record<string, unknown> } | undefined> {
  const script = scriptOf(exchange.scenario());
  // Read and judged first, so that a call without its token is a client deviation too; refused for the token first.
  const intake = await exchange.intake();
  const auth = exchange.auth();
  if (auth !== 'ok' && !(auth === 'missing' && script.faults.includes('ok-without-token') && exchange.mayWeakenAuth())) {
    refuse(exchange, {
      status: 401,
      message: auth === 'missing' ? 'Not authenticated: send the token in the Authorization header, with "Bearer " before it' : 'Invalid token',
    });
    return undefined;
  }
  if (!intake.ok) {
    refuse(exchange, intake.refusal);
    return undefined;
  }
  const { json: body } = intake;
  // The token was settled above (a fault may accept its absence), and a server cannot tell an offset of the
  // client's own (reported, still served): only the body's problems are refused as such.
  const problems = intake.errors.filter((problem) => ![requestKey.id, requestOffset.id, requestOffsetReread.id].includes(problem.rule));
  if (problems.length > 0) {
    exchange.json(422, {
      detail: problems.map((problem) => ({
        loc: ['body', ...(problem.type === 'request' ? problem.pointer.split('/').slice(1) : [])],
        msg: problem.message,
        type: problem.rule,
      })),
    });
    return undefined;
  }
  return { script, body: isRecord(body) ? body : {} };
}

export const tasksRoutes: readonly MockRoute[] = [
  {
    method: 'POST',
    path: '/api/v1/workspaces',
    async handle(exchange) {
      const started = await begin(exchange);
      if (started === undefined) return;
      const workspace = String(started.body['workspace_id']);
      const created = !storeOf(exchange).workspaces.has(workspace);
      storeOf(exchange).workspaces.set(workspace, true);
      exchange.json(created ? 201 : 200, { workspace_id: workspace, created });
    },
  },
  {
    method: 'POST',
    path: '/api/v1/workspaces/:ws/conversations',
    async handle(exchange) {
      const started = await begin(exchange);
      if (started === undefined) return;
      const store = storeOf(exchange);
      const workspace = exchange.params['ws'] ?? '';
      if (!store.workspaces.has(workspace))
        return refuse(exchange, { status: 404, message: `Workspace ${workspace} not found: create it with POST /api/v1/workspaces first` });
      const conversation = id('conv');
      store.conversations.set(conversation, workspace);
      exchange.json(200, started.script.faults.includes('create-without-id') ? { id: conversation } : { conversation_id: conversation });
    },
  },
  {
    method: 'POST',
    path: '/api/v1/workspaces/:ws/messages',
    async handle(exchange) {
      const started = await begin(exchange);
      if (started === undefined) return;
      const store = storeOf(exchange);
      const workspace = exchange.params['ws'] ?? '';
      const conversation = String(started.body['conversation_id']);
      if (store.conversations.get(conversation) !== workspace)
        return refuse(exchange, { status: 404, message: `Conversation ${conversation} not found in workspace ${workspace}` });
      const { script } = started;
      const times: number[] = [];
      let at = 0;
      for (const event of script.events) times.push((at += event.afterMs));
      const task = id('task');
      store.tasks.set(task, { createdAt: exchange.clock.now(), script, times, endsAt: at + script.endAfterMs, endedPolls: 0 });
      // Where the client may poll from (tasks.request.offset judges it): 0, then each next_offset.
      givenOffsets(exchange.state).give(task, 0);
      exchange.json(200, { task_id: task });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/tasks/:id',
    async handle(exchange) {
      const started = await begin(exchange);
      if (started === undefined) return;
      const task = storeOf(exchange).tasks.get(exchange.params['id'] ?? '');
      if (task === undefined) return refuse(exchange, { status: 404, message: `Task ${exchange.params['id'] ?? ''} not found` });
      const fromText = exchange.url.searchParams.get('from') ?? '0';
      if (!/^\d+$/.test(fromText))
        return exchange.json(422, { detail: [{ loc: ['query', 'from'], msg: 'from must be a non-negative integer', type: 'int_parsing' }] });
      const from = Number(fromText);
      const faults = new Set(task.script.faults);
      const elapsed = exchange.clock.now() - task.createdAt;
      const released = task.times.filter((time) => time <= elapsed).length;
      let ended = elapsed >= task.endsAt && released === task.script.events.length && !faults.has('never-ends');
      if (ended && faults.has('back-to-running') && task.endedPolls++ > 0) ended = false;
      // The repeat fault sends the previous poll's last event again along with new ones.
      const start = faults.has('repeat-events') && from > 0 && released > from ? from - 1 : from;
      const events = task.script.events.slice(Math.min(start, released), released).map(({ type, data }) => ({ type, data }));
      const next = faults.has('offset-stuck') ? from : Math.max(from, released);
      givenOffsets(exchange.state).give(exchange.params['id'] ?? '', next);
      exchange.json(200, { data: { status: ended ? task.script.status : 'running', next_offset: next, events } });
    },
  },
];
