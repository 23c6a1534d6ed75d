/**
 * pocketqa rules on each answer event's shape: {data: {room, delta, finish_reason, received?}}, delta
 * text, finish_reason empty until the stop.
 */
import { show } from '../../../core/engine.js';
import { defineRule } from '../../../core/rule.js';
import { reportFrameProblems } from '../../../core/kit.js';
import { answerDataRule, answerEvent, at, isAnswerFrame, isStop } from './read.js';

// Fields with rules of their own, so that each fault is named precisely.
const OWN = [/^\/data\/delta$/, /^\/data\/received\/(clue|alter)(\/|$)/, /^\/data\/received\/history(\/|$)/];

// Could a legal server fail this? None: finish_reason may be absent until the stop, and delta is delta.text's
// to judge.
export const answerShape = defineRule({
  id: 'pocketqa.answer.shape',
  title: 'Each answer event is one argument, {data: {room, delta, finish_reason, received?}}, with the documented types (schemas/pocketqa/answer.schema.json)',
  severity: 'error',
  basis: 'doc',
  source: at('发送事件(response) (字段); 测试代码 (receive_message(response))'),
  scopes: ['stream'],
  create: (context, report) => {
    const expected = answerEvent(context);
    return {
      frame(frame) {
        if (!isAnswerFrame(frame, expected) || !frame.json.ok) return;
        // The example answer is an object ({"data": …}); a JSON string of one has no fields to read.
        if (frame.type === 'socketio' && typeof frame.args[0] === 'string') {
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: 'the answer is a JSON string, not an object',
            expected: 'an object {"data": …}',
            actual: 'a string',
          });
          return;
        }
        // The document's client handler takes one argument (receive_message(response)): python-socketio
        // calls it with every argument the server sent, and a second one is a TypeError. An
        // acknowledgement the server asks for reaches a listener as a function, and is no argument.
        const sent = frame.type === 'socketio' ? frame.args.filter((arg) => typeof arg !== 'function').length : 1;
        if (sent > 1) {
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: `the answer event carries ${sent} arguments`,
            expected: "one argument, as the document's client handler receive_message(response) takes",
            actual: `${sent} arguments`,
          });
        }
        reportFrameProblems(report, frame, 'https://chatwire.dev/schemas/pocketqa/answer.json', frame.json.value, {
          skip: (pointer) => OWN.some((pattern) => pattern.test(pointer)),
        });
      },
    };
  },
});

// Could a legal server fail this? A stop event with no delta (nothing left to say) keeps it; a partial
// event carries its text in delta, so one without it delivers nothing under the documented name.
export const deltaText = answerDataRule(
  {
    id: 'pocketqa.delta.text',
    title: 'delta is text: a string, on every event before the stop',
    severity: 'error',
    basis: 'doc',
    source: at('发送事件(response) (delta: 输出内容)'),
  },
  (data, frame, report) => {
    if (!('delta' in data)) {
      if (!isStop(frame))
        report({
          at: 'frame',
          frame,
          pointer: '/data/delta',
          message: 'a partial answer event has no delta',
          expected: 'the text as a string',
          actual: show(Object.keys(data)),
        });
      return;
    }
    // The digest: delta is a string (doc). A stop event may leave it out, but null is no string.
    if (typeof data['delta'] === 'string') return;
    report({ at: 'frame', frame, pointer: '/data/delta', message: 'delta is not a string', expected: 'a string', actual: show(data['delta']) });
  },
);

export const finishPartial = answerDataRule(
  {
    id: 'pocketqa.finish.partial',
    title: 'Events before the stop carry an empty or null finish_reason',
    severity: 'warn',
    basis: 'inferred',
    source: at('发送事件(response) (finish_reason: 发送状态)'),
  },
  (data, frame, report) => {
    const reason = data['finish_reason'];
    if (reason === null || reason === '' || reason === 'stop' || reason === undefined) return;
    report({
      at: 'frame',
      frame,
      pointer: '/data/finish_reason',
      message: `finish_reason ${show(reason)} on a partial event`,
      expected: 'null or "" until "stop"',
      actual: show(reason),
    });
  },
);
