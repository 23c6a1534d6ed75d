/**
 * How ctai packets are read: document 002_cba551f1a5d093b7.txt (流式问答对话), digest section "ctai".
 * Shared by every ctai rule file.
 */
import type { Frame } from '../../../core/exchange.js';
import type { RuleSource } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';

export const DOC = '002_cba551f1a5d093b7.txt';
export const at = (section: string): RuleSource => ({ doc: DOC, section });

/** The parts of a packet the sequence rules read, or undefined when it is not a packet at all. */
export interface PacketView {
  readonly ret: unknown;
  readonly msg: unknown;
  readonly data: Record<string, unknown> | undefined;
}

let lastFrame: Frame | undefined;
let lastView: PacketView | undefined;

/** The packet a frame carries. Cached for the last frame: a dozen rules read it in a row. */
export function packetOf(frame: Frame): PacketView | undefined {
  if (frame === lastFrame) return lastView;
  lastFrame = frame;
  lastView = undefined;
  if (frame.json.ok && isRecord(frame.json.value)) {
    const value = frame.json.value;
    lastView = { ret: value['ret'], msg: value['msg'], data: isRecord(value['data']) ? value['data'] : undefined };
  }
  return lastView;
}

export function isStopPacket(frame: Frame): boolean {
  return packetOf(frame)?.data?.['event'] === 'stop';
}

export function isSuccess(packet: PacketView): boolean {
  return packet.ret === '0';
}

/** The packet a frame carries when it reports a failure: ret a string other than "0" (a number is the shape rule's). */
export function failureOf(frame: Frame): (PacketView & { readonly ret: string }) | undefined {
  const packet = packetOf(frame);
  if (packet === undefined || typeof packet.ret !== 'string' || isSuccess(packet)) return undefined;
  return { ...packet, ret: packet.ret };
}

/** A msg_sn as a number, accepting a number where a string belongs (the shape rule reports that). */
export function sequenceNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^(?:0|[1-9][0-9]{0,15})$/.test(value)) return Number(value);
  return undefined;
}
