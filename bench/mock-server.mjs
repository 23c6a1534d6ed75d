// One server under load, in its own process: `node bench/mock-server.mjs bare|mock`. Prints its
// port, then answers `cpu` messages over IPC with its CPU time and RSS.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { bareFrames, HEADERS, scenarioDir, SCENARIOS } from './mock-scenarios.mjs';

const mode = process.argv[2];
let port;

if (mode === 'bare') {
  // The least a server can do: read the request, pick the answer named in it, write each frame
  // as the mock does (one write each, the exchange id filled in), keep time with setTimeout.
  const answers = Object.fromEntries(Object.keys(SCENARIOS).map((name) => [name, { frames: bareFrames(name), delayMs: SCENARIOS[name].delayMs }]));
  const server = createServer((req, res) => {
    const answer = answers[req.headers['x-chatwire-scenario']] ?? answers['bench-burst'];
    req.resume();
    req.on('end', () => {
      const id = randomBytes(6).toString('hex');
      res.writeHead(200, HEADERS);
      let sn = 0;
      const next = () => {
        if (res.destroyed) return;
        if (sn === answer.frames.length) return void res.end();
        res.write(answer.frames[sn++].join(id));
        if (answer.delayMs > 0) setTimeout(next, answer.delayMs);
        else next();
      };
      if (answer.delayMs > 0) setTimeout(next, answer.delayMs);
      else next();
    });
  });
  await new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  port = server.address().port;
} else if (mode === 'mock') {
  // Run as `chatwire mock` runs it: its collector tuned as the bin tunes it (src/cli/main.ts).
  const { tuneCollector } = await import('../dist/cli/io.js');
  tuneCollector('mock');
  // Not judged on load: the 100 ms stream lasts exactly the default --timeout (30 s), a race on a busy machine.
  const { startMockServer, selectProtocols } = await import('../dist/index.js');
  const mock = await startMockServer({ protocols: await selectProtocols(['ctai']), scenarioDirs: { ctai: [scenarioDir] }, speed: 1, judgeScenarios: false });
  port = mock.port;
} else {
  throw new Error('usage: node bench/mock-server.mjs bare|mock');
}

// Exit cleanly on SIGTERM so that --cpu-prof can write its profile.
process.on('SIGTERM', () => process.exit(0));
process.on('message', (message) => {
  if (message === 'cpu') process.send({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
});
process.send({ port });
