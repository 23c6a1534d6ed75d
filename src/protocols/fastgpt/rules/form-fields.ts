/**
 * fastgpt rule on a form node's fields: each carries what a client renders it with and types its reply
 * by. The event's shape (fastgpt.event.shape) needs only type and key.
 */
import { show } from '../../../core/engine.js';
import type { Frame } from '../../../core/exchange.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at, eventOf, onCompletions } from './read.js';

/** The fields every form item of the document's example and of FastGPT's form type carries, and their types. */
const FORM_FIELD_TYPES: ReadonlyArray<readonly [string, 'string' | 'boolean']> = [
  ['label', 'string'],
  ['valueType', 'string'],
  ['required', 'boolean'],
];

/** The interactive nodes a frame carries, with the pointer of each: an interactive event's, or the typed values of a non-streaming answer's content. */
function interactiveNodes(frame: Frame): Array<{ readonly node: unknown; readonly at: string }> {
  if (!frame.json.ok || !isRecord(frame.json.value)) return [];
  const value = frame.json.value;
  if (frame.type === 'sse') return eventOf(frame) === 'interactive' ? [{ node: value['interactive'], at: '/interactive' }] : [];
  const choices = Array.isArray(value['choices']) ? value['choices'] : [];
  return choices.flatMap((choice: unknown, c) => {
    const content = isRecord(choice) && isRecord(choice['message']) ? choice['message']['content'] : undefined;
    if (!Array.isArray(content)) return [];
    return content.flatMap((item: unknown, i) =>
      isRecord(item) && item['interactive'] !== undefined ? [{ node: item['interactive'], at: `/choices/${c}/message/content/${i}/interactive` }] : [],
    );
  });
}

// Could a legal server fail this? One whose form items leave out label, valueType or required: no text
// requires them, only the Form Input example and the digest's field list show them, so it warns. A
// client without valueType cannot tell a number field from a text one when it answers the form.
export const interactiveFormFields = onCompletions(
  defineRule({
    id: 'fastgpt.interactive.form-fields',
    title: "Each field of a userInput form carries label, valueType and required, as the document's form example does",
    severity: 'warn',
    basis: 'inferred',
    source: at('Response of a workflow with interactive nodes (Form Input); digest: interactive payloads'),
    // Streamed as an interactive event; without stream, a typed value of the answer's content.
    scopes: ['stream', 'answer'],
    create: (_context, report) => ({
      frame(frame) {
        for (const { node, at: nodeAt } of interactiveNodes(frame)) {
          if (!isRecord(node) || node['type'] !== 'userInput' || !isRecord(node['params'])) continue;
          const form = node['params']['inputForm'];
          if (!Array.isArray(form)) continue;
          for (const [index, item] of form.entries()) {
            if (!isRecord(item)) continue;
            for (const [field, type] of FORM_FIELD_TYPES) {
              if (typeof item[field] === type) continue;
              report({
                at: 'frame',
                frame,
                pointer: `${nodeAt}/params/inputForm/${index}/${field}`,
                message: `the form field ${show(item['key'])} has no ${type} ${field}`,
                expected: `a ${type}`,
                actual: show(item[field]),
              });
            }
          }
        }
      },
    }),
  }),
);
