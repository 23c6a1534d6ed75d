/**
 * fastgpt-py rules on the stage codes: four digits in a string, documented codes under their documented
 * names, and a session moving through its stages.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { show } from '../../../core/engine.js';
import type { Frame } from '../../../core/exchange.js';
import { assertedRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { at, eventOf, payload } from './read.js';

/** The document's stage-code table, kept as data next to the protocol (stage-codes.json); a malformed table fails at load. */
export const STAGES: Readonly<Record<string, string>> = z
  .strictObject({ $comment: z.string(), codes: z.record(z.string().regex(/^[0-9]{4}$/), z.string()), english: z.record(z.string(), z.string()) })
  .parse(JSON.parse(readFileSync(new URL('../stage-codes.json', import.meta.url), 'utf8'))).codes;

/** The stage fields of a frame: a stage_code event's data, or a non-streaming answer's body. */
function stageData(frame: Frame): Record<string, unknown> | undefined {
  if (frame.type === 'sse' && eventOf(frame) !== 'stage_code') return undefined;
  return payload(frame);
}

// Could a legal server fail this? None: the table writes every code as four digits in a string; an unknown
// four-digit code is only fastgpt-py.stage.known's warning. A stage_code event exists to carry the code, so one
// without it breaks this rule (a non-streaming answer's missing fields are fastgpt-py.answer.fields').
export const stageCodeFormat = defineRule({
  id: 'fastgpt-py.stage.code-format',
  title: 'nextStageCode is four digits in a string',
  severity: 'error',
  basis: 'doc',
  source: at('状态码映射 and SSE 事件类型 (stage_code: {"nextStageCode": "0000", …})'),
  scopes: ['stream', 'answer'],
  create: (_context, report) => ({
    frame(frame) {
      const data = stageData(frame);
      if (data === undefined) return;
      if (!('nextStageCode' in data)) {
        if (frame.type !== 'sse') return;
        report({
          at: 'frame',
          frame,
          pointer: '',
          message: 'a stage_code event without nextStageCode',
          expected: 'nextStageCode: a string of four digits, e.g. "1002"',
          actual: 'no nextStageCode',
        });
        return;
      }
      const code = data['nextStageCode'];
      if (typeof code === 'string' && /^[0-9]{4}$/.test(code)) return;
      report({
        at: 'frame',
        frame,
        pointer: '/nextStageCode',
        message: 'nextStageCode is not four digits in a string',
        expected: 'a string of four digits, e.g. "1002"',
        actual: show(code),
      });
    },
  }),
});

// Could a legal server fail this? One that names a documented code differently (an English name): the table
// fixes the names of the codes it lists.
export const stageName = defineRule({
  id: 'fastgpt-py.stage.name',
  title: 'A documented stage code carries its documented name',
  severity: 'error',
  basis: 'doc',
  source: at('状态码映射'),
  scopes: ['stream', 'answer'],
  create: (_context, report) => ({
    frame(frame) {
      const data = stageData(frame);
      if (data === undefined) return;
      const code = data['nextStageCode'];
      const name = typeof code === 'string' ? STAGES[code] : undefined;
      if (name === undefined || !('nextStage' in data) || data['nextStage'] === name) return;
      report({
        at: 'frame',
        frame,
        pointer: '/nextStage',
        message: `stage ${String(code)} is named "${name}" in the document`,
        expected: show(name),
        actual: show(data['nextStage']),
      });
    },
  }),
});

export const stageKnown = defineRule({
  id: 'fastgpt-py.stage.known',
  title: "A stage code is one of the document's table (the table is open, so others are warnings)",
  severity: 'warn',
  basis: 'inferred',
  source: at('状态码映射 (ends with ...)'),
  scopes: ['stream', 'answer'],
  create: (_context, report) => ({
    frame(frame) {
      const data = stageData(frame);
      if (data === undefined) return;
      const code = data['nextStageCode'];
      if (typeof code !== 'string' || !/^[0-9]{4}$/.test(code) || STAGES[code] !== undefined) return;
      report({
        at: 'frame',
        frame,
        pointer: '/nextStageCode',
        message: `stage code ${code} is not in the document's table`,
        expected: Object.keys(STAGES).join(', '),
        actual: code,
      });
    },
  }),
});

export const sessionStages = assertedRule({
  id: 'fastgpt-py.session.stages',
  title: 'A session moves through the stages its conversation reaches (in call, photo step, end call)',
  severity: 'warn',
  basis: 'inferred',
  source: at('状态码映射 (the stages of an accident-report call)'),
  // Checked by the suite's assertions on a multi-turn session.
});
