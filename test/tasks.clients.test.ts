import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import tasks from '../src/protocols/tasks/index.js';
import { TasksScript } from '../src/protocols/tasks/mock.js';

const run = promisify(execFile);
const clients = new URL('./clients/tasks/', import.meta.url).pathname;
const TOKEN = 'tasks-test-token';
let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({ protocols: [tasks], port: 0, token: TOKEN });
});
afterAll(() => mock.close());

/** The answer the default scenario's text_chunk events spell out. */
function expectedAnswer(): string {
  const script = TasksScript.parse(mock.scenarios.get('tasks')?.get('plain')?.script ?? {});
  return script.events
    .filter((event) => event.type === 'text_chunk')
    .map((event) => (event.data as { content: string }).content)
    .join('');
}

const env = (): NodeJS.ProcessEnv => ({ ...process.env, TASKS_BASE_URL: mock.url, TASKS_TOKEN: TOKEN });

describe("the document's clients against the tasks mock", () => {
  it('the curl loop (its one stdin bug fixed) prints the assembled answer and the final status', async () => {
    const { stdout } = await run('bash', [`${clients}flow.sh`], { env: env(), timeout: 30_000 });
    expect(stdout).toMatch(/CONV=conv_[0-9a-f]+/);
    expect(stdout).toMatch(/TASK=task_[0-9a-f]+/);
    expect(stdout).toContain(`${expectedAnswer()}\nstatus=completed`);
  });

  it('the JavaScript fetch loop prints the assembled answer', async () => {
    const { stdout } = await run(process.execPath, [`${clients}flow.mjs`], { env: env(), timeout: 30_000 });
    expect(stdout).toBe(expectedAnswer());
  });

  it('the JavaScript loop fails loudly with a wrong token, as the document wrote it to', async () => {
    await expect(run(process.execPath, [`${clients}flow.mjs`], { env: { ...env(), TASKS_TOKEN: 'wrong' }, timeout: 30_000 })).rejects.toThrow(/Invalid token/);
  });
});
