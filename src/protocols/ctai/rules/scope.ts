/**
 * ctai rules about what an answer may contain given what was asked: the documents it may cite,
 * citations and follow-ups turned off, sessions kept apart.
 */
import { show } from '../../../core/engine.js';
import type { Frame } from '../../../core/exchange.js';
import { assertedRule } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at, isSuccess, packetOf } from './read.js';

/** The request body's field, when it is a string. */
function field(requestJson: unknown, name: string): string | undefined {
  const value = isRecord(requestJson) ? requestJson[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The id a citation names: ref_doc_list items carry it as doc_id (or ctdoc_id, id). */
function citedId(item: unknown): string | undefined {
  if (!isRecord(item)) return typeof item === 'string' || typeof item === 'number' ? String(item) : undefined;
  for (const key of ['doc_id', 'ctdoc_id', 'id']) {
    const value = item[key];
    if ((typeof value === 'string' && value !== '') || typeof value === 'number') return String(value);
  }
  return undefined;
}

function dataOf(frame: Frame): Record<string, unknown> | undefined {
  const packet = packetOf(frame);
  return packet !== undefined && isSuccess(packet) ? packet.data : undefined;
}

// Could a legal server fail this? Only by citing documents outside ctdoc_id, which the document rules out.
export const citationScope = defineRule({
  id: 'ctai.citation.scope',
  title: 'With ctdoc_id given, every cited document is one of those ids',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数 (ctdoc_id: 如果指定了文档 id 则只从指定的文档中思考)'),
  scopes: ['stream', 'answer'],
  create: (context, report) => {
    const given = field(context.requestJson, 'ctdoc_id');
    const allowed = new Set(
      (given ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== ''),
    );
    let reported = false;
    return {
      frame(frame) {
        const list = dataOf(frame)?.['ref_doc_list'];
        if (allowed.size === 0 || reported || !Array.isArray(list)) return;
        const outside = list.map(citedId).filter((id): id is string => id !== undefined && !allowed.has(id));
        if (outside.length === 0) return;
        reported = true;
        report({
          at: 'frame',
          frame,
          pointer: '/data/ref_doc_list',
          message: `cites ${outside.length} document(s) outside ctdoc_id`,
          expected: `only ${[...allowed].join(', ')}`,
          actual: show(outside),
        });
      },
    };
  },
});

// Could a legal server fail this? An empty list, or no list, keeps it; only a citation or follow-up after "0" breaks it.
export const citationsDisabled = defineRule({
  id: 'ctai.citation.disabled',
  title: 'enable_citation "0" returns no citations, enable_followup "0" no follow-up questions',
  severity: 'error',
  basis: 'doc',
  source: at('请求参数 (enable_citation, enable_followup: 0:否)'),
  scopes: ['stream', 'answer'],
  create: (context, report) => {
    const toggles: ReadonlyArray<readonly [string, string]> = [
      ['enable_citation', 'ref_doc_list'],
      ['enable_followup', 'follow_up_list'],
    ];
    const off = toggles.filter(([flag]) => field(context.requestJson, flag) === '0');
    const reported = new Set<string>();
    return {
      frame(frame) {
        const data = dataOf(frame);
        for (const [flag, list] of off) {
          const value = data?.[list];
          if (reported.has(list) || !Array.isArray(value) || value.length === 0) continue;
          reported.add(list);
          report({
            at: 'frame',
            frame,
            pointer: `/data/${list}`,
            message: `${flag} is "0" but ${list} is not empty`,
            expected: '[] or no list',
            actual: show(value),
          });
        }
      },
    };
  },
});

export const sessionIsolated = assertedRule({
  id: 'ctai.session.isolated',
  title: "An answer carries nothing of another session's conversation",
  severity: 'error',
  security: true,
  basis: 'doc',
  source: at('请求参数 (session_id: 相同会话 id 的多次问答才能形成多轮问答); digest: security'),
  // Checked by the suite's assertions on a case with two sessions.
});
