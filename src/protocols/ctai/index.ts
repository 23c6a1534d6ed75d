import { defineProtocol } from '../protocol.js';
import { isRecord } from '../../core/schemas.js';
import { ctaiApi } from './api.js';
import { chatRoute, refuse } from './mock.js';
import { ctaiRules, DOC, isStopPacket, packetOf } from './rules/index.js';

export default defineProtocol({
  id: 'ctai',
  title: 'CTAI streaming Q&A (POST /v1/ctai/query_text_chat)',
  doc: DOC,
  transport: 'http',
  rules: ctaiRules,
  api: ctaiApi,
  answerKind: (request) => (isRecord(request) && request['stream'] === '1' ? 'stream' : 'answer'),
  capturePath: chatRoute.path,
  isLastFrame: isStopPacket,
  answerText: (frame) => {
    const text = packetOf(frame)?.data?.['answer_text'];
    return typeof text === 'string' ? text : undefined;
  },
  mock: { routes: [chatRoute], defaultScenario: 'plain', refuse, takes: ['stream', 'answer'] },
});
