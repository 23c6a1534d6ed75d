/**
 * How a client answers an interactive node it was stopped at (document 004_2a3e4b61cfa92e1b.txt,
 * "Continue Interactive Node"): a userSelect with the chosen option's value, a userInput form with a
 * JSON string of {formKey: value}. Judged where the node is known: the mock remembers the nodes its
 * chats wait at, in the memory the request rules share.
 */
import { show } from '../../../core/engine.js';
import { keptIn, setBounded } from '../../../core/kit.js';
import type { ExchangeContext } from '../../../core/rule.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at, COMPLETIONS, messageText, pathOf } from './read.js';

/** What a chat's next message must be: one of these values, or a form with these fields. */
export type AwaitedReply =
  | { readonly type: 'userSelect'; readonly options: ReadonlyArray<{ readonly key: unknown; readonly value: unknown }> }
  | { readonly type: 'userInput'; readonly fields: ReadonlyArray<{ readonly key: string; readonly required: boolean; readonly valueType: unknown }> };

/** The latest chats a mock remembers a waiting node of: a mock serving for days stays bounded. */
const MAX_CHATS = 1_000;
const KEY = 'fastgpt.interactive.awaited';

/** The interactive nodes chats wait at, by chatId. */
export class AwaitedReplies {
  readonly #byChat = new Map<string, AwaitedReply>();

  /** The chat stopped at this node (an interactive payload as the server sends it); anything else settles it. */
  expect(chatId: string, node: unknown): void {
    this.#byChat.delete(chatId);
    const awaited = awaitedOf(node);
    if (awaited !== undefined) setBounded(this.#byChat, chatId, awaited, MAX_CHATS);
  }

  settle(chatId: string): void {
    this.#byChat.delete(chatId);
  }

  get(chatId: string): AwaitedReply | undefined {
    return this.#byChat.get(chatId);
  }
}

/** The replies awaited in a memory the request rules read (the mock's protocol state). */
export function awaitedReplies(memory: Map<string, unknown>): AwaitedReplies {
  return keptIn(
    memory,
    KEY,
    () => new AwaitedReplies(),
    (value) => value instanceof AwaitedReplies,
  );
}

function awaitedOf(node: unknown): AwaitedReply | undefined {
  if (!isRecord(node)) return undefined;
  if (node['type'] === 'userSelect' && Array.isArray(node['userSelectOptions'])) {
    return { type: 'userSelect', options: node['userSelectOptions'].filter(isRecord).map((option) => ({ key: option['key'], value: option['value'] })) };
  }
  if (node['type'] === 'userInput' && Array.isArray(node['inputForm'])) {
    const fields = node['inputForm'].filter(isRecord).flatMap((field) => {
      const key = field['key'];
      return typeof key === 'string' ? [{ key, required: field['required'] === true, valueType: field['valueType'] }] : [];
    });
    return { type: 'userInput', fields };
  }
  return undefined;
}

/** The text of a chat's last message, and its pointer. */
function lastMessage(body: Record<string, unknown>): { readonly text: string; readonly pointer: string } | undefined {
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const index = messages.length - 1;
  const text = messageText(messages[index]);
  return text === undefined ? undefined : { text, pointer: `/messages/${index}/content` };
}

const TYPE_OF: Readonly<Record<string, (value: unknown) => boolean>> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  boolean: (value) => typeof value === 'boolean',
};

/** What is wrong with a form's reply, or undefined when it fills the form. */
function formProblem(text: string, fields: Extract<AwaitedReply, { type: 'userInput' }>['fields']): { message: string; expected: string } | undefined {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    values = undefined;
  }
  const keys = fields.map((field) => field.key);
  if (!isRecord(values)) return { message: 'the reply to the form is not a JSON object of its fields', expected: `a JSON string of {${keys.join(', ')}}` };
  const missing = fields.find((field) => field.required && (values[field.key] === undefined || values[field.key] === ''));
  if (missing !== undefined)
    return { message: `the reply to the form leaves out the required field ${show(missing.key)}`, expected: `a value for ${show(missing.key)}` };
  for (const field of fields) {
    const value = values[field.key];
    const fits = typeof field.valueType === 'string' ? (field.valueType.startsWith('array') ? Array.isArray : TYPE_OF[field.valueType]) : undefined;
    if (value !== undefined && fits !== undefined && !fits(value))
      return {
        message: `the form's field ${show(field.key)} is not of its valueType ${show(field.valueType)}`,
        expected: `a ${String(field.valueType)} for ${show(field.key)}`,
      };
  }
  return undefined;
}

// Could a legal client fail this? None: the document's continuation sends the selected option's value
// ("simply pass the selected value"), or the form serialised as a JSON string of its keys.
export const requestInteractiveReply = defineRule({
  id: 'fastgpt.request.interactive-reply',
  title: "A chat stopped at an interactive node is continued with one of its options' values, or its form as a JSON string of its fields",
  severity: 'error',
  basis: 'doc',
  source: at('Continue Interactive Node (the selected option value; the form input serialised as a JSON string)'),
  scopes: ['request'],
  create: (context: ExchangeContext, report) => ({
    end() {
      const body = context.requestJson;
      const memory = context.memory;
      if (memory === undefined || !isRecord(body) || !COMPLETIONS.test(pathOf(context))) return;
      const chatId = body['chatId'];
      const awaited = typeof chatId === 'string' ? awaitedReplies(memory).get(chatId) : undefined;
      const reply = lastMessage(body);
      if (awaited === undefined || reply === undefined) return;
      if (awaited.type === 'userSelect') {
        const values = awaited.options.map((option) => String(option.value));
        if (values.includes(reply.text)) return;
        const byKey = awaited.options.find((option) => String(option.key) === reply.text);
        report({
          at: 'request',
          pointer: reply.pointer,
          message:
            byKey === undefined
              ? "the reply to the userSelect node is none of its options' values"
              : `the reply to the userSelect node is an option's key; send its value ${show(byKey.value)}`,
          expected: show(values),
          actual: show(reply.text),
        });
        return;
      }
      const problem = formProblem(reply.text, awaited.fields);
      if (problem !== undefined) report({ at: 'request', pointer: reply.pointer, ...problem, actual: show(reply.text) });
    },
  }),
});
