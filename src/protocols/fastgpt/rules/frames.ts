/**
 * fastgpt rules on the stream, one frame at a time: served as an event stream, each payload JSON or
 * [DONE], answer chunks in the OpenAI chunk shape, detail events in theirs, under known names.
 */
import type { Frame } from '../../../core/exchange.js';
import { mediaType, frameSchemaRule, reportFrameProblems, statusRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at, eventOf, isChunkFrame, isDone, onCompletions } from './read.js';

/** Event names the document or FastGPT's code define; others are newer or foreign (a warning). */
export const KNOWN_EVENTS = new Set([
  'answer',
  'fastAnswer',
  'flowNodeStatus',
  'flowResponses',
  'flowNodeResponse',
  'toolCall',
  'toolParams',
  'toolResponse',
  'updateVariables',
  'interactive',
  'workflowDuration',
  'error',
]);

// ---- the stream ------------------------------------------------------------------------------

// Could a legal server fail this? None: FastGPT's own early error (one event: error frame under another
// Content-Type) is accepted.
export const streamContentType = defineRule({
  id: 'fastgpt.stream.content-type',
  title: 'A stream is served as text/event-stream; only an error before the stream may come otherwise, as exactly one event: error frame',
  severity: 'error',
  basis: 'doc',
  source: at('Response (stream) and, for the pre-stream error, the digest: errors (code)'),
  scopes: ['stream'],
  create: (_context, report) => {
    // A saved stream (validate) has no head: nothing to judge.
    let head: { contentType: string | undefined } | undefined;
    let frames = 0;
    let onlyError = true;
    return {
      response(response) {
        head = { contentType: response.headers['content-type'] };
      },
      frame(frame) {
        frames++;
        if (eventOf(frame) !== 'error') onlyError = false;
      },
      end(end) {
        if (head === undefined) return;
        const { contentType } = head;
        if (mediaType(contentType) === 'text/event-stream' || (frames === 1 && onlyError)) return;
        report({
          at: 'end',
          end,
          message: `Content-Type is ${contentType === undefined ? 'missing' : `"${contentType}"`} for a stream of ${frames} frame(s)`,
          expected: 'text/event-stream (or a single event: error frame)',
          actual: contentType ?? '(absent)',
        });
      },
    };
  },
});

export const streamStatus = statusRule(
  {
    id: 'fastgpt.stream.status',
    title: 'A stream opens with HTTP 200',
    severity: 'warn',
    basis: 'inferred',
    source: at('Response (stream examples)'),
    scopes: ['stream'],
  },
  [200],
);

// Could a legal server fail this? None: FastGPT writes JSON or [DONE] in every data: line.
export const framePayload = onCompletions(
  defineRule({
    id: 'fastgpt.frame.payload',
    title: 'Every data: payload is JSON or the literal [DONE]',
    severity: 'error',
    basis: 'doc',
    source: at('Response (detail=false, stream=true and detail=true, stream=true)'),
    scopes: ['stream'],
    create: (_context, report) => ({
      frame(frame) {
        if (frame.json.ok || isDone(frame) || hasEventSchema(frame)) return;
        report({ at: 'frame', frame, pointer: '', message: `the payload is neither JSON nor [DONE]: ${frame.json.error}`, expected: 'JSON or [DONE]' });
      },
    }),
  }),
);

// Could a legal server fail this? One sending OpenAI usage chunks with empty choices; FastGPT never does.
// FastGPT's empty id/object/model, delta.role, reasoning_content, content null and the unnamed
// workflowDuration frame all pass.
export const chunkShape = onCompletions(
  frameSchemaRule(
    {
      id: 'fastgpt.chunk.shape',
      title: 'Every answer chunk has the OpenAI chunk shape (schemas/fastgpt/chunk.schema.json)',
      severity: 'error',
      basis: 'doc',
      source: at('Response (stream examples); digest: chunks (code)'),
      scopes: ['stream'],
    },
    'https://chatwire.dev/schemas/fastgpt/chunk.json',
    { select: (frame) => isChunkFrame(frame) },
  ),
);

/** Keys of a delta whose strings are not the answer's words: OpenAI's and FastGPT's own. */
const NOT_WORDS = new Set(['role', 'reasoning_content', 'reasoning', 'refusal', 'name', 'id', 'type', 'tool_calls', 'function_call']);

