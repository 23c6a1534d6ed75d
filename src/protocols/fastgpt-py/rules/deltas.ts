/**
 * fastgpt-py rules on the text of a stream: each text_delta is a fragment of the answer, and the
 * client appends them.
 */
import { show } from '../../../core/engine.js';
import { defineRule } from '../../../core/rule.js';
import { at, eventOf, payload } from './read.js';

/** Deltas longer than this are not compared: a fragment is short, and the comparison stays cheap. */
const MAX_COMPARED = 4096;
/** How long the previous delta must be, and how many deltas in a row must repeat it, before it is called cumulative. */
const MIN_REPEATED = 4;
const REPEATS = 2;

// Could a legal server fail this? One whose fragments each begin with the whole fragment before them, of
// four characters or more, three in a row ("哈哈哈哈", "哈哈哈哈哈", "哈哈哈哈哈哈"). None is known.
export const deltaFragment = defineRule({
  id: 'fastgpt-py.delta.fragment',
  title: 'Each text_delta carries a new fragment of the answer, not the whole text so far',
  severity: 'error',
  basis: 'doc',
  source: at('SSE 事件类型 (text_delta: 流式文本片段; the example client appends each one)'),
  scopes: ['stream'],
  create: (_context, report) => {
    let previous = '';
    let repeats = 0;
    let reported = false;
    return {
      frame(frame) {
        if (reported || eventOf(frame) !== 'text_delta') return;
        const text = payload(frame)?.['text'];
        if (typeof text !== 'string' || text === '') return;
        // A cumulative server sends the whole text so far: each delta starts with the one before it.
        const repeated = previous.length >= MIN_REPEATED && previous.length <= MAX_COMPARED && text.length > previous.length && text.startsWith(previous);
        repeats = repeated ? repeats + 1 : 0;
        previous = text;
        if (repeats < REPEATS) return;
        reported = true;
        report({
          at: 'frame',
          frame,
          pointer: '/text',
          message: `text_delta repeats the whole delta before it (${REPEATS + 1} deltas in a row, each the text so far): a client that appends the fragments shows the answer over and over`,
          expected: 'only the text that follows what was sent',
          actual: show(text),
        });
      },
    };
  },
});
