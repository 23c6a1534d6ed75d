import { defineProtocol } from '../protocol.js';
import { isRecord } from '../../core/schemas.js';
import { pocketqaApi } from './api.js';
import { PocketqaScript, refuse, socket } from './mock.js';
import { DOC, isStop, pocketqaRules } from './rules/index.js';

export default defineProtocol({
  id: 'pocketqa',
  title: 'PocketQA over Socket.IO (CHAT_CS → CHAT_SS)',
  doc: DOC,
  transport: 'socketio',
  rules: pocketqaRules,
  api: pocketqaApi,
  isLastFrame: isStop,
  // An empty partial event says nothing new: an answer made only of them has gone silent.
  isHeartbeat: (frame) => {
    if (frame.type !== 'socketio' || !frame.json.ok || !isRecord(frame.json.value)) return false;
    const data = frame.json.value['data'];
    return isRecord(data) && (data['delta'] === '' || data['delta'] === undefined) && data['finish_reason'] !== 'stop';
  },
  answerText: (frame) => {
    if (frame.type !== 'socketio' || frame.socket !== 'asker' || !frame.json.ok || !isRecord(frame.json.value)) return undefined;
    const data = frame.json.value['data'];
    const delta = isRecord(data) ? data['delta'] : undefined;
    return typeof delta === 'string' ? delta : undefined;
  },
  mock: {
    serves: 'Socket.IO at /socket.io/ (CHAT_CS, SUM_CS, QA_CS, GEN_CS → *_SS)',
    defaultScenario: 'plain',
    refuse,
    script: PocketqaScript,
    takes: ['script'],
    socket,
  },
});
