/**
 * The ctai rules: document 002_cba551f1a5d093b7.txt (流式问答对话), digest section "ctai".
 * Ids read `ctai.<subject>.<property>`; each cites the section it comes from.
 *
 * One file per thing judged: frames.ts (each packet), sequence.ts (msg_id, msg_sn, the stop packet),
 * answer.ts (the answer, non-streaming too), refusal.ts, scope.ts (citations, sessions),
 * request.ts (the client's request); read.ts reads packets for all of them.
 */
import type { Rule } from '../../../core/rule.js';
import { answerContentType, answerEnvelope, answerJson, answerShape, answerSingle, answerSucceeded } from './answer.js';
import {
  failureCarriesNoAnswer,
  msgEmptyOnSuccess,
  msgExplainsFailure,
  packetExampleFields,
  packetJson,
  packetShape,
  sseIdIsMsgId,
  streamContentType,
  streamStatus,
} from './frames.js';
import { errorShape, inputAccepted, inputRefused, refusalNoEffect } from './refusal.js';
import { requestAccept, requestJson, requestShape } from './request.js';
import { citationScope, citationsDisabled, sessionIsolated } from './scope.js';
import { closeAfterStop, msgIdUnique, msgSnSequence, stopCitesAll, stopHasNoText, stopLast, stopPresent } from './sequence.js';

export { DOC, isStopPacket, packetOf } from './read.js';
export { requestAccept } from './request.js';

export const ctaiRules: readonly Rule[] = [
  streamContentType,
  streamStatus,
  packetJson,
  packetShape,
  packetExampleFields,
  msgEmptyOnSuccess,
  msgExplainsFailure,
  failureCarriesNoAnswer,
  msgIdUnique,
  msgSnSequence,
  sseIdIsMsgId,
  stopPresent,
  stopLast,
  stopHasNoText,
  stopCitesAll,
  closeAfterStop,
  answerSucceeded,
  answerContentType,
  answerJson,
  answerSingle,
  answerEnvelope,
  answerShape,
  inputRefused,
  citationScope,
  citationsDisabled,
  sessionIsolated,
  errorShape,
  inputAccepted,
  refusalNoEffect,
  requestJson,
  requestShape,
  requestAccept,
];
