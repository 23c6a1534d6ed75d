/**
 * fastgpt rules on the order of a stream's frames: one stop chunk, then [DONE] (unless an error event
 * ends the stream), at most flowResponses after it, flowResponses once, and the server closing then.
 */
import { show } from '../../../core/engine.js';
import { type Frame, frameText } from '../../../core/exchange.js';
import { closedAfterRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at, detailOf, eventOf, isChunkFrame, isCompletions, isDone, onCompletions } from './read.js';

function finishReason(frame: Frame): unknown {
  if (!frame.json.ok || !isRecord(frame.json.value)) return undefined;
  const choices = frame.json.value['choices'];
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  return isRecord(first) ? first['finish_reason'] : undefined;
}

/**
 * A chunk that ends the answer: finish_reason set. "" is not a reason: some OpenAI-compatible servers
 * send it where null belongs, and a client testing `if (finish_reason)` never sees it as the end.
 */
function isStopChunk(frame: Frame): boolean {
  if (!isChunkFrame(frame)) return false;
  const reason = finishReason(frame);
  return reason !== null && reason !== undefined && reason !== '';
}

/**
 * Tracks the terminal frames of a completions stream, for the rules about its end. A class: object
 * literals with getters get a hidden class each, which makes every frame's call megamorphic.
 */
class StreamEnding {
  #doneAt: number | undefined;
  #errorAt: number | undefined;

  see(frame: Frame): void {
    if (this.#errorAt === undefined && eventOf(frame) === 'error') this.#errorAt = frame.index;
    if (this.#doneAt === undefined && isDone(frame)) this.#doneAt = frame.index;
  }

  get doneAt(): number | undefined {
    return this.#doneAt;
  }

  get errorAt(): number | undefined {
    return this.#errorAt;
  }
}

// Could a legal server fail this? None: a stream ended by an error event needs no [DONE], as in FastGPT's
// code.
export const donePresent = onCompletions(
  defineRule({
    id: 'fastgpt.done.present',
    title: 'A stream that does not end in an error event ends with data: [DONE]',
    severity: 'error',
    basis: 'doc',
    source: at('Response (stream examples end with [DONE])'),
    scopes: ['stream'],
    create: (_context, report) => {
      const ending = new StreamEnding();
      let frames = 0;
      return {
        frame(frame) {
          frames++;
          ending.see(frame);
        },
        end(end) {
          if (ending.doneAt !== undefined || ending.errorAt !== undefined) return;
          report({
            at: 'end',
            end,
            message: `the stream ended (${end.type}) after ${frames} frame(s) without [DONE]`,
            expected: 'data: [DONE]',
            actual: 'none',
          });
        },
      };
    },
  }),
);

export const doneEvent = onCompletions(
  defineRule({
    id: 'fastgpt.done.event',
    title: '[DONE] is unnamed with detail=false and comes as event: answer with detail=true',
    severity: 'warn',
    basis: 'doc',
    source: at('Response (detail=false and detail=true stream examples)'),
    scopes: ['stream'],
    create: (context, report) => ({
      frame(frame) {
        if (!isDone(frame)) return;
        const expected = detailOf(context) ? 'answer' : undefined;
        const event = eventOf(frame);
        if (event === expected || (expected === 'answer' && event === undefined)) return; // an unnamed one under detail: detail.named reports it
        report({
          at: 'frame',
          frame,
          pointer: '',
          message: `[DONE] has event ${show(event)}`,
          expected: expected === undefined ? 'no event: line' : 'event: answer',
          actual: event ?? '(none)',
        });
      },
    }),
  }),
);

// Could a legal server fail this? None: FastGPT writes the stop chunk after every workflow, an interactive
// stop included. finish_reason "" on every chunk is no stop; "" before a real one passes.
export const stopPresent = onCompletions(
  defineRule({
    id: 'fastgpt.stop.present',
    title: 'A chunk with finish_reason set (the stop chunk) comes before [DONE]',
    severity: 'error',
    basis: 'doc',
    source: at('Response (detail=true stream example: finish_reason "stop" before [DONE])'),
    scopes: ['stream'],
    create: (_context, report) => {
      let stopSeen = false;
      let emptySeen = false;
      let reported = false;
      return {
        frame(frame) {
          if (isStopChunk(frame)) stopSeen = true;
          else if (isChunkFrame(frame) && finishReason(frame) === '') emptySeen = true;
          if (isDone(frame) && !stopSeen && !reported) {
            reported = true;
            report({
              at: 'frame',
              frame,
              pointer: '',
              message: emptySeen
                ? '[DONE] came without a stop chunk before it (a chunk said finish_reason "", which is no reason: a client testing it never sees the end)'
                : '[DONE] came without a stop chunk before it',
              expected: 'a chunk with finish_reason "stop" before [DONE]',
              actual: '[DONE]',
            });
          }
        },
      };
    },
  }),
);

// Could a legal server fail this? None: only chunks between the stop chunk and [DONE] fail; flowResponses and
// workflowDuration there are no chunks.
export const stopSingle = onCompletions(
  defineRule({
    id: 'fastgpt.stop.single',
    title: 'finish_reason stays null until the one stop chunk, and no chunk follows it before [DONE]',
    severity: 'error',
    basis: 'doc',
    source: at('Response (stream examples: finish_reason null, then "stop" once)'),
    scopes: ['stream'],
    create: (_context, report) => {
      let stopAt: number | undefined;
      let done = false;
      return {
        frame(frame) {
          // What follows [DONE] is fastgpt.done.last's to judge.
          if (isDone(frame)) done = true;
          if (done || !isChunkFrame(frame) || !frame.json.ok) return;
          if (stopAt !== undefined) {
            report({
              at: 'frame',
              frame,
              pointer: '/choices/0',
              message: `a chunk after the stop chunk (frame ${stopAt})`,
              expected: 'no chunk between the stop chunk and [DONE]',
              actual: show(frame.json.value),
            });
            return;
          }
          if (isStopChunk(frame)) stopAt = frame.index;
        },
      };
    },
  }),
);

// Could a legal server fail this? None: flowResponses after [DONE] (v4.11 to v4.14) is accepted once.
export const doneLast = onCompletions(
  defineRule({
    id: 'fastgpt.done.last',
    title: 'Nothing follows [DONE] but, at most, the one flowResponses frame',
    severity: 'error',
    basis: 'doc',
    source: at('Response (detail=true stream example: only flowResponses after [DONE]); digest: v4.11–v4.14 and main'),
    scopes: ['stream'],
    create: (_context, report) => {
      let doneAt: number | undefined;
      let flowResponsesAfter = 0;
      return {
        frame(frame) {
          if (doneAt === undefined) {
            if (isDone(frame)) doneAt = frame.index;
            return;
          }
          if (eventOf(frame) === 'flowResponses' && flowResponsesAfter++ === 0) return;
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: `a frame${eventOf(frame) === undefined ? '' : ` (event ${eventOf(frame)})`} after [DONE] (frame ${doneAt})`,
            expected: 'nothing after [DONE] but one flowResponses',
            actual: show(frameText(frame)),
          });
        },
      };
    },
  }),
);

