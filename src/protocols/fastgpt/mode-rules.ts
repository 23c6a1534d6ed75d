/**
 * fastgpt rules about what belongs to which mode and scope: detail events kept out of detail=false,
 * the stream closed after [DONE], an answered interactive node not asked again, chats kept apart.
 * Document 004_2a3e4b61cfa92e1b.txt and FastGPT's code (the digest's fastgpt section).
 */
import { show } from '../../core/engine.js';
import { eventName, type Frame } from '../../core/exchange.js';
import { assertedRule, closedAfterRule } from '../../core/kit.js';
import { defineRule, type ExchangeContext, type Rule, type RuleSource } from '../../core/rule.js';
import { isRecord } from '../../core/schemas.js';
import { CHECK_TOKEN } from '../../transports/http/rules.js';

const DOC = '004_2a3e4b61cfa92e1b.txt';
const at = (section: string): RuleSource => ({ doc: DOC, section });
const COMPLETIONS = /\/api\/v[12]\/chat\/completions$/;

function onCompletions(context: ExchangeContext): boolean {
  return COMPLETIONS.test(new URL(context.request.url, 'http://request.invalid').pathname);
}

/** detail=true, or a plugin call (no messages), for which FastGPT forces detail on. */
function detailOf(context: ExchangeContext): boolean {
  const body = context.requestJson;
  return isRecord(body) && (body['detail'] === true || body['messages'] === undefined);
}

export const isDone = (frame: Frame): boolean => frame.type === 'sse' && frame.data.trim() === '[DONE]';

/**
 * Events FastGPT's workflow writer drops when detail=false (its detailEvent list) or never names
 * there. answer and fastAnswer named under detail=false are only fastgpt.plain.openai-frames'
 * warning: OpenAI clients still read them.
 */
const DETAIL_ONLY = new Set(['flowNodeStatus', 'flowResponses', 'flowNodeResponse', 'interactive', 'toolCall', 'toolParams', 'toolResponse', 'updateVariables', 'workflowDuration']);

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
    const judged = onCompletions(context) && !detailOf(context);
    return {
      frame(frame) {
        const event = eventName(frame);
        if (!judged || event === undefined || !DETAIL_ONLY.has(event) || reported.has(event)) return;
        reported.add(event);
        report({ at: 'frame', frame, pointer: '', message: `a "${event}" event with detail=false`, expected: 'only unnamed chunks and [DONE] (detail events need detail=true)', actual: `event: ${event}` });
      },
    };
  },
});

// Could a legal server fail this? FastGPT calls res.end() right after [DONE] and flowResponses; a
// server still open after the grace (1 s by default, --close-grace) never ends its answer.
export const closeAfterDone = closedAfterRule(
  {
    id: 'fastgpt.close.after-done',
    title: 'The server ends the stream once [DONE] (and, in v4.11–v4.14, flowResponses after it) is sent',
    severity: 'error',
    basis: 'doc',
    source: at('Response (stream examples end with [DONE]); digest: flowResponses after [DONE] in v4.11–v4.14'),
    scopes: ['stream'],
  },
  (frame, context) => onCompletions(context) && isDone(frame),
  '[DONE]',
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
      if (!onCompletions(context) || detailOf(context) || !frame.json.ok || !isRecord(frame.json.value)) return;
      const value = frame.json.value;
      const extra = ['responseData', 'newVariables'].filter((key) => value[key] !== undefined);
      if (extra.length > 0) report({ at: 'frame', frame, pointer: `/${extra[0] ?? ''}`, message: `${extra.join(' and ')} with detail=false`, expected: 'no detail fields (they need detail=true)', actual: show(extra) });
      const content = messageContent(value);
      if (Array.isArray(content)) report({ at: 'frame', frame, pointer: '/choices/0/message/content', message: 'content is the typed array of detail=true', expected: 'a string', actual: show(content) });
    },
  }),
});

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
  basis: 'doc',
  source: at('Request (chatId: 历史记录 of that chat); Chat CRUD (getPaginationRecords of one chatId); digest: security'),
  // Checked by the suite's assertions on a case with two chats.
});

/** FastGPT's auth failures: envelope codes and status texts (packages/global/common/error/code). */
const AUTH_CODES: ReadonlySet<unknown> = new Set([403, 514, '403', '514']);
const AUTH_TEXTS = new Set(['unAuthorization', 'unAuthApiKey']);

function authFailure(frame: Frame): string | undefined {
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
  create: (_context, report) => {
    let reported = false;
    return {
      frame(frame) {
        const failure = reported ? undefined : authFailure(frame);
        if (failure === undefined) return;
        reported = true;
        report({ at: 'frame', frame, pointer: '/code', message: `a valid call was refused as unauthorised (${failure})`, expected: 'an answer', actual: show(frame.json.ok ? frame.json.value : undefined), misconfiguration: CHECK_TOKEN });
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

export const fastgptModeRules: readonly Rule[] = [plainNoDetailEvents, closeAfterDone, answerPlain, interactiveResumed, chatIsolated, authAccepted, refusalNoEffect];
