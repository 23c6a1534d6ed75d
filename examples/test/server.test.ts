import { afterAll, beforeAll } from 'vitest';
import { selectProtocols, startMockServer, type MockServer } from 'chatwire';
import { exampleCases } from './cases.js';

// A real server on a free loopback port: what a client in another process (or Socket.IO) needs.
let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({ protocols: await selectProtocols(['ctai', 'tasks']), port: 0 });
});
afterAll(() => mock.close());

exampleCases('startMockServer', () => ({
  baseUrl: mock.url,
  use: (protocol, scenario, faults) => mock.use(protocol, scenario, faults),
  reset: () => mock.reset(),
}));
