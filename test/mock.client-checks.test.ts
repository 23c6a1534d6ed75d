import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { instantClock } from '../src/core/clock.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import fastgptPy from '../src/protocols/fastgpt-py/index.js';
import tasks from '../src/protocols/tasks/index.js';

let mock: MockServer;
/** Virtual time: a test moves it on with clock.sleep(ms). */
const clock = instantClock();
beforeAll(async () => {
  mock = await startMockServer({ protocols: [fastgpt, fastgptPy, tasks], port: 0, clock });
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const rules = (): string[] => mock.clientDeviations().map((record) => `${record.path} ${record.deviation.rule}`);
const json = (body: unknown, authorization?: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
  body: JSON.stringify(body),
});
const chat = { stream: false, messages: [{ role: 'user', content: '你好' }] };

describe('a call without its key is refused and reported against the client', () => {
  it('fastgpt: no key, or a key without "Bearer ", on a chat or a records call; never the key itself in the report', async () => {
    const keyless = await fetch(`${mock.url}/api/v1/chat/completions`, json(chat));
    expect(await keyless.json()).toMatchObject({ code: 403, statusText: 'unAuthorization' });
    const bare = await fetch(`${mock.url}/api/v1/chat/completions`, json(chat, 'fastgpt-secret-key'));
    expect(await bare.json()).toMatchObject({ code: 403 });
    const init = await fetch(`${mock.url}/api/core/chat/init?appId=a&chatId=c`);
    expect(await init.json()).toMatchObject({ code: 403 });
    expect(rules()).toEqual([
      '/api/v1/chat/completions fastgpt.request.key',
      '/api/v1/chat/completions fastgpt.request.key',
      '/api/core/chat/init fastgpt.request.key',
    ]);
    expect(JSON.stringify(mock.clientDeviations())).not.toContain('fastgpt-secret-key');
    // Worded so that redacting credentials leaves it readable.
    expect(mock.clientDeviations()[1]?.deviation).toMatchObject({
      message: 'the Authorization header lacks the "Bearer " prefix before the key',
      expected: 'the header Authorization with "Bearer " before the key',
    });
  });

  it('fastgpt: a call with its key is served and reports nothing, a GET records call included', async () => {
    const answer = await fetch(`${mock.url}/api/v1/chat/completions`, json(chat, 'Bearer fastgpt-k'));
    expect(answer.status).toBe(200);
    await answer.text();
    await (await fetch(`${mock.url}/api/core/chat/init?appId=a&chatId=c`, { headers: { authorization: 'Bearer fastgpt-k' } })).text();
    expect(rules()).toEqual([]);
  });

  it('tasks: refused 401 for the token before its body is looked at, and both are reported', async () => {
    const keyless = await fetch(`${mock.url}/api/v1/workspaces`, json({ workspace: 1 }));
    expect(keyless.status).toBe(401);
    await keyless.text();
    expect(rules().sort()).toEqual(['/api/v1/workspaces tasks.request.key', '/api/v1/workspaces tasks.request.shape']);
    mock.reset();
    const served = await fetch(`${mock.url}/api/v1/workspaces`, json({ workspace_id: 'ws1' }, 'Bearer t'));
    expect(served.ok).toBe(true);
    await served.text();
    expect(rules()).toEqual([]);
  });

  it('a fault scenario that accepts a missing key still serves the call, and the client is still told', async () => {
    mock.use('tasks', 'ok-without-token');
    const served = await fetch(`${mock.url}/api/v1/workspaces`, json({ workspace_id: 'ws1' }));
    expect(served.ok).toBe(true);
    await served.text();
    expect(rules()).toEqual(['/api/v1/workspaces tasks.request.key']);
  });
});

describe('what the mock remembers of a client across its requests', () => {
  it('a responseChatItemId used twice in one chat is refused and reported the second time; in another chat, or after reset, it is new', async () => {
    const turn = async (chatId: string, responseChatItemId: string): Promise<unknown> =>
      (await fetch(`${mock.url}/api/v1/chat/completions`, json({ ...chat, chatId, responseChatItemId }, 'Bearer k'))).json();
    expect(await turn('c1', 'a1')).toMatchObject({ choices: [{ message: { role: 'assistant' } }] });
    await turn('c2', 'a1');
    expect(rules()).toEqual([]);
    expect(await turn('c1', 'a1')).toMatchObject({ code: 400, message: expect.stringContaining('fastgpt.request.item-id') });
    expect(rules()).toEqual(['/api/v1/chat/completions fastgpt.request.item-id']);
    mock.reset();
    await turn('c1', 'a1');
    expect(rules()).toEqual([]);
  });
});

describe('a reply to the interactive node a chat waits at', () => {
  const ask = async (chatId: string, content: string, scenario?: string): Promise<unknown> =>
    (
      await fetch(`${mock.url}/api/v1/chat/completions${scenario === undefined ? '' : `?scenario=${scenario}`}`, {
        ...json({ chatId, stream: false, detail: true, messages: [{ role: 'user', content }] }, 'Bearer k'),
      })
    ).json();

  it("an option's key instead of its value is refused and reported; its value continues the workflow", async () => {
    await ask('s1', '开始', 'interactive-select');
    const wrong = await ask('s1', 'option1');
    expect(wrong).toMatchObject({ code: 400, message: expect.stringContaining('fastgpt.request.interactive-reply') });
    expect(rules()).toEqual(['/api/v1/chat/completions fastgpt.request.interactive-reply']);
    expect(mock.clientDeviations()[0]?.deviation.message).toMatch(/an option's key; send its value/);
    mock.reset();
    await ask('s2', '开始', 'interactive-select');
    expect(await ask('s2', 'Confirm')).toMatchObject({ choices: [{ message: { role: 'assistant' } }] });
    expect(rules()).toEqual([]);
  });

  it('a form without its required field is refused and reported; the form as the document sends it is taken', async () => {
    await ask('f1', '报名', 'interactive-form');
    await ask('f1', JSON.stringify({ 年龄: 30 }));
    expect(rules()).toEqual(['/api/v1/chat/completions fastgpt.request.interactive-reply']);
    mock.reset();
    await ask('f2', '报名', 'interactive-form');
    const done = await ask('f2', JSON.stringify({ 姓名: '张三', 年龄: 30 }));
    expect(done).toMatchObject({ choices: [{ message: { role: 'assistant' } }] });
    expect(rules()).toEqual([]);
  });
});

describe('where a tasks client polls from', () => {
  const start = async (): Promise<string> => {
    const auth = 'Bearer t';
    await (await fetch(`${mock.url}/api/v1/workspaces`, json({ workspace_id: 'ws1' }, auth))).text();
    const { conversation_id } = (await (
      await fetch(`${mock.url}/api/v1/workspaces/ws1/conversations`, { method: 'POST', headers: { authorization: auth } })
    ).json()) as {
      conversation_id: string;
    };
    const sent = (await (
      await fetch(`${mock.url}/api/v1/workspaces/ws1/messages`, json({ conversation_id, message: '你好', run_mode: 'fast' }, auth))
    ).json()) as {
      task_id: string;
    };
    return sent.task_id;
  };
  const poll = async (task: string, from: number): Promise<{ next_offset: number }> =>
    (
      (await (await fetch(`${mock.url}/api/v1/tasks/${task}?from=${from}`, { headers: { authorization: 'Bearer t' } })).json()) as {
        data: { next_offset: number };
      }
    ).data;

  it('from 0, then from each next_offset, as the documented loops do: nothing reported', async () => {
    const task = await start();
    let from = 0;
    for (let i = 0; i < 3; i++) from = (await poll(task, from)).next_offset;
    await poll(task, 0);
    expect(rules()).toEqual([]);
  });

  it('an offset the server never gave (one past next_offset) is reported, and still answered', async () => {
    const task = await start();
    const { next_offset } = await poll(task, 0);
    expect(await poll(task, next_offset + 1)).toHaveProperty('next_offset');
    expect(rules()).toEqual([`/api/v1/tasks/${task} tasks.request.offset`]);
  });

  it('an offset inside what a poll delivered is a re-read: a warning, answered', async () => {
    const task = await start();
    await clock.sleep(60_000); // the task has run to its end
    const from = (await poll(task, 0)).next_offset;
    expect(from).toBeGreaterThan(1);
    expect(await poll(task, from - 1)).toHaveProperty('next_offset');
    expect(mock.clientDeviations().map(({ deviation }) => `${deviation.rule} ${deviation.severity}`)).toEqual(['tasks.request.offset-reread warn']);
  });

  it('a from that is no offset is reported as the poll is refused', async () => {
    const task = await start();
    const answer = await fetch(`${mock.url}/api/v1/tasks/${task}?from=xyz`, { headers: { authorization: 'Bearer t' } });
    expect(answer.status).toBe(422);
    expect(rules()).toEqual([`/api/v1/tasks/${task} tasks.request.offset`]);
  });
});

describe('a fastgpt-py client', () => {
  const chat = (query: string): Promise<Response> =>
    fetch(`${mock.url}/chat${query}`, json({ sessionId: 's1', timeStamp: '2026-11-30T09:00:00', text: '你好' }));

  it('stream=maybe in the query is refused as FastAPI refuses it, and reported', async () => {
    const answer = await chat('?stream=maybe');
    expect(answer.status).toBe(422);
    expect(await answer.json()).toMatchObject({ detail: [{ loc: ['query', 'stream'], type: 'bool_parsing' }] });
    expect(rules()).toEqual(['/chat fastgpt-py.request.stream-query']);
  });

  it('stream=True, as requests sends it, is served and reports nothing', async () => {
    const answer = await chat('?stream=True');
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await answer.text();
    expect(rules()).toEqual([]);
  });
});

describe('a path within a typo of a documented one, in a mock serving several protocols', () => {
  it('is reported under the protocol whose path it misses', async () => {
    await (await fetch(`${mock.url}/api/v1/workspace/ws1/messages`, json({ message: 'x' }, 'Bearer t'))).text();
    await (await fetch(`${mock.url}/api/v1/chat/completion`, json({ messages: [] }, 'Bearer k'))).text();
    await (await fetch(`${mock.url}/chats`, json({}))).text();
    expect(mock.clientDeviations().map((record) => `${record.protocol} ${record.path} ${record.deviation.rule}`)).toEqual([
      'tasks /api/v1/workspace/ws1/messages http.request.path',
      'fastgpt /api/v1/chat/completion http.request.path',
      'fastgpt-py /chats http.request.path',
    ]);
  });
});

describe('a fastgpt records call with its input in the query string', () => {
  const call = (method: string, pathAndQuery: string): Promise<Response> =>
    fetch(`${mock.url}${pathAndQuery}`, { method, headers: { authorization: 'Bearer k' } });

  it('is refused missingParams and reported when a parameter it lists is missing', async () => {
    const answer = await call('DELETE', '/api/core/chat/history/delHistory?chatId=c1');
    expect(await answer.json()).toMatchObject({ code: 500, statusText: 'missingParams', message: expect.stringContaining('appId') });
    await (await call('GET', '/api/core/chat/getResData?appId=6711c0ffee000000000c4a7e&chatId=c1')).text();
    expect(rules()).toEqual(['/api/core/chat/history/delHistory fastgpt.request.query', '/api/core/chat/getResData fastgpt.request.query']);
  });

  it('with every parameter, is served and reports nothing', async () => {
    const answer = await call('DELETE', '/api/core/chat/history/clearHistories?appId=6711c0ffee000000000c4a7e');
    expect(await answer.json()).toMatchObject({ code: 200 });
    expect(rules()).toEqual([]);
  });
});