// Could a legal server fail this? A v2 workflow sends flowNodeResponse per node instead: accepted. An
// interrupted stream (error, timeout) is not asked for it.
export const flowResponsesOnce = onCompletions(
  defineRule({
    id: 'fastgpt.flow-responses.once',
    title: 'With detail=true a finished stream carries flowResponses exactly once, before or after [DONE] (v2: flowNodeResponse instead)',
    severity: 'error',
    basis: 'doc',
    source: at('Response (Event Values: flowResponses); digest: before or after [DONE] by version'),
    scopes: ['stream'],
    create: (context, report) => {
      const ending = new StreamEnding();
      let count = 0;
      let perNode = false;
      return {
        frame(frame) {
          ending.see(frame);
          if (eventOf(frame) === 'flowNodeResponse') perNode = true;
          if (eventOf(frame) !== 'flowResponses') return;
          if (++count === 2) report({ at: 'frame', frame, pointer: '', message: 'a second flowResponses frame', expected: 'exactly one flowResponses' });
        },
        end(end) {
          if (!detailOf(context) || count > 0 || perNode || ending.doneAt === undefined || end.type !== 'closed') return;
          report({ at: 'end', end, message: 'a detail=true stream finished without flowResponses', expected: 'one flowResponses frame', actual: 'none' });
        },
      };
    },
  }),
);

// Could a legal server fail this? None: FastGPT ends the response right after sseErrRes.
export const errorLast = onCompletions(
  defineRule({
    id: 'fastgpt.error.last',
    title: 'An error event ends the stream: nothing follows it, [DONE] included',
    severity: 'error',
    basis: 'doc',
    source: at('Response (Event Values: error); digest: errors (code)'),
    // A refusal given as an error event is the same frame: nothing may follow it there either.
    scopes: ['stream', 'refusal'],
    create: (_context, report) => {
      let errorAt: number | undefined;
      return {
        frame(frame) {
          if (errorAt !== undefined) {
            report({
              at: 'frame',
              frame,
              pointer: '',
              message: `a frame after the error event (frame ${errorAt})`,
              expected: 'the stream closes after event: error',
              actual: show(frameText(frame)),
            });
            return;
          }
          if (eventOf(frame) === 'error') errorAt = frame.index;
        },
      };
    },
  }),
);

// Could a legal server fail this? FastGPT calls res.end() right after [DONE] and flowResponses; a
// server still open after the grace (2 s by default, --close-grace) never ends its answer.
export const closeAfterDone = closedAfterRule(
  {
    id: 'fastgpt.close.after-done',
    title: 'The server ends the stream once [DONE] (and, in v4.11–v4.14, flowResponses after it) is sent',
    severity: 'error',
    basis: 'doc',
    source: at('Response (stream examples end with [DONE]); digest: flowResponses after [DONE] in v4.11–v4.14'),
    scopes: ['stream'],
  },
  (frame, context) => isCompletions(context) && isDone(frame),
  '[DONE]',
);
