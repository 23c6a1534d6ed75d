/**
 * fastgpt rules on the chat-records calls (/api/core/…): the {code, statusText, message, data} envelope,
 * each call's data, and changes visible in the next read.
 */
import { show } from '../../../core/engine.js';
import type { Frame } from '../../../core/exchange.js';
import { assertedRule, frameSchemaRule, reportFrameProblems } from '../../../core/kit.js';
import { defineRule, type ExchangeContext, type Rule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at, pathOf, RECORDS } from './read.js';
import { authFailure } from './refusal.js';

// ---- chat records ----------------------------------------------------------------------------

const isRecords = (context: ExchangeContext): boolean => RECORDS.test(pathOf(context));

/** Which $defs entry the success data of a records call matches, by path. */
export const RECORDS_DATA: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/history\/getHistories$/, 'getHistoriesData'],
  [/\/chat\/init$/, 'initData'],
  [/\/getPaginationRecords$/, 'paginationRecordsData'],
  [/\/getResData$/, 'resData'],
  [/\/createQuestionGuide$/, 'questionGuideData'],
  [/\/(updateHistory|delHistory|clearHistories|item\/delete|updateUserFeedback)$/, 'emptyData'],
];

function onRecords(rule: Rule): Rule {
  return { ...rule, create: (context, report) => (isRecords(context) ? rule.create(context, report) : {}) };
}

// Could a legal server fail this? None: FastGPT's jsonRes always writes code, statusText, message and data.
export const recordsEnvelope = onRecords(
  frameSchemaRule(
    {
      id: 'fastgpt.records.envelope',
      title: 'Every chat-records answer is the {code, statusText, message, data} envelope with a numeric code',
      severity: 'error',
      basis: 'doc',
      source: at('Chat CRUD (every Response Example)'),
      scopes: ['answer', 'refusal'],
    },
    'https://chatwire.dev/schemas/fastgpt/records.json',
  ),
);

function envelopeCode(frame: Frame): unknown {
  return frame.json.ok && isRecord(frame.json.value) ? frame.json.value['code'] : undefined;
}

// Could a legal server fail this? A real deployment whose model is missing (createQuestionGuide then fails):
// that is a broken deployment, and the message says so.
export const recordsSuccess = onRecords(
  defineRule({
    id: 'fastgpt.records.success',
    title: 'A valid chat-records call answers code 200',
    severity: 'error',
    basis: 'doc',
    source: at('Chat CRUD (Response Examples: code 200)'),
    scopes: ['answer'],
    create: (context, report) => ({
      frame(frame) {
        const code = envelopeCode(frame);
        if (code === 200 || code === '200' || !frame.json.ok) return; // a string "200" is records.envelope's finding
        // Live traffic: a refusal as unauthorised answers the client's key, which may well be wrong.
        if (context.live === true && authFailure(frame) !== undefined) return;
        const message = frame.json.ok && isRecord(frame.json.value) ? frame.json.value['message'] : undefined;
        report({ at: 'frame', frame, pointer: '/code', message: `the call failed: ${show(message)}`, expected: '200', actual: show(code) });
      },
    }),
  }),
);

// Could a legal server fail this? None known: the data schemas require only what the document and FastGPT's
// code both return (chatId, dataId, obj, value).
export const recordsData = onRecords(
  defineRule({
    id: 'fastgpt.records.data',
    title: "A successful chat-records call's data has that call's documented shape (schemas/fastgpt/records.schema.json)",
    severity: 'error',
    basis: 'doc',
    source: at('Chat CRUD (Response Examples)'),
    scopes: ['answer'],
    create: (context, report) => {
      const def = RECORDS_DATA.find(([pattern]) => pattern.test(pathOf(context)))?.[1];
      return {
        frame(frame) {
          if (def === undefined || envelopeCode(frame) !== 200 || !frame.json.ok || !isRecord(frame.json.value)) return;
          reportFrameProblems(report, frame, `https://chatwire.dev/schemas/fastgpt/records.json#/$defs/${def}`, frame.json.value['data'], {
            pointerPrefix: '/data',
          });
        },
      };
    },
  }),
);

export const recordsEffect = assertedRule({
  id: 'fastgpt.records.effect',
  title: 'A change made through the chat-records calls (rename, pin, feedback, delete, clear) is visible in the next read',
  severity: 'error',
  basis: 'doc',
  source: at('Chat CRUD (each call says what it changes)'),
  // Checked by the suite's assertions, which report under this rule.
});

// Could a legal server fail this? None known: FastGPT answers success with HTTP 200 in every version (its
// failures come as HTTP 500 with a non-200 code). A client's fetch treats a 5xx as failed whatever the body.
export const recordsSuccessStatus = onRecords(
  defineRule({
    id: 'fastgpt.records.status',
    title: 'A chat-records answer with code 200 comes with an HTTP 2xx status',
    severity: 'warn',
    basis: 'inferred',
    source: at('Chat CRUD (Response Examples: code 200); digest: auth failures come with HTTP 500'),
    scopes: ['answer'],
    create: (_context, report) => {
      let status: number | undefined;
      return {
        response(head) {
          status = head.status;
        },
        frame(frame) {
          if (status === undefined || (status >= 200 && status < 300) || envelopeCode(frame) !== 200) return;
          report({
            at: 'frame',
            frame,
            pointer: '/code',
            message: `a successful envelope came with HTTP ${status}`,
            expected: 'HTTP 2xx',
            actual: `HTTP ${status}`,
          });
        },
      };
    },
  }),
);
