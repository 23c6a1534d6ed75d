/**
 * fastgpt rules on the answer: a valid question is answered, not refused, and a non-streaming answer
 * is one JSON body in the OpenAI completion shape.
 */
import { show } from '../../../core/engine.js';
import { contentTypeRule, frameSchemaRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at, eventOf, isErrorEnvelope, onCompletions } from './read.js';

// ---- the non-streaming answer ----------------------------------------------------------------

export const answerSucceeded = onCompletions(
  defineRule({
    id: 'fastgpt.answer.succeeded',
    title: 'A valid question gets an answer, not an error event or an error envelope',
    severity: 'warn',
    basis: 'inferred',
    source: at('Response (Event Values: error); digest: errors'),
    scopes: ['stream', 'answer'],
    create: (_context, report) => {
      let reported = false;
      return {
        frame(frame) {
          if (reported || (eventOf(frame) !== 'error' && !isErrorEnvelope(frame))) return;
          reported = true;
          const value = frame.json.ok && isRecord(frame.json.value) ? frame.json.value['message'] : undefined;
          report({ at: 'frame', frame, pointer: '', message: `a valid question was answered with an error: ${show(value)}`, expected: 'an answer' });
        },
      };
    },
  }),
);

// Could a legal server fail this? None: FastGPT answers with res.json (jsonRes for the records calls), and the
// official openai SDK reads any other Content-Type as text, so chunk.choices is gone for its users.
export const answerContentType = contentTypeRule(
  {
    id: 'fastgpt.answer.content-type',
    title: 'A non-streaming answer (completions or records) is served as application/json',
    severity: 'error',
    basis: 'doc',
    source: at('Response (stream=false examples); digest: non-stream answer (code: res.json)'),
    scopes: ['answer'],
  },
  'application/json',
);

// Could a legal server fail this? None: FastGPT answers stream: false with one JSON body.
export const answerJson = defineRule({
  id: 'fastgpt.answer.json',
  title: 'A non-streaming answer (completions or records) is one JSON document, not an event stream',
  severity: 'error',
  basis: 'doc',
  source: at('Response (stream=false examples); Chat CRUD (Response Examples)'),
  scopes: ['answer'],
  create: (_context, report) => ({
    frame(frame) {
      // An event stream is reported once, at its first frame; its frames are not judged one by one.
      if (frame.type === 'sse') {
        if (frame.index === 0)
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: 'an event stream came where one JSON answer belongs (the request asked for stream: false)',
            expected: 'one JSON body',
            actual: 'text/event-stream frames',
          });
        return;
      }
      if (frame.json.ok) return;
      report({ at: 'frame', frame, pointer: '', message: `the answer is not JSON: ${frame.json.error}`, expected: 'a JSON object' });
    },
  }),
});

// Could a legal server fail this? None: content may be a string or FastGPT's array of typed values; an error
// envelope is left to fastgpt.answer.succeeded.
export const answerShape = onCompletions(
  frameSchemaRule(
    {
      id: 'fastgpt.answer.shape',
      title: 'A non-streaming answer has the OpenAI completion shape (schemas/fastgpt/answer.schema.json)',
      severity: 'error',
      basis: 'doc',
      source: at('Response (stream=false examples)'),
      scopes: ['answer'],
    },
    'https://chatwire.dev/schemas/fastgpt/answer.json',
    // An event stream in its place is fastgpt.answer.json's one finding, not one per chunk.
    { select: (frame) => frame.type === 'body' && !isErrorEnvelope(frame) },
  ),
);

/** The fields of every example of the non-streaming answer that an OpenAI client reads, by where they sit. */
function missingOpenAiFields(answer: Record<string, unknown>): string[] {
  const missing = ['id', 'model'].filter((field) => !(field in answer));
  if (!isRecord(answer['usage'])) missing.push('usage');
  const choices = Array.isArray(answer['choices']) ? answer['choices'] : [];
  for (const [index, choice] of choices.entries()) {
    if (!isRecord(choice)) continue;
    for (const field of ['finish_reason', 'index']) if (!(field in choice)) missing.push(`choices/${index}/${field}`);
  }
  return missing;
}

// Could a legal server fail this? One the document does not bind: its examples show these fields but no
// text requires them, so their absence is a warning. FastGPT's code always sends them.
export const answerOpenAiFields = onCompletions(
  defineRule({
    id: 'fastgpt.answer.openai-fields',
    title: "A non-streaming answer carries what every example shows and OpenAI clients read: id, model, usage, and each choice's finish_reason and index",
    severity: 'warn',
    basis: 'inferred',
    source: at('Response (stream=false examples); digest: non-stream answer'),
    scopes: ['answer'],
    create: (_context, report) => ({
      frame(frame) {
        if (frame.type !== 'body' || !frame.json.ok || !isRecord(frame.json.value) || isErrorEnvelope(frame)) return;
        const missing = missingOpenAiFields(frame.json.value);
        if (missing.length === 0) return;
        report({
          at: 'frame',
          frame,
          pointer: '',
          message: `the answer lacks ${missing.join(', ')}, which every example of the document shows`,
          expected: 'id, model, usage, choices[].finish_reason, choices[].index',
          actual: `missing ${missing.join(', ')}`,
        });
      },
    }),
  }),
);
