/**
 * How fastgpt frames and requests are read: document 004_2a3e4b61cfa92e1b.txt (FastGPT OpenAPI Chat API)
 * and the digest's fastgpt section. Shared by every fastgpt rule file.
 */
import { type Frame, eventName } from '../../../core/exchange.js';
import { requestPath } from '../../../core/kit.js';
import type { ExchangeContext, Rule, RuleSource } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';

export const DOC = '004_2a3e4b61cfa92e1b.txt';
export const at = (section: string): RuleSource => ({ doc: DOC, section });

export const DONE = '[DONE]';
export const COMPLETIONS = /\/api\/v[12]\/chat\/completions$/;
export const RECORDS = /\/api\/core\//;

export const pathOf = requestPath;

export const isCompletions = (context: ExchangeContext): boolean => COMPLETIONS.test(pathOf(context));

/** A plugin call: no messages, or none beside variables (the openai SDK's way); FastGPT refuses an empty list elsewhere. */
export function isPluginCall(body: Record<string, unknown>): boolean {
  const messages = body['messages'];
  return messages === undefined || (Array.isArray(messages) && messages.length === 0 && body['variables'] !== undefined);
}

/** detail=true, or a plugin call, for which FastGPT forces detail on. */
export function detailOf(context: ExchangeContext): boolean {
  const body = context.requestJson;
  return isRecord(body) && (body['detail'] === true || isPluginCall(body));
}

export const isDone = (frame: Frame): boolean => frame.type === 'sse' && frame.data.trim() === DONE;
export const eventOf = eventName;
/**
 * FastGPT versions whose workflow writer drops only a list of detail events (workflowDuration not
 * among them) write workflowDuration under detail=false unnamed: `data: {"durationSeconds": 1.2}`.
 * That frame is no chunk (fastgpt.plain.openai-frames warns about it), and no fault.
 */
function isUnnamedDuration(frame: Frame): boolean {
  return (
    eventOf(frame) === undefined && frame.json.ok && isRecord(frame.json.value) && 'durationSeconds' in frame.json.value && !('choices' in frame.json.value)
  );
}

/** An answer chunk: unnamed (detail=false) or answer / fastAnswer, and not [DONE]. */
export const isChunkFrame = (frame: Frame): boolean =>
  !isDone(frame) && !isUnnamedDuration(frame) && (eventOf(frame) === undefined || eventOf(frame) === 'answer' || eventOf(frame) === 'fastAnswer');

/** Only completions streams: the records calls never stream. */
export function onCompletions(rule: Rule): Rule {
  return { ...rule, create: (context, report) => (isCompletions(context) ? rule.create(context, report) : {}) };
}

/** A failure answered in the envelope ({code: 500, message}) instead of a completion. */
export function isErrorEnvelope(frame: Frame): boolean {
  if (!frame.json.ok || !isRecord(frame.json.value)) return false;
  const value = frame.json.value;
  return value['choices'] === undefined && value['code'] !== undefined && value['code'] !== 200 && typeof value['message'] === 'string';
}

/** The answer text a frame carries: a chunk's delta content (or reasoning), or a whole answer's message content. */
export function answerText(frame: Frame): string | undefined {
  if (!frame.json.ok || !isRecord(frame.json.value)) return undefined;
  const choices = frame.json.value['choices'];
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  if (!isRecord(first)) return undefined;
  const part = isRecord(first['delta']) ? first['delta'] : isRecord(first['message']) ? first['message'] : undefined;
  const content = part?.['content'] ?? part?.['reasoning_content'];
  if (typeof content === 'string') return content;
  // detail=true answers may carry content as an array of typed values; their text is enough here.
  return Array.isArray(content) ? JSON.stringify(content) : undefined;
}

/** A chat message's text: its content string, or the text parts of its content array joined. */
export function messageText(message: unknown): string | undefined {
  const content = isRecord(message) ? message['content'] : undefined;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  return content.map((part) => (isRecord(part) && typeof part['text'] === 'string' ? part['text'] : '')).join('');
}
