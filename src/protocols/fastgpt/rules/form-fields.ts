/**
 * fastgpt rule on a form node's fields: each carries what a client renders it with and types its reply
 * by. The event's shape (fastgpt.event.shape) needs only type and key.
 */
import { show } from '../../../core/engine.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at, eventOf, onCompletions } from './read.js';

/** The fields every form item of the document's example and of FastGPT's form type carries, and their types. */
const FORM_FIELD_TYPES: ReadonlyArray<readonly [string, 'string' | 'boolean']> = [
  ['label', 'string'],
  ['valueType', 'string'],
  ['required', 'boolean'],
];

// Could a legal server fail this? One whose form items leave out label, valueType or required: no text
// requires them, only the Form Input example and the digest's field list show them, so it warns. A
// client without valueType cannot tell a number field from a text one when it answers the form.
export const interactiveFormFields = onCompletions(
  defineRule({
    id: 'fastgpt.interactive.form-fields',
    title: "Each field of a userInput form carries label, valueType and required, as the document's form example does",
    severity: 'warn',
    basis: 'inferred',
    source: at('Response (Form Input: interactive userInput); digest: interactive payloads'),
    scopes: ['stream'],
    create: (_context, report) => ({
      frame(frame) {
        if (eventOf(frame) !== 'interactive' || !frame.json.ok || !isRecord(frame.json.value)) return;
        const node = frame.json.value['interactive'];
        if (!isRecord(node) || node['type'] !== 'userInput' || !isRecord(node['params'])) return;
        const form = node['params']['inputForm'];
        if (!Array.isArray(form)) return;
        for (const [index, item] of form.entries()) {
          if (!isRecord(item)) continue;
          for (const [field, type] of FORM_FIELD_TYPES) {
            if (typeof item[field] === type) continue;
            report({
              at: 'frame',
              frame,
              pointer: `/interactive/params/inputForm/${index}/${field}`,
              message: `the form field ${show(item['key'])} has no ${type} ${field}`,
              expected: `a ${type}`,
              actual: show(item[field]),
            });
          }
        }
      },
    }),
  }),
);
