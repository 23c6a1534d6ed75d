import { httpRules, responseComplete } from '../http/rules.js';
import { runHttpStep } from '../http/step.js';
import { stepMismatch, type Transport } from '../transport.js';
import { runPollStep } from './step.js';
import { openApiOf } from '../http/openapi.js';

/** Answers read by polling a resource from an offset, after plain HTTP calls that create it. */
export const pollingTransport: Transport<'polling'> = {
  id: 'polling',
  travels: 'polling a resource (a series of HTTP answers)',
  faultReach: 'http',
  // Every poll is an HTTP exchange, held to the same rules.
  rules: httpRules,
  api: { format: 'openapi', describe: openApiOf },
  connectionRule: responseComplete,
  steps: ['http', 'poll'],
  runStep: async (protocol, step, context) => {
    if (step.type === 'poll') return { report: await runPollStep(protocol, step, context) };
    if (step.type === 'http') return { report: await runHttpStep(protocol, step, context, () => 'answer') };
    throw stepMismatch('polling', step);
  },
  label: (step) => (step.type === 'http' ? step.method : step.type.toUpperCase()),
};
