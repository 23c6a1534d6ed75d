/**
 * How fastgpt-py events are read: document 000_a17f2b116e8d969e.txt (/chat 流式响应模式说明), digest
 * section "fastgpt-py". Shared by every fastgpt-py rule file.
 */
import { type Frame, eventName } from '../../../core/exchange.js';
import type { RuleSource } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';

export const DOC = '000_a17f2b116e8d969e.txt';
export const at = (section: string): RuleSource => ({ doc: DOC, section });

export const EVENTS = ['stage_code', 'text_delta', 'done', 'error'] as const;
export const eventOf = eventName;
export const payload = (frame: Frame): Record<string, unknown> | undefined => (frame.json.ok && isRecord(frame.json.value) ? frame.json.value : undefined);
