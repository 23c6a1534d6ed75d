import { afterEach, describe, expect, it } from 'vitest';
import type { MockServer } from 'chatwire';
import { askCtai, CtaiError } from '../ctai-answer.js';
import { askTasks, TasksError } from '../tasks-answer.js';

/** What every stack offers a test: where the upstream answers, and the choice of its behaviour. */
export interface Upstream {
  readonly baseUrl: string;
  readonly use: MockServer['use'];
  readonly reset: MockServer['reset'];
}

const TOKEN = 'example-token';

/** The same cases on every stack: a stand-in is chosen by what a test must not do (open a port, patch fetch). */
export function exampleCases(stack: string, upstream: () => Upstream): void {
  afterEach(() => upstream().reset());

  describe(`ctai answer, upstream by ${stack}`, () => {
    it('assembles the answer and the stop packet’s lists', async () => {
      const answer = await askCtai('怎么去火车站?', { baseUrl: upstream().baseUrl });
      expect(answer).toEqual({ text: '2路汽车在火车站北广场乘坐。', refDocs: [], followUps: [], packets: 4 });
    });

    it('fails an answer cut after two packets (close:2) as cut, not as a short answer', async () => {
      upstream().use('ctai', undefined, 'close:2');
      await expect(askCtai('怎么去火车站?', { baseUrl: upstream().baseUrl })).rejects.toThrow(
        new CtaiError('cut', 'the answer broke off after 2 packets, without its stop packet'),
      );
    });

    it('returns at the stop packet while the server holds the stream open', async () => {
      upstream().use('ctai', 'held-open');
      const answer = await askCtai('怎么去火车站?', { baseUrl: upstream().baseUrl });
      expect(answer.text).not.toBe('');
    });

    it('stops waiting when its signal aborts', async () => {
      upstream().use('ctai', undefined, 'stall:1:10000');
      const started = Date.now();
      const asked = askCtai('怎么去火车站?', { baseUrl: upstream().baseUrl, signal: AbortSignal.timeout(300) });
      await expect(asked).rejects.toThrow(/aborted|timeout/i);
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });

  describe(`tasks answer, upstream by ${stack}`, () => {
    const options = () => ({ baseUrl: upstream().baseUrl, token: TOKEN, workspaceId: 'ws-example', pollMs: 30 });

    it('polls the task from its offset until it completes', async () => {
      const answer = await askTasks('终末地是什么?', options());
      expect(answer.status).toBe('completed');
      expect(answer.text).toBe('《明日方舟：终末地》是鹰角网络开发的即时策略角色扮演游戏，故事发生在塔卫二。');
      expect(answer.events).toHaveLength(4);
    });

    it('waits out a 503 as its Retry-After says, then goes on', async () => {
      upstream().use('tasks', undefined, 'status:503');
      const waits: number[] = [];
      const answer = await askTasks('终末地是什么?', {
        ...options(),
        sleep: async (ms) => {
          waits.push(ms);
          // The upstream recovers while the client waits.
          upstream().use('tasks');
          await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 30)));
        },
      });
      expect(waits[0]).toBe(1000);
      expect(answer.status).toBe('completed');
    });

    it('gives up on an upstream that stays unavailable, saying so', async () => {
      upstream().use('tasks', undefined, 'status:503');
      const waits: number[] = [];
      const asked = askTasks('终末地是什么?', { ...options(), maxRetries: 2, sleep: async (ms) => void waits.push(ms) });
      await expect(asked).rejects.toThrow(new TasksError('POST /api/v1/workspaces answered HTTP 503', 503));
      expect(waits).toEqual([1000, 1000]);
    });
  });
}
