import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { instantClock, reasonOf } from '../src/core/clock.js';
import { startMockServer } from '../src/mock/server.js';
import ctai from '../src/protocols/ctai/index.js';
import { LazyLeaving, type MockChunk, type MockResponse } from '../src/mock/io.js';
import { encodeFrame, playStream } from '../src/mock/playback.js';
import type { ScenarioStream } from '../src/mock/scenario.js';

/** A response that keeps what is written to it, as text. */
function recorder(): MockResponse & { readonly text: () => string } {
  let text = '';
  let ended = false;
  const add = (chunk: MockChunk | undefined): void =>
    void (text += chunk === undefined ? '' : typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
  return {
    headersSent: true,
    get ended() {
      return ended;
    },
    writeHead: () => undefined,
    write: async (chunk) => add(chunk),
    end: async (chunk) => {
      add(chunk);
      ended = true;
    },
    abort: () => undefined,
    text: () => text,
  };
}

const stream: ScenarioStream = {
  status: 200,
  headers: {},
  lineEnding: 'crlf',
  end: 'close',
  holdMs: 0,
  frames: [
    { event: 'answer-{{exchange}}', id: '{{exchange}}-0', data: { text: 'a {{exchange}} b {{unknown}}', n: 1 } },
    { data: 'line one\n{{exchange}}\nline three' },
    { id: '{{exchange}}', data: { answer_text: '首班车 {{exchange}} 发车。', emoji: '🚌' } },
    { raw: 'data: {{exchange}}\r\n\r\n' },
  ],
};

async function play(vars: Record<string, string>): Promise<string> {
  const res = recorder();
  await playStream(stream, { res, clock: instantClock(), leaving: new LazyLeaving(), vars });
  return res.text();
}

describe('scripted stream playback', () => {
  it('writes the same bytes on every request as encoding each frame afresh, whatever the values', async () => {
    for (const vars of [
      { exchange: 'e1' },
      { exchange: 'e2' },
      { exchange: 'with\nbreak' },
      { exchange: 'cr\rlf\r\n' },
      {},
      { exchange: '{{exchange}}' },
      { exchange: '车é🚌' },
    ]) {
      const expected = stream.frames.map((frame) => encodeFrame(frame, stream.lineEnding, vars)).join('');
      // Played three times: the first plays each frame as it is, later ones from its compiled text.
      for (let round = 0; round < 3; round++) expect(await play(vars)).toBe(expected);
    }
  });

  it('splits a payload whose value holds a line break into more data lines', async () => {
    await play({ exchange: 'x' });
    await play({ exchange: 'x' });
    expect(await play({ exchange: 'one\ntwo' })).toContain('data: one\r\ndata: two\r\ndata: line three\r\n');
  });
});

describe('ctai answers shaped by the request, played many times', () => {
  it('drops citations or keeps only the named documents for the request that asks, and only for it', async () => {
    const mock = await startMockServer({ protocols: [ctai], clock: instantClock() });
    try {
      const cited = async (request: Record<string, string>): Promise<string[]> => {
        const res = await fetch(`${mock.url}/v1/ctai/query_text_chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-chatwire-scenario': 'citations' },
          body: JSON.stringify({ query_text: 'q', stream: '1', ...request }),
        });
        // The documents cited in ref_doc_list, packet after packet.
        return (await res.text())
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .flatMap((line) => {
            const packet = z
              .object({ data: z.object({ ref_doc_list: z.array(z.object({ doc_id: z.string() })).optional() }) })
              .parse(JSON.parse(line.slice(6)));
            return (packet.data.ref_doc_list ?? []).map((doc) => doc.doc_id);
          });
      };
      const all = await cited({});
      expect(all).toContain('doc-station');
      expect(all).toContain('doc-bus-lines');
      expect(await cited({})).toEqual(all);
      expect(await cited({ enable_citation: '0' })).toEqual([]);
      expect(new Set(await cited({ ctdoc_id: 'doc-station' }))).toEqual(new Set(['doc-station']));
      expect(await cited({ ctdoc_id: ',' })).toEqual(all);
      expect(await cited({})).toEqual(all);
    } finally {
      await mock.close();
    }
  });
});

describe('a client leaving during playback', () => {
  it('stops the stream at the next frame once the client has left', async () => {
    const leaving = new LazyLeaving();
    const res = recorder();
    let writes = 0;
    const leavesAfterTwo: MockResponse = {
      ...res,
      write: async (chunk) => {
        await res.write(chunk);
        if (++writes === 2) leaving.leave(new Error('client closed the connection'));
      },
    };
    const frames = Array.from({ length: 10 }, (_, n) => ({ data: { n } }));
    await playStream({ ...stream, lineEnding: 'lf', frames }, { res: leavesAfterTwo, clock: instantClock(), leaving, vars: {} });
    expect(writes).toBe(2);
    expect(res.text().match(/^data: /gm)).toHaveLength(2);
  });

  it('ends a stream held open when the client leaves, however long it was to be held', async () => {
    const leaving = new LazyLeaving();
    const res = recorder();
    // Sleeps that end only when their signal aborts: the hold must be listening to the client.
    const neverWakes = {
      now: () => 0,
      sleep: (_ms: number, signal?: AbortSignal) => new Promise<void>((_, reject) => signal?.addEventListener('abort', () => reject(reasonOf(signal)))),
    };
    const played = playStream({ ...stream, frames: [{ data: 'one' }], end: 'hang', holdMs: 3_600_000 }, { res, clock: neverWakes, leaving, vars: {} });
    await Promise.resolve();
    leaving.leave(new Error('client closed the connection'));
    await played;
    expect(res.ended).toBe(true);
  });

  it('gives an aborted signal, with the reason, to a wait that asks only after the client left', () => {
    const leaving = new LazyLeaving();
    expect(leaving.left).toBe(false);
    leaving.leave(new Error('client closed the connection'));
    expect(leaving.left).toBe(true);
    expect(leaving.signal.aborted).toBe(true);
    expect(reasonOf(leaving.signal).message).toBe('client closed the connection');
  });

  it('aborts a signal asked for before the client left, once', () => {
    const leaving = new LazyLeaving();
    const { signal } = leaving;
    let aborts = 0;
    signal.addEventListener('abort', () => aborts++);
    leaving.leave(new Error('first'));
    leaving.leave(new Error('second'));
    expect(aborts).toBe(1);
    expect(reasonOf(signal).message).toBe('first');
  });
});
