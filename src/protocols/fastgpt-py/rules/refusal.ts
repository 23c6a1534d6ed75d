/**
 * fastgpt-py rules on refusals: a request without its required fields is refused, and leaves no trace.
 */
import { show } from '../../../core/engine.js';
import { frameText } from '../../../core/exchange.js';
import { assertedRule, refusalRule } from '../../../core/kit.js';
import { at, eventOf, payload } from './read.js';

export const refusalNoEffect = assertedRule({
  id: 'fastgpt-py.refusal.no-effect',
  title: 'A refused request leaves no trace: its text is not part of its session afterwards',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数 (必填: a request without them is refused, not processed)'),
  // Checked by the suite's assertions on the turn after a refusal.
});

// Could a legal server fail this? None with the suite's refusal cases (legalServers in
// suites/fastgpt-py.json): a 4xx, an error event, or a JSON error body all count.
export const inputRefused = refusalRule(
  {
    id: 'fastgpt-py.input.refused',
    title: 'A request without sessionId, timeStamp or a string text, or not JSON, is refused (HTTP 4xx or an error answer)',
    severity: 'error',
    basis: 'doc',
    source: at('请求参数 (必填: 是)'),
  },
  {
    status: (status) => status >= 400 && status < 500,
    refuses: (frame) => {
      const data = payload(frame);
      // The document has no error body: FastAPI's {"detail"}, or any {code | error | msg | message} without an answer's text, refuses.
      return (
        eventOf(frame) === 'error' ||
        (frame.type === 'body' && data !== undefined && ['detail', 'code', 'error', 'msg', 'message'].some((key) => key in data) && !('text' in data))
      );
    },
    delivers: (frame) => {
      const data = payload(frame);
      return eventOf(frame) === 'text_delta' || (frame.type === 'body' && typeof data?.['text'] === 'string') ? show(frameText(frame)) : undefined;
    },
    expected: 'HTTP 4xx (e.g. 422), or an error event or body',
  },
);
