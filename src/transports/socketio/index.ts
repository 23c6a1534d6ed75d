import { stepMismatch, type Transport } from '../transport.js';
import { socketConnected, socketRules } from './rules.js';
import { runSocketStep } from './step.js';
import { asyncApiOf } from './asyncapi.js';

/** Answers as Socket.IO events on one connection per case. */
export const socketTransport: Transport<'socketio'> = {
  id: 'socketio',
  travels: 'Socket.IO events',
  faultReach: 'socketio',
  rules: socketRules,
  api: { format: 'asyncapi', describe: asyncApiOf },
  connectionRule: socketConnected,
  steps: ['socketio'],
  runStep: async (protocol, step, context) => {
    if (step.type !== 'socketio') throw stepMismatch('socketio', step);
    return runSocketStep(protocol, step, context);
  },
  label: (step) => (step.type === 'socketio' ? `EMIT ${step.emit}` : step.type),
  // The Socket.IO server is loaded only by a mock that serves a Socket.IO protocol.
  attachMock: async (server, served, admits, options) => {
    const { attachSocketMock } = await import('./mock.js');
    return attachSocketMock(
      server,
      served.map(({ protocol, context }) => ({ socket: protocol.mock.socket, context })),
      admits,
      options,
    );
  },
};
