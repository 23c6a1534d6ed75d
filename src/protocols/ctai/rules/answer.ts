/**
 * ctai rules on the answer itself: a valid question is answered, not refused, and a non-streaming
 * answer is one JSON body in the ret / msg / data envelope.
 */
import { show } from '../../../core/engine.js';
import { contentTypeRule, frameSchemaRule, jsonFrameRule, singleBodyRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { at, failureOf } from './read.js';

export const answerSucceeded = defineRule({
  id: 'ctai.answer.succeeded',
  title: 'A valid question gets an answer, not an error (ret "0")',
  severity: 'warn',
  basis: 'inferred',
  source: at('应答示例 (field table: ret)'),
  scopes: ['stream', 'answer'],
  create: (_context, report) => {
    let reported = false;
    return {
      frame(frame) {
        const packet = failureOf(frame);
        if (reported || packet === undefined) return;
        reported = true;
        report({
          at: 'frame',
          frame,
          pointer: '/ret',
          message: `a valid question was answered with an error: ${show(packet.msg)}`,
          expected: '"0"',
          actual: show(packet.ret),
        });
      },
    };
  },
});

// ---- non-streaming answer ---------------------------------------------------------------------

export const answerContentType = contentTypeRule(
  {
    id: 'ctai.answer.content-type',
    title: 'A non-streaming answer is served as application/json',
    severity: 'warn',
    basis: 'inferred',
    source: at('应答 Header (the non-streaming answer is JSON)'),
    scopes: ['answer'],
  },
  'application/json',
);

// Could a legal server fail this? None: a JSON body of any formatting passes; only a body that is not JSON
// fails.
export const answerJson = jsonFrameRule({
  id: 'ctai.answer.json',
  title: 'A non-streaming answer is one JSON object',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数 (stream: 默认是非流式) and 注意 (only the streaming answer is not JSON)'),
  scopes: ['answer'],
});

// Could a legal server fail this? None: the document's stream "0" (the default) is the non-streaming answer.
export const answerSingle = singleBodyRule({
  id: 'ctai.answer.single',
  title: 'A non-streaming request (stream "0" or absent) is answered with one JSON body, not an event stream',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数 (stream: 默认是非流式, 0: 否)'),
  scopes: ['answer'],
});

const isEnvelopePointer = (pointer: string): boolean => pointer === '' || pointer === '/ret' || pointer === '/msg' || pointer === '/data';

// Could a legal server fail this? One whose non-streaming answer has no ret: the table documents ret for
// every answer. msg may be absent.
export const answerEnvelope = frameSchemaRule(
  {
    id: 'ctai.answer.envelope',
    title: 'A non-streaming answer has the ret / msg / data envelope with string ret and msg',
    severity: 'error',
    basis: 'doc',
    source: at('应答示例 (field table: ret, msg, data)'),
    scopes: ['answer'],
  },
  'https://chatwire.dev/schemas/ctai/answer.json',
  { pointers: isEnvelopePointer },
);

export const answerShape = frameSchemaRule(
  {
    id: 'ctai.answer.shape',
    title: "A non-streaming answer's data has the fields the streaming packets share with it",
    severity: 'warn',
    basis: 'inferred',
    source: at('应答示例 (field table: "与非流式应答的同名参数一致")'),
    scopes: ['answer'],
  },
  'https://chatwire.dev/schemas/ctai/answer.json',
  { pointers: (pointer) => !isEnvelopePointer(pointer) },
);
