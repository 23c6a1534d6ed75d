/**
 * The pocketqa rules: document 001_6e6f726506b3aba0.txt (对话 socketio), digest section "pocketqa".
 * A question is one emitted CHAT_CS; its answer is the run of CHAT_SS events ending in
 * finish_reason "stop".
 *
 * One file per thing judged: sequence.ts (the run of answer events and its stop), frames.ts (each
 * answer event's shape), received.ts (room and received), scope.ts (what reaches whom),
 * request.ts (the client's request); read.ts reads events for all of them.
 */
import type { Rule } from '../../../core/rule.js';
import { answerShape, deltaText, finishPartial } from './frames.js';
import { receivedClueAlter, receivedEcho, receivedHistory, roomDefault, roomEcho } from './received.js';
import { requestEvent, requestShape } from './request.js';
import { answerPrivate, historyTurns, roomIsolated } from './scope.js';
import { answerEventName, answerStarted, eventExtra, stopLast, stopPresent } from './sequence.js';

export { DOC, isStop, payloadOf } from './read.js';
export { LISTENED } from './request.js';

export const pocketqaRules: readonly Rule[] = [
  answerStarted,
  answerEventName,
  eventExtra,
  answerShape,
  deltaText,
  stopPresent,
  stopLast,
  finishPartial,
  roomEcho,
  roomDefault,
  receivedClueAlter,
  receivedHistory,
  receivedEcho,
  answerPrivate,
  roomIsolated,
  historyTurns,
  requestShape,
  requestEvent,
];
