/**
 * fastgpt-py rules on the end of a stream: a terminal event (done, or error), nothing after done, and the
 * server closing then.
 */
import { show } from '../../../core/engine.js';
import { frameText } from '../../../core/exchange.js';
import { closedAfterRule, mediaType } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { at, eventOf } from './read.js';

// Could a legal server fail this? None: an error event may end the stream instead of done (digest).
export const donePresent = defineRule({
  id: 'fastgpt-py.done.present',
  title: 'A stream ends with a terminal event: done (or error, which may end it instead)',
  severity: 'error',
  basis: 'doc',
  source: at('SSE 事件类型 (done: 流式结束)'),
  scopes: ['stream'],
  create: (_context, report) => {
    let terminal = false;
    let frames = 0;
    let eventStream = true;
    return {
      response(head) {
        eventStream = mediaType(head.headers['content-type']) === 'text/event-stream';
      },
      frame(frame) {
        frames++;
        if (eventOf(frame) === 'done' || eventOf(frame) === 'error') terminal = true;
      },
      end(end) {
        // A body that is no event stream at all is the content-type rule's finding, not a missing done.
        if (terminal || (frames === 0 && !eventStream)) return;
        report({ at: 'end', end, message: `the stream ended (${end.type}) after ${frames} event(s) without done`, expected: 'event: done', actual: 'none' });
      },
    };
  },
});

// Could a legal server fail this? None: done after an error is accepted (digest).
export const doneLast = defineRule({
  id: 'fastgpt-py.done.last',
  title: 'Nothing follows done; after an error, at most one done',
  severity: 'error',
  basis: 'doc',
  source: at('SSE 事件类型 (done: 流式结束); digest: done after error is accepted'),
  scopes: ['stream'],
  create: (_context, report) => {
    let doneAt: number | undefined;
    let errorAt: number | undefined;
    return {
      frame(frame) {
        const event = eventOf(frame);
        if (doneAt !== undefined) {
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: `event ${event ?? '(unnamed)'} after done (frame ${doneAt})`,
            expected: 'nothing after done',
            actual: show(frameText(frame)),
          });
          return;
        }
        if (errorAt !== undefined && event !== 'done') {
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: `event ${event ?? '(unnamed)'} after error (frame ${errorAt})`,
            expected: 'nothing after error but done',
            actual: show(frameText(frame)),
          });
          return;
        }
        if (event === 'done') doneAt = frame.index;
        if (event === 'error') errorAt ??= frame.index;
      },
    };
  },
});

// Could a legal server fail this? One that closes late: it has --close-grace (2 s by default) after done.
export const closeAfterDone = closedAfterRule(
  {
    id: 'fastgpt-py.close.after-done',
    title: 'The server ends the response once done is sent',
    severity: 'error',
    basis: 'doc',
    source: at('SSE 事件类型 (done: 流式结束)'),
    scopes: ['stream'],
  },
  (frame) => eventOf(frame) === 'done',
  'done',
);
