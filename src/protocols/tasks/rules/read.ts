/**
 * How tasks polls are read: document 003_2215f6354d6789dc.txt (工作区 + 对话 + 发送 + 轮询), digest section
 * "tasks". Shared by every tasks rule file.
 */
import type { Frame, PollFrame } from '../../../core/exchange.js';
import type { RuleSource } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';

export const DOC = '003_2215f6354d6789dc.txt';
export const at = (section: string): RuleSource => ({ doc: DOC, section });

export interface PollView {
  readonly status: unknown;
  readonly nextOffset: unknown;
  readonly events: readonly unknown[] | undefined;
}

/** The data of a poll answer, or undefined when it has none. */
export function pollView(value: unknown): PollView | undefined {
  const data = isRecord(value) ? value['data'] : undefined;
  if (!isRecord(data)) return undefined;
  const events = data['events'];
  return { status: data['status'], nextOffset: data['next_offset'], events: Array.isArray(events) ? events : undefined };
}

export const asPoll = (frame: Frame): PollFrame | undefined => (frame.type === 'poll' ? frame : undefined);
export const viewOf = (frame: Frame): PollView | undefined => (frame.json.ok ? pollView(frame.json.value) : undefined);

/** A poll the document's clients take: `res.ok` and `raise_for_status()` accept any 2xx (a 202 while running too). */
export const isSuccessStatus = (status: number): boolean => status >= 200 && status < 300;

/** The answer's text in a list of events: their text_chunk contents joined, as the document's clients print them. */
export function answerTextOf(events: readonly unknown[]): string {
  return events.map(chunkContent).join('');
}

function chunkContent(event: unknown): string {
  if (!isRecord(event) || event['type'] !== 'text_chunk') return '';
  const content = isRecord(event['data']) ? event['data']['content'] : undefined;
  return typeof content === 'string' ? content : '';
}
