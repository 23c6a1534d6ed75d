/**
 * fastgpt rules on what belongs to which mode: with detail=true every frame is named and a
 * non-streaming answer carries responseData; with detail=false frames are plain OpenAI chunks, no
 * detail event reaches the client, and the answer has no detail fields.
 */
import { show } from '../../../core/engine.js';
import { eventName } from '../../../core/exchange.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at, detailOf, eventOf, isCompletions, isDone, isErrorEnvelope, onCompletions } from './read.js';

// Could a legal server fail this? None: FastGPT names every frame when detail=true, [DONE] included.
export const detailNamed = onCompletions(
  defineRule({
    id: 'fastgpt.detail.named',
    title: 'With detail=true every frame carries an event name (answer, flowNodeStatus, …), [DONE] included',
    severity: 'error',
    basis: 'doc',
    source: at('Request (detail: stream模式下会通过event进行区分)'),
    scopes: ['stream'],
    create: (context, report) => ({
      frame(frame) {
        if (!detailOf(context) || eventOf(frame) !== undefined || frame.type !== 'sse') return;
        report({
          at: 'frame',
          frame,
          pointer: '',
          message: 'a detail=true frame has no event: line',
          expected: 'event: answer (or another event name)',
          actual: '(no event: line)',
        });
      },
    }),
  }),
);

export const plainOpenAiFrames = onCompletions(
  defineRule({
    id: 'fastgpt.plain.openai-frames',
    title: 'With detail=false every frame is an unnamed chat chunk, as OpenAI clients read them',
    severity: 'warn',
    basis: 'inferred',
    source: at('Request Chat Agent and Workflow (compatible with the GPT interface); digest: newer servers send chatTitle here'),
    scopes: ['stream'],
    create: (context, report) => {
      let doneSeen = false;
      return {
        frame(frame) {
          if (detailOf(context) || frame.type !== 'sse') return;
          if (isDone(frame)) {
            doneSeen = true;
            return;
          }
          const event = eventOf(frame);
          if (event === 'error') return;
          const hasChoices = frame.json.ok && isRecord(frame.json.value) && Array.isArray(frame.json.value['choices']);
          if (event === undefined && hasChoices) return;
          const what = event === undefined ? 'a frame without choices' : `a frame named "${event}"${doneSeen ? ' after [DONE]' : ''}`;
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: `${what} with detail=false: chunk.choices[0] breaks the usual OpenAI consumer`,
            expected: 'an unnamed chunk with choices',
          });
        },
      };
    },
  }),
);

/**
 * Events FastGPT's workflow writer drops when detail=false (its detailEvent list) or never names
 * there. answer and fastAnswer named under detail=false are only fastgpt.plain.openai-frames'
 * warning: OpenAI clients still read them.
 */
const DETAIL_ONLY = new Set([
  'flowNodeStatus',
  'flowResponses',
  'flowNodeResponse',
  'interactive',
  'toolCall',
  'toolParams',
  'toolResponse',
  'updateVariables',
  'workflowDuration',
]);

// Could a legal server fail this? Real FastGPT drops these events under detail=false (getWorkflowResponseWrite),
// and newer names (chatTitle, plan…) are not in the list: they stay warnings.
export const plainNoDetailEvents = defineRule({
  id: 'fastgpt.plain.no-detail-events',
  title: 'With detail=false no detail event (flowNodeStatus, flowResponses, interactive, tool*, updateVariables, workflowDuration) reaches the client',
  severity: 'error',
  basis: 'doc',
  source: at('Request (detail: 是否返回中间值; stream模式下会通过event进行区分); digest: stream=true, detail=false (code)'),
  scopes: ['stream'],
  create: (context, report) => {
    const reported = new Set<string>();
    const judged = isCompletions(context) && !detailOf(context);
    return {
      frame(frame) {
        const event = eventName(frame);
        if (!judged || event === undefined || !DETAIL_ONLY.has(event) || reported.has(event)) return;
        reported.add(event);
        report({
          at: 'frame',
          frame,
          pointer: '',
          message: `a "${event}" event with detail=false`,
          expected: 'only unnamed chunks and [DONE] (detail events need detail=true)',
          actual: `event: ${event}`,
        });
      },
    };
  },
});

// Could a legal server fail this? None: FastGPT adds responseData whenever detail is on (forced on for
// plugins).
export const answerDetail = onCompletions(
  defineRule({
    id: 'fastgpt.answer.detail',
    title: 'With detail=true a non-streaming answer carries responseData (an array of node results)',
    severity: 'error',
    basis: 'doc',
    source: at('Request (detail: 非stream模式结果保存在responseData中)'),
    scopes: ['answer'],
    create: (context, report) => ({
      frame(frame) {
        if (!detailOf(context) || isErrorEnvelope(frame) || !frame.json.ok || !isRecord(frame.json.value) || Array.isArray(frame.json.value['responseData']))
          return;
        report({
          at: 'frame',
          frame,
          pointer: '/responseData',
          message: 'responseData is missing with detail=true',
          expected: 'an array of node results',
          actual: show(frame.json.value['responseData']),
        });
      },
    }),
  }),
);

/** The content of a non-streaming answer's first choice. */
function messageContent(value: Record<string, unknown>): unknown {
  const choices = value['choices'];
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  const message = isRecord(first) ? first['message'] : undefined;
  return isRecord(message) ? message['content'] : undefined;
}

// Could a legal server fail this? None: FastGPT adds responseData and newVariables, and the array form of
// content, only when detail is on; otherwise it joins the answer's texts into one string.
export const answerPlain = defineRule({
  id: 'fastgpt.answer.plain',
  title: 'With detail=false a non-streaming answer carries no responseData or newVariables, and its content is a string',
  severity: 'error',
  basis: 'doc',
  source: at('Request (detail: 非stream模式结果保存在responseData中); digest: non-stream answer (code: only with detail)'),
  scopes: ['answer'],
  create: (context, report) => ({
    frame(frame) {
      if (!isCompletions(context) || detailOf(context) || !frame.json.ok || !isRecord(frame.json.value)) return;
      const value = frame.json.value;
      const extra = ['responseData', 'newVariables'].filter((key) => value[key] !== undefined);
      if (extra.length > 0)
        report({
          at: 'frame',
          frame,
          pointer: `/${extra[0] ?? ''}`,
          message: `${extra.join(' and ')} with detail=false`,
          expected: 'no detail fields (they need detail=true)',
          actual: show(extra),
        });
      const content = messageContent(value);
      if (Array.isArray(content))
        report({
          at: 'frame',
          frame,
          pointer: '/choices/0/message/content',
          message: 'content is the typed array of detail=true',
          expected: 'a string',
          actual: show(content),
        });
    },
  }),
});
