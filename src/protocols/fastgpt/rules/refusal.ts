/**
 * fastgpt rules on refusals: a call without a valid key, or with input the document rules out, is
 * refused and changes nothing; a call with the key given is not refused as unauthorised.
 */
import { show } from '../../../core/engine.js';
import type { Frame } from '../../../core/exchange.js';
import { assertedRule, refusalRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { CHECK_TOKEN } from '../../../transports/http/rules.js';
import { at, eventOf } from './read.js';

// ---- refusals --------------------------------------------------------------------------------

/** What a call that must be refused delivered anyway: a completion, or data beside its envelope code. */
function deliveredData(frame: Frame): string | undefined {
  if (!frame.json.ok || !isRecord(frame.json.value)) return undefined;
  const value = frame.json.value;
  const code = value['code'];
  const data = value['data'];
  if (Array.isArray(value['choices'])) return `an answer: ${show(value['choices'])}`;
  if (code !== undefined && data !== undefined && data !== null) return `data ${show(data)} with code ${show(code)}`;
  return undefined;
}

// Could a legal server fail this? None: any HTTP status counts, since FastGPT answers auth failures with HTTP
// 500; only delivered data or no refusal at all fails.
export const requestRefused = refusalRule(
  {
    id: 'fastgpt.request.refused',
    title: 'A call without a valid key, or with input the document rules out, is refused and delivers no data, whatever the HTTP status',
    severity: 'error',
    basis: 'doc',
    source: at('Start a Conversation (requires an application-specific API key); Chat CRUD; digest: auth (code)'),
  },
  {
    // FastGPT answers auth failures with HTTP 500 (v4.11–v4.14), so any 4xx/5xx counts.
    status: (status) => status >= 400,
    refuses: (frame) => {
      if (eventOf(frame) === 'error') return true;
      const code = frame.json.ok && isRecord(frame.json.value) ? frame.json.value['code'] : undefined;
      return code !== undefined && code !== 200 && code !== '200';
    },
    delivers: deliveredData,
    expected: 'a refusal: envelope code other than 200 with no data, an error event, or HTTP 4xx/5xx',
  },
);

/** FastGPT's auth failures: envelope codes and status texts (packages/global/common/error/code). */
const AUTH_CODES: ReadonlySet<unknown> = new Set([403, 514, '403', '514']);
const AUTH_TEXTS = new Set(['unAuthorization', 'unAuthApiKey']);

export function authFailure(frame: Frame): string | undefined {
  if (!frame.json.ok || !isRecord(frame.json.value)) return undefined;
  const { code, statusText } = frame.json.value;
  if (AUTH_CODES.has(code) || (typeof statusText === 'string' && AUTH_TEXTS.has(statusText))) return `code ${show(code)}, ${show(statusText)}`;
  return undefined;
}

// Could a legal server fail this? Only by refusing the key the run was given, whatever its HTTP status
// (FastGPT v4.11–v4.14 answers auth failures with HTTP 500 and the envelope, in an early event: error when streaming).
export const authAccepted = defineRule({
  id: 'fastgpt.auth.accepted',
  title: 'A valid call with the API key given is not refused as unauthorised (envelope code 403 / 514)',
  severity: 'error',
  basis: 'doc',
  source: at('Start a Conversation (application-specific API key); digest: auth (code)'),
  scopes: ['stream', 'answer'],
  create: (context, report) => {
    // Live traffic: the key is the client's, and may well be wrong.
    let reported = context.live === true;
    return {
      frame(frame) {
        const failure = reported ? undefined : authFailure(frame);
        if (failure === undefined) return;
        reported = true;
        report({
          at: 'frame',
          frame,
          pointer: '/code',
          message: `a valid call was refused as unauthorised (${failure})`,
          expected: 'an answer',
          actual: show(frame.json.ok ? frame.json.value : undefined),
          misconfiguration: CHECK_TOKEN,
        });
      },
    };
  },
});

export const refusalNoEffect = assertedRule({
  id: 'fastgpt.refusal.no-effect',
  title: 'A refused call changes nothing: a delete or rename without a valid key leaves the chat as it was',
  severity: 'error',
  basis: 'doc',
  source: at('Chat CRUD (called with an API key); digest: security'),
  // Checked by the suite's assertions: the next read with the right key.
});
