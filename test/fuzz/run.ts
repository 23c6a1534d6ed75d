// The fuzz run shared by the sample in `npm test` and the full `npm run fuzz`.
import fc from 'fast-check';
import { loadProtocols } from '../../src/protocols/index.js';
import { startMockProcess } from '../mock-process.js';
import { malformed, routesOf, type Malformed } from './requests.js';
import { judgeAnswer, send, Sender } from './send.js';

export interface FuzzResult {
  readonly sent: number;
  /**
   * The mock's RSS in MB once settled (the median of the samples in the run's second quarter: its
   * bounded stores fill during the first) and at the end (the median of the last quarter's samples).
   * A leak grows from one to the other; medians keep one collection's timing from deciding.
   */
  readonly rssSettledMb: number;
  readonly rssEndMb: number;
  readonly byKind: Readonly<Record<string, number>>;
}

/** Requests sent at once: the fuzz is also a load on the mock. */
const BATCH = 32;

/** How many times in a run the mock's RSS is read. */
const RSS_SAMPLES = 40;

/**
 * Sends `requests` malformed requests to a `chatwire mock` process in batches; throws (through
 * fast-check, with the seed to replay) on the first batch with a wrong answer or a dead mock.
 */
export async function fuzzMock(requests: number, seed?: number): Promise<FuzzResult> {
  const routes = routesOf(await loadProtocols());
  const mock = await startMockProcess(['--speed', '0']);
  const sender = new Sender(mock.port);
  const byKind: Record<string, number> = {};
  let sent = 0;
  const rss: { at: number; mb: number }[] = [];
  try {
    const runs = Math.ceil(requests / BATCH);
    const sampleEvery = Math.max(1, Math.floor(runs / RSS_SAMPLES));
    let batches = 0;
    const property = fc.asyncProperty(fc.array(malformed(routes), { minLength: BATCH, maxLength: BATCH }), async (batch: Malformed[]) => {
      const answers = await Promise.all(batch.map((request) => send(sender, request)));
      sent += batch.length;
      if (++batches % sampleEvery === 0) rss.push({ at: sent / requests, mb: mock.rssMb() });
      if (!mock.alive()) throw new Error(`the mock died: ${mock.stderr().slice(-2000)}`);
      const wrong: string[] = [];
      batch.forEach((request, i) => {
        byKind[request.kind] = (byKind[request.kind] ?? 0) + 1;
        const answer = answers[i];
        const problem = answer === undefined ? 'no answer' : judgeAnswer(request, answer);
        if (problem !== undefined) wrong.push(`${describe(request)}: ${problem}`);
      });
      if (wrong.length > 0) throw new Error(`${wrong.length} wrong answer(s):\n${wrong.slice(0, 5).join('\n')}`);
    });
    await fc.assert(property, { numRuns: runs, endOnFailure: true, ...(seed === undefined ? {} : { seed }) });
    rss.push({ at: 1, mb: mock.rssMb() });
    const between = (from: number, to: number): number => median(rss.filter(({ at }) => at > from && at <= to).map(({ mb }) => mb));
    return { sent, rssSettledMb: between(0.25, 0.5), rssEndMb: between(0.75, 1), byKind };
  } finally {
    sender.close();
    await mock.stop();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function describe(request: Malformed): string {
  const where = 'route' in request ? ` ${request.route.method} ${request.route.path}` : '';
  return `${request.kind}${where}`;
}
