import { afterAll, beforeAll } from 'vitest';
import { setupServer } from 'msw/node';
import { selectProtocols } from 'chatwire';
import { chatwireHandlers } from 'chatwire/msw';
import { exampleCases } from './cases.js';

// In-process, no port: msw answers fetch for the simulated upstream.
const upstream = chatwireHandlers({ protocols: await selectProtocols(['ctai', 'tasks']), baseUrl: 'http://upstream.test' });
const server = setupServer(...upstream.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

exampleCases('msw', () => ({ ...upstream, baseUrl: 'http://upstream.test' }));
