import { defineProtocol } from '../protocol.js';
import { isRecord } from '../../core/schemas.js';
import { fastgptPyApi } from './api.js';
import { chatRoute, FastgptPyScript, refuse } from './mock.js';
import { DOC, fastgptPyRules } from './rules/index.js';
import { asksStream } from './stream-flag.js';

export default defineProtocol({
  id: 'fastgpt-py',
  title: 'A /chat service in front of a FastGPT workflow, with stage codes (POST /chat)',
  doc: DOC,
  transport: 'http',
  api: fastgptPyApi,
  rules: fastgptPyRules,
  // The document's URL puts stream in the query string, its table in the body: either counts.
  answerKind: (request, url) => {
    const query = url === undefined ? null : new URL(url, 'http://request.invalid').searchParams.get('stream');
    return asksStream(query, request) ? 'stream' : 'answer';
  },
  capturePath: chatRoute.path,
  isLastFrame: (frame) => frame.type === 'sse' && frame.event === 'done',
  // text_delta events carry the answer's fragments; a non-streaming answer its whole text.
  answerText: (frame) => {
    if (frame.type === 'sse' && frame.event !== 'text_delta') return undefined;
    const text = frame.json.ok && isRecord(frame.json.value) ? frame.json.value['text'] : undefined;
    return typeof text === 'string' ? text : undefined;
  },
  mock: { routes: [chatRoute], defaultScenario: 'accident-report', refuse, script: FastgptPyScript, takes: ['script'] },
});