// Could a legal server fail this? One whose words come only in a delta key of its own with none in
// content; no known server does. An answer with no words at all (an interactive node, an error, a
// reasoning model's thoughts alone) passes: only words sent elsewhere are reported.
export const chunkWords = onCompletions(
  defineRule({
    id: 'fastgpt.chunk.words',
    title: "An answer's words travel in each chunk's choices[].delta.content, where OpenAI clients read them, not only under another key",
    severity: 'error',
    basis: 'doc',
    source: at('Response (stream examples: choices[0].delta.content)'),
    scopes: ['stream'],
    create: (_context, report) => {
      let words = false;
      // The first words found elsewhere: one frame kept, reported only if content never has any.
      let elsewhere: { readonly frame: Frame; readonly pointer: string; readonly key: string } | undefined;
      return {
        frame(frame) {
          if (words || !isChunkFrame(frame) || !frame.json.ok || !isRecord(frame.json.value)) return;
          const choices = frame.json.value['choices'];
          if (!Array.isArray(choices)) return;
          for (const [index, choice] of choices.entries()) {
            const delta: unknown = isRecord(choice) ? choice['delta'] : undefined;
            if (!isRecord(delta)) continue;
            for (const [key, value] of Object.entries(delta)) {
              if (typeof value !== 'string' || value.trim() === '') continue;
              if (key === 'content') return void (words = true);
              if (!NOT_WORDS.has(key)) elsewhere ??= { frame, pointer: `/choices/${index}/delta/${key}`, key };
            }
          }
        },
        end() {
          if (words || elsewhere === undefined) return;
          report({
            at: 'frame',
            frame: elsewhere.frame,
            pointer: elsewhere.pointer,
            message: `the answer's words come in delta.${elsewhere.key}, and no chunk has any in delta.content: OpenAI clients show an empty answer`,
            expected: 'the words in choices[].delta.content',
          });
        },
      };
    },
  }),
);

const EVENT_SCHEMAS: Readonly<Record<string, string>> = {
  flowNodeStatus: 'flowNodeStatus',
  toolCall: 'toolEvent',
  toolParams: 'toolEvent',
  toolResponse: 'toolEvent',
  updateVariables: 'updateVariables',
  interactive: 'interactiveEvent',
  workflowDuration: 'workflowDuration',
  error: 'errorEvent',
  flowResponses: 'flowResponses',
  flowNodeResponse: 'flowNodeResponse',
};

/** A detail event with a documented payload: fastgpt.event.shape judges it, JSON or not (a refusal's error event too). */
function hasEventSchema(frame: Frame): boolean {
  const event = eventOf(frame);
  return event !== undefined && EVENT_SCHEMAS[event] !== undefined;
}

// Could a legal server fail this? None known: the schemas follow FastGPT's code (v4.11 to main) where it
// differs from the document.
export const eventShape = onCompletions(
  defineRule({
    id: 'fastgpt.event.shape',
    title: "Each detail event's payload has its documented shape (schemas/fastgpt/events.schema.json)",
    severity: 'error',
    basis: 'doc',
    source: at('Response (Event Values); digest: stream=true, detail=true (code)'),
    // A refusal in streaming mode is an error event: its shape is documented like any other.
    scopes: ['stream', 'refusal'],
    create: (_context, report) => ({
      frame(frame) {
        const event = eventOf(frame);
        const def = event === undefined ? undefined : EVENT_SCHEMAS[event];
        if (def === undefined) return;
        if (!frame.json.ok) {
          report({ at: 'frame', frame, pointer: '', message: `${event ?? ''}: the payload is not JSON: ${frame.json.error}`, expected: 'a JSON object' });
          return;
        }
        reportFrameProblems(report, frame, `https://chatwire.dev/schemas/fastgpt/events.json#/$defs/${def}`, frame.json.value, {
          messagePrefix: `${event ?? ''}: `,
        });
      },
    }),
  }),
);

export const eventKnown = onCompletions(
  defineRule({
    id: 'fastgpt.event.known',
    title: 'Event names are ones the document or FastGPT define (newer servers add chatTitle, plan…)',
    severity: 'warn',
    basis: 'inferred',
    source: at('Response (Event Values); digest: newer servers'),
    scopes: ['stream'],
    create: (_context, report) => {
      const reported = new Set<string>();
      return {
        frame(frame) {
          const event = eventOf(frame);
          if (event === undefined || KNOWN_EVENTS.has(event) || reported.has(event)) return;
          reported.add(event);
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: `event "${event}" is not one the document lists (newer FastGPT servers add some; clients must ignore them)`,
            expected: [...KNOWN_EVENTS].join(', '),
            actual: event,
          });
        },
      };
    },
  }),
);
