import { defineProtocol } from '../protocol.js';
import { isRecord } from '../../core/schemas.js';
import { fastgptApi } from './api.js';
import { fastgptRoutes, MOCK_APP_ID, refuse } from './mock.js';
import { formAnswer } from './form-answer.js';
import { FastgptScript } from './script.js';
import { answerText, DOC, fastgptRules, isDone } from './rules/index.js';

export default defineProtocol({
  id: 'fastgpt',
  title: 'FastGPT OpenAPI chat (POST /api/v1/chat/completions) and chat records',
  doc: DOC,
  transport: 'http',
  api: fastgptApi,
  rules: fastgptRules,
  answerKind: (request) => (isRecord(request) && request['stream'] === true ? 'stream' : 'answer'),
  capturePath: '/api/v1/chat/completions',
  // [DONE] ends the answer; FastGPT v4.11–v4.14 writes flowResponses right after it, within the grace.
  isLastFrame: isDone,
  answerText,
  answers: { formAnswer },
  mock: {
    keyed: true,
    routes: fastgptRoutes,
    serves: `one app, id ${MOCK_APP_ID} (pass it as --var appId)`,
    defaultScenario: 'plain',
    refuse,
    script: FastgptScript,
    takes: ['script'],
  },
});
