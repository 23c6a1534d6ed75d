import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';

/**
 * An integrator's tasks client: creates a workspace, a conversation and a message, then polls the
 * task's events from an offset until the task stops running, and returns the answer.
 */

const Conversation = z.object({ conversation_id: z.string() });
const Task = z.object({ task_id: z.string() });
const Poll = z.object({
  data: z.object({
    status: z.string(),
    next_offset: z.number().int().nonnegative(),
    events: z.array(z.object({ type: z.string(), data: z.unknown() })),
  }),
});
const TextChunk = z.object({ content: z.string() });

export type TaskEvent = z.infer<typeof Poll>['data']['events'][number];

export interface TasksAnswer {
  readonly taskId: string;
  /** How the task ended: `completed`, `failed`, … */
  readonly status: string;
  /** The text_chunk events' content, in order. */
  readonly text: string;
  readonly events: readonly TaskEvent[];
}

export class TasksError extends Error {
  override readonly name = 'TasksError';
  constructor(
    message: string,
    /** The HTTP status that ended the call, when one did. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface AskTasksOptions {
  /** The server's root, e.g. `http://127.0.0.1:8091`. */
  readonly baseUrl: string;
  readonly token: string;
  readonly workspaceId: string;
  /** Between polls of a running task (default 500 ms). */
  readonly pollMs?: number;
  /** Polls before giving up on a task that never ends (default 600). */
  readonly maxPolls?: number;
  /** Retries of a call answered 429 or 503, each after its Retry-After (default 3). */
  readonly maxRetries?: number;
  readonly signal?: AbortSignal;
  /** How to wait; tests give their own. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const realSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await delay(ms, undefined, signal === undefined ? {} : { signal });
};

export async function askTasks(question: string, options: AskTasksOptions): Promise<TasksAnswer> {
  const sleep = options.sleep ?? realSleep;
  const maxRetries = options.maxRetries ?? 3;

  /** One call, retried while the server says it is busy (429, 503), then read as JSON. */
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt += 1) {
      const response = await fetch(new URL(path, options.baseUrl), {
        method,
        headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      if ((response.status === 429 || response.status === 503) && attempt < maxRetries) {
        // Read to its end (a short error body), so the connection can serve the retry.
        await response.arrayBuffer();
        const seconds = Number(response.headers.get('retry-after') ?? '1');
        await sleep(Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000, options.signal);
        continue;
      }
      if (!response.ok) throw new TasksError(`${method} ${path} answered HTTP ${response.status}`, response.status);
      return response.json();
    }
  }

  const ws = encodeURIComponent(options.workspaceId);
  await call('POST', '/api/v1/workspaces', { workspace_id: options.workspaceId });
  const { conversation_id } = Conversation.parse(await call('POST', `/api/v1/workspaces/${ws}/conversations`));
  const { task_id } = Task.parse(await call('POST', `/api/v1/workspaces/${ws}/messages`, { conversation_id, message: question, run_mode: 'fast' }));

  const events: TaskEvent[] = [];
  let offset = 0;
  for (let poll = 0; poll < (options.maxPolls ?? 600); poll += 1) {
    const { data } = Poll.parse(await call('GET', `/api/v1/tasks/${encodeURIComponent(task_id)}?from=${offset}`));
    if (data.next_offset < offset) throw new TasksError(`task ${task_id}: next_offset went back from ${offset} to ${data.next_offset}`);
    events.push(...data.events);
    offset = data.next_offset;
    if (data.status !== 'running') {
      const text = events.map((event) => (event.type === 'text_chunk' ? (TextChunk.safeParse(event.data).data?.content ?? '') : '')).join('');
      return { taskId: task_id, status: data.status, text, events };
    }
    await sleep(options.pollMs ?? 500, options.signal);
  }
  throw new TasksError(`task ${task_id} was still running after ${options.maxPolls ?? 600} polls`);
}
