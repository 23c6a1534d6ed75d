/**
 * fastgpt-py rules on the non-streaming answer: one JSON object with nextStageCode, nextStage and text.
 */
import { show } from '../../../core/engine.js';
import { frameText } from '../../../core/exchange.js';
import { contentTypeRule, jsonFrameRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { at, eventOf, payload } from './read.js';

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

// Could a legal server fail this? One whose workflow really failed (a model timeout): a warning, since the
// document lets a stream end with error; it tells a run whose every answer was an error from a green one.
export const answerSucceeded = defineRule({
  id: 'fastgpt-py.answer.succeeded',
  title: 'A valid request gets an answer, not an error event',
  severity: 'warn',
  basis: 'inferred',
  source: at('SSE 事件类型 (error: 错误信息)'),
  scopes: ['stream'],
  create: (_context, report) => {
    let reported = false;
    return {
      frame(frame) {
        if (reported || eventOf(frame) !== 'error') return;
        reported = true;
        const data = payload(frame);
        report({
          at: 'frame',
          frame,
          pointer: '',
          message: `a valid request was answered with an error: ${show(data?.['msg'] ?? frameText(frame))}`,
          expected: 'text_delta and done',
          actual: 'event: error',
        });
      },
    };
  },
});
