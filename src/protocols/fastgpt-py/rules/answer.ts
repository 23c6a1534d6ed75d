/**
 * fastgpt-py rules on the non-streaming answer: one JSON object with nextStageCode, nextStage and text.
 */
import { show } from '../../../core/engine.js';
import { contentTypeRule, jsonFrameRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { at, payload } from './read.js';

// Could a legal server fail this? One answering JSON as text/plain: the document's client (aiohttp
// response.json()) refuses that, so it stays an error.
export const answerContentType = contentTypeRule(
  {
    id: 'fastgpt-py.answer.content-type',
    title: 'A non-streaming request is answered as application/json',
    severity: 'error',
    basis: 'doc',
    source: at('examples/nostream_chat.py (await response.json())'),
    scopes: ['answer'],
  },
  'application/json',
);

// Could a legal server fail this? None: the document's client prints a JSON object.
export const answerJson = jsonFrameRule(
  {
    id: 'fastgpt-py.answer.json',
    title: 'A non-streaming answer is a JSON object',
    severity: 'error',
    basis: 'doc',
    source: at('examples/nostream_chat.py (prints the JSON body)'),
    scopes: ['answer'],
  },
  { object: true },
);

export const answerFields = defineRule({
  id: 'fastgpt-py.answer.fields',
  title: 'A non-streaming answer carries nextStageCode, nextStage and text',
  severity: 'warn',
  basis: 'inferred',
  source: at('examples/nostream_chat.py; digest: the fields are not documented'),
  scopes: ['answer'],
  create: (_context, report) => ({
    frame(frame) {
      const data = payload(frame);
      if (data === undefined) return;
      const missing = ['nextStageCode', 'nextStage', 'text'].filter((field) => !(field in data));
      if (missing.length === 0) return;
      report({
        at: 'frame',
        frame,
        pointer: `/${missing[0] ?? ''}`,
        message: `the answer has no ${missing.join(', ')}`,
        expected: 'nextStageCode, nextStage and text',
        actual: show(Object.keys(data)),
      });
    },
  }),
});
