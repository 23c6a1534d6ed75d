import { defineProtocol } from '../protocol.js';
import { attach, PocketqaScript, refuse } from './mock.js';
import { DOC, isStop, pocketqaRules } from './rules.js';

export default defineProtocol({
  id: 'pocketqa',
  title: 'PocketQA over Socket.IO (CHAT_CS → CHAT_SS)',
  doc: DOC,
  transport: 'socketio',
  rules: pocketqaRules,
  answerKind: () => 'stream',
  isLastFrame: isStop,
  mock: { routes: [], serves: 'Socket.IO at /socket.io/ (CHAT_CS, SUM_CS, QA_CS, GEN_CS → *_SS)', defaultScenario: 'plain', refuse, script: PocketqaScript, attach },
});
