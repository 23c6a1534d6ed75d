/**
 * fastgpt rules on the client's request, judged by the mock.
 */
import { remember, requestJsonRule, requestKeyRule, requestSchemaByPathRule, setBounded } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { show } from '../../../core/engine.js';
import type { Rule } from '../../../core/rule.js';
import { at, COMPLETIONS, pathOf } from './read.js';

// ---- the client's request (judged by the mock) ------------------------------------------------

const bodyIsJson = requestJsonRule({
  id: 'fastgpt.request.json',
  title: 'A POST body is a JSON object',
  severity: 'error',
  basis: 'doc',
  source: at('Request (curl examples: JSON bodies)'),
  scopes: ['request'],
});

// A GET, or a DELETE without a body, carries its arguments in the query string.
export const requestJson: Rule = {
  ...bodyIsJson,
  create: (context, report) => {
    const { method, body } = context.request;
    return method === 'GET' || (method === 'DELETE' && (body === undefined || body === '')) ? {} : bodyIsJson.create(context, report);
  },
};

// Could a legal client fail this? None: every call of the document needs the app's key, sent as a bearer
// token ("This API requires an application-specific API key"; the Chat CRUD calls take any API key).
export const requestKey = requestKeyRule({
  id: 'fastgpt.request.key',
  title: 'Every call carries the API key as Authorization: Bearer <key>',
  severity: 'error',
  basis: 'doc',
  source: at('Start a Conversation (This API requires an application-specific API key; headers.Authorization: Bearer [apikey])'),
  scopes: ['request'],
});

/** Which request schema a POST path's body must match. */
export const REQUEST_SCHEMAS: ReadonlyArray<readonly [RegExp, string]> = [
  [COMPLETIONS, 'https://chatwire.dev/schemas/fastgpt/request.json'],
  [/\/history\/getHistories$/, 'https://chatwire.dev/schemas/fastgpt/records.json#/$defs/getHistoriesRequest'],
  [/\/history\/updateHistory$/, 'https://chatwire.dev/schemas/fastgpt/records.json#/$defs/updateHistoryRequest'],
  [/\/getPaginationRecords$/, 'https://chatwire.dev/schemas/fastgpt/records.json#/$defs/paginationRecordsRequest'],
  [/\/updateUserFeedback$/, 'https://chatwire.dev/schemas/fastgpt/records.json#/$defs/updateUserFeedbackRequest'],
  [/\/createQuestionGuide$/, 'https://chatwire.dev/schemas/fastgpt/records.json#/$defs/questionGuideRequest'],
];

export const requestShape = requestSchemaByPathRule(
  {
    id: 'fastgpt.request.shape',
    title: "A request body has that call's documented fields; a chat sends a non-empty messages array unless it calls a plugin",
    severity: 'error',
    basis: 'doc',
    source: at('Request (Parameters); Chat CRUD (Parameters)'),
    scopes: ['request'],
  },
  REQUEST_SCHEMAS,
);

/** How many chats, and item ids in each, the mock remembers: a mock serving for days stays bounded. */
const MAX_CHATS = 1_000;
const MAX_ITEM_IDS = 1_000;

/** The responseChatItemIds each chatId has used, oldest chat first. */
class ItemIds {
  readonly byChat = new Map<string, Set<string>>();
}

// Could a legal client fail this? None: "请确保,在当前chatId下,responseChatItemId是唯一的" (make sure it is
// unique under the current chatId). Judged across one client's requests to the mock, which remembers them.
export const requestItemId = defineRule({
  id: 'fastgpt.request.item-id',
  title: 'A responseChatItemId is used once within its chatId',
  severity: 'error',
  basis: 'doc',
  source: at('Request (Parameters: responseChatItemId, 在当前chatId下是唯一的)'),
  scopes: ['request'],
  create: (context, report) => ({
    end() {
      const body = context.requestJson;
      if (!isRecord(body) || !COMPLETIONS.test(pathOf(context))) return;
      const { chatId, responseChatItemId: itemId } = body;
      if (typeof chatId !== 'string' || chatId === '' || typeof itemId !== 'string' || itemId === '') return;
      const ids = remember(
        context,
        'fastgpt.request.item-id',
        () => new ItemIds(),
        (value) => value instanceof ItemIds,
      );
      let used = ids.byChat.get(chatId);
      if (used?.has(itemId) === true) {
        report({
          at: 'request',
          pointer: '/responseChatItemId',
          message: `responseChatItemId ${show(itemId)} was already used in chat ${show(chatId)}: the answer would take an existing item's id`,
          expected: 'an id this chatId has not used',
          actual: show(itemId),
        });
        return;
      }
      if (used === undefined) setBounded(ids.byChat, chatId, (used = new Set()), MAX_CHATS);
      if (used.size < MAX_ITEM_IDS) used.add(itemId);
    },
  }),
});
