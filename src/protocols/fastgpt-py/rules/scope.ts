/**
 * fastgpt-py rules on sessions kept apart.
 */
import { assertedRule } from '../../../core/kit.js';
import { at } from './read.js';

export const sessionIsolated = assertedRule({
  id: 'fastgpt-py.session.isolated',
  title: "An answer carries nothing of another session's conversation",
  severity: 'error',
  security: true,
  basis: 'doc',
  source: at('请求参数 (sessionId: 会话 ID); digest: security'),
  // Checked by the suite's assertions on a case with two sessions.
});
