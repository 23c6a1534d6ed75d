import { sseBatches } from '../sse/stream.js';
import { stepMismatch, type Transport } from '../transport.js';
import { bodyBatches } from './body.js';
import { httpRules, responseComplete } from './rules.js';
import { runHttpStep } from './step.js';
import { openApiOf } from './openapi.js';

/** One HTTP answer per request: an event stream (SSE) or one JSON body. */
export const httpTransport: Transport<'http'> = {
  id: 'http',
  travels: 'one HTTP answer per request (an event stream or a JSON body)',
  faultReach: 'http',
  rules: httpRules,
  api: { format: 'openapi', describe: openApiOf },
  connectionRule: responseComplete,
  steps: ['http'],
  runStep: async (protocol, step, context) => {
    if (step.type !== 'http') throw stepMismatch('http', step);
    const report = await runHttpStep(protocol, step, context, protocol.answerKind);
    return report.status === 429 ? { report, turnedAway: 'HTTP 429' } : { report };
  },
  label: (step) => (step.type === 'http' ? step.method : step.type),
  offline: (protocol) => ({
    ...(protocol.capturePath === undefined ? {} : { path: protocol.capturePath }),
    kindOf: (requestJson, url) => protocol.answerKind(requestJson, url),
    read: (chunks, kind, options) => (kind === 'stream' ? sseBatches(chunks, options) : bodyBatches(chunks, options)),
  }),
};
