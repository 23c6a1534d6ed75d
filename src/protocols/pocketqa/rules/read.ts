/**
 * How pocketqa events are read: document 001_6e6f726506b3aba0.txt (对话 socketio), digest section
 * "pocketqa". Shared by every pocketqa rule file.
 */
import type { Frame, SocketFrame } from '../../../core/exchange.js';
import { defineRule, type ExchangeContext, type Finding, type Rule, type RuleMeta, type RuleSource } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';

export const DOC = '001_6e6f726506b3aba0.txt';
export const at = (section: string): RuleSource => ({ doc: DOC, section });

/** The payload of a CS event as sent: an object, or a JSON string of one. */
export function payloadOf(value: unknown): Record<string, unknown> | undefined {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return isRecord(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return isRecord(value) ? value : undefined;
}

/** CHAT_CS is answered on CHAT_SS, SUM_CS on SUM_SS, and so on. */
export function answerEvent(context: ExchangeContext): string {
  const emitted = context.event ?? 'CHAT_CS';
  return emitted.replace(/_CS$/, '_SS');
}

export const socketFrame = (frame: Frame): SocketFrame | undefined => (frame.type === 'socketio' ? frame : undefined);

/** The answer's `data` object, for frames of the answer event on the asking socket. */
export function dataOf(frame: Frame, expected: string): Record<string, unknown> | undefined {
  const socket = socketFrame(frame);
  if (socket === undefined || socket.socket !== 'asker' || socket.event !== expected || !frame.json.ok || !isRecord(frame.json.value)) return undefined;
  const data = frame.json.value['data'];
  return isRecord(data) ? data : undefined;
}

export function isStop(frame: Frame): boolean {
  const socket = socketFrame(frame);
  if (socket === undefined || socket.socket !== 'asker' || !frame.json.ok || !isRecord(frame.json.value)) return false;
  const data = frame.json.value['data'];
  return isRecord(data) && data['finish_reason'] === 'stop';
}

/** A rule that judges the data of each answer event on the asking socket, one event at a time. */
export function answerDataRule(
  meta: Omit<RuleMeta, 'scopes'>,
  judge: (data: Record<string, unknown>, frame: Frame, report: (finding: Finding) => void) => void,
): Rule {
  return defineRule({
    ...meta,
    scopes: ['stream'],
    create: (context, report) => {
      const expected = answerEvent(context);
      return {
        frame(frame) {
          const data = dataOf(frame, expected);
          if (data !== undefined) judge(data, frame, report);
        },
      };
    },
  });
}

export const isAnswerFrame = (frame: Frame, expected: string): boolean => frame.type === 'socketio' && frame.socket === 'asker' && frame.event === expected;
