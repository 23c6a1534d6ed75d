/**
 * fastgpt rules on what carries over between calls: an answered interactive node is not asked again,
 * and chats are kept apart.
 */
import { assertedRule } from '../../../core/kit.js';
import { at } from './read.js';

export const interactiveResumed = assertedRule({
  id: 'fastgpt.interactive.resumed',
  title: 'Answering an interactive node on its chatId continues the workflow: the answered node is not asked again',
  severity: 'error',
  basis: 'doc',
  source: at('Continue Interactive Node (同一个 chatId, the last message is the answer)'),
  // Checked by the suite's assertions on the interactive cases.
});

export const chatIsolated = assertedRule({
  id: 'fastgpt.chat.isolated',
  title: "A chat's answers and records carry nothing of another chat",
  severity: 'error',
  security: true,
  basis: 'doc',
  source: at('Request (chatId: 历史记录 of that chat); Chat CRUD (getPaginationRecords of one chatId); digest: security'),
  // Checked by the suite's assertions on a case with two chats.
});
