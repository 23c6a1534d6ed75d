import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantClock } from '../src/core/clock.js';
import { startMockServer, type MockServer } from '../src/mock/server.js';
import fastgpt from '../src/protocols/fastgpt/index.js';
import { check } from './helpers.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ protocols: [fastgpt], port: 0, clock: instantClock() });
});
afterAll(() => mock.close());

const request = { stream: true, detail: true, messages: [{ role: 'user', content: '导演是谁' }] };

async function events(version: 'v1' | 'v2'): Promise<{ names: string[]; body: string }> {
  const res = await fetch(`${mock.url}/api/${version}/chat/completions?scenario=detail-nodes`, {
    method: 'POST',
    headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = await res.text();
  return { names: [...body.matchAll(/^event: (\w+)$/gm)].map((match) => match[1] ?? ''), body };
}

describe('the fastgpt mock, v1 and v2', () => {
  it('v2 streams each node result as flowNodeResponse, and no flowResponses; v1 one flowResponses array', async () => {
    const v1 = await events('v1');
    const v2 = await events('v2');
    const nodes = v1.names.filter((name) => name === 'flowNodeStatus').length;
    expect(nodes).toBeGreaterThan(0);
    expect(v1.names.filter((name) => name === 'flowResponses')).toHaveLength(1);
    expect(v1.names).not.toContain('flowNodeResponse');
    expect(v2.names).not.toContain('flowResponses');
    expect(v2.names.filter((name) => name === 'flowNodeResponse').length).toBeGreaterThanOrEqual(nodes);
    // Nothing but the stop chunk and [DONE] after the node results, as the v2 workflow ends.
    expect(v2.names.lastIndexOf('flowNodeResponse')).toBeLessThan(v2.names.length - 2);
    const deviations = await check(fastgpt, 'stream', v2.body, { url: 'http://t.invalid/api/v2/chat/completions', request });
    expect(deviations.filter((deviation) => deviation.severity === 'error')).toEqual([]);
  });
});
