import { afterAll } from 'vitest';
import { selectProtocols } from 'chatwire';
import { chatwireNock } from 'chatwire/nock';
import { exampleCases } from './cases.js';

// In-process, no port: nock answers fetch and node:http for the simulated upstream.
const upstream = chatwireNock({ protocols: await selectProtocols(['ctai', 'tasks']), baseUrl: 'http://upstream.test' });

afterAll(() => upstream.remove());

exampleCases('nock', () => ({ ...upstream, baseUrl: 'http://upstream.test' }));
