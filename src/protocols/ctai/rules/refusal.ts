/**
 * ctai rules on a request the document forbids, and on one at the edge of what it allows: the shape of
 * a refusal, and that a refused request leaves no trace.
 */
import { show } from '../../../core/engine.js';
import { frameText } from '../../../core/exchange.js';
import { assertedRule, refusalRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { at, isSuccess, packetOf } from './read.js';

// ---- a request the document forbids -----------------------------------------------------------

// Could a legal server fail this? None with the suite's refusal cases: each uses a value no reading allows
// (see legalServers in suites/ctai.json); a 4xx or an error envelope both count, a 404 or 405 does not.
export const inputRefused = refusalRule(
  {
    id: 'ctai.input.refused',
    title: 'A request the document forbids is refused: HTTP 4xx, or ret other than "0"',
    severity: 'error',
    basis: 'doc',
    source: at('请求参数 (field table)'),
  },
  {
    status: (status) => status >= 400 && status < 500,
    // Whether the refusal says why (its msg) is ctai.error.shape's to judge.
    refuses: (frame) => {
      const packet = packetOf(frame);
      return packet !== undefined && typeof packet.ret === 'string' && !isSuccess(packet);
    },
    delivers: (frame) => {
      const packet = packetOf(frame);
      return packet !== undefined && isSuccess(packet) && packet.data !== undefined ? `an answer: ${show(frameText(frame))}` : undefined;
    },
    expected: 'HTTP 4xx, or ret other than "0"',
  },
);

// Could a legal server fail this? One whose errors are not the documented envelope, which the document rules out;
// a refusal that is not JSON at all (an HTML error page) is left to ctai.input.refused.
export const errorShape = defineRule({
  id: 'ctai.error.shape',
  title: 'A refusal is the documented envelope: ret a string other than "0", msg saying why',
  severity: 'error',
  basis: 'doc',
  source: at('应答示例 (field table: ret 失败是非 0, msg 错误信息)'),
  scopes: ['refusal'],
  create: (_context, report) => {
    let refusedByStatus = false;
    return {
      response(head) {
        refusedByStatus = head.status >= 400;
      },
      frame(frame) {
        if (!frame.json.ok) return;
        const packet = packetOf(frame);
        if (packet !== undefined && typeof packet.ret === 'string' && !isSuccess(packet) && typeof packet.msg === 'string' && packet.msg !== '') return;
        if (packet !== undefined && isSuccess(packet)) {
          // Answered under HTTP 200: an answer, which ctai.input.refused reports. Refused by the status, ret "0" still says success.
          if (refusedByStatus)
            report({
              at: 'frame',
              frame,
              pointer: '/ret',
              message: 'the refusal says ret "0", which means success',
              expected: 'ret other than "0" (失败是非 0)',
              actual: show(packet.ret),
            });
          return;
        }
        const emptyMsg = packet !== undefined && typeof packet.ret === 'string' && typeof packet.msg === 'string';
        report({
          at: 'frame',
          frame,
          pointer: emptyMsg ? '/msg' : '',
          message: emptyMsg ? "the refusal's msg is empty: it does not say why" : 'the refusal is not a ret / msg envelope',
          expected: '{"ret": "<non-zero>", "msg": "<why>"}',
          actual: show(frame.json.value),
        });
      },
    };
  },
});

export const inputAccepted = assertedRule({
  id: 'ctai.input.accepted',
  title: 'A request at the edge of what the document allows (a 64-byte session_id, smart_temp "10") is answered, not refused',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数 (session_id: 不能超过 64 字节; smart_temp: 0-10)'),
  // Checked by the suite's assertions on a case at the edges.
});

export const refusalNoEffect = assertedRule({
  id: 'ctai.refusal.no-effect',
  title: 'A refused request leaves no trace: its question is not part of its session afterwards',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数 (a request the table rules out is refused, not answered)'),
  // Checked by the suite's assertions on the turn after a refusal.
});
