// A bare HTTP relay with a stand-in judge of known cost, to find what any judging proxy can reach on
// this machine: `BENCH_RELAY=none|parse|parse2 BENCH_THREAD=inline|worker node bench/proxy.mjs`.
// `none` forwards only; `parse` reads every forwarded packet as a client does (eventsource-parser,
// then JSON.parse); `parse2` parses each packet twice, about what chatwire's judge costs per frame.
// `worker` judges on a worker thread fed a copy of each chunk, pausing the upstream past 8 MiB waiting.
import { createServer, request } from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createParser } from 'eventsource-parser';

const MAX_BACKLOG = 8 * 1024 * 1024;

/** A judge of the given cost over one answer's bytes. */
function judge(cost) {
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent: (event) => {
      for (let i = 0; i < cost; i++) JSON.parse(event.data);
    },
  });
  return (chunk) => parser.feed(decoder.decode(chunk, { stream: true }));
}

if (!isMainThread) {
  // One answer at a time, as the benchmark asks: a new judge per answer is not needed here.
  const feed = judge(workerData.cost);
  parentPort.on('message', (chunk) => {
    feed(chunk);
    parentPort.postMessage(chunk.byteLength);
  });
} else {
  const [, , target] = process.argv;
  const cost = { none: 0, parse: 1, parse2: 2 }[process.env.BENCH_RELAY ?? 'parse'];
  if (cost === undefined) throw new Error('BENCH_RELAY must be none, parse or parse2');
  const threaded = process.env.BENCH_THREAD === 'worker' && cost > 0;
  const worker = threaded ? new Worker(new URL(import.meta.url), { workerData: { cost } }) : undefined;
  let backlog = 0;
  const paused = [];
  worker?.on('message', (bytes) => {
    backlog -= bytes;
    if (backlog < MAX_BACKLOG / 2) for (const resume of paused.splice(0)) resume();
  });
  worker?.unref();

  const server = createServer((req, res) => {
    const upstream = request(new URL(req.url, target), { method: req.method, headers: req.headers });
    req.pipe(upstream);
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      const feed = cost > 0 && !threaded ? judge(cost) : undefined;
      const hold = () => {
        answer.pause();
        return () => answer.resume();
      };
      answer.on('data', (chunk) => {
        if (!res.write(chunk) && res.writableLength > 1024 * 1024) res.once('drain', hold());
        if (feed !== undefined) feed(chunk);
        else if (worker !== undefined) {
          const copy = new Uint8Array(chunk);
          backlog += copy.byteLength;
          worker.postMessage(copy, [copy.buffer]);
          if (backlog > MAX_BACKLOG) paused.push(hold());
        }
      });
      answer.on('end', () => res.end());
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}, reference relay`));
}
