/**
 * The fastgpt-py rules: document 000_a17f2b116e8d969e.txt (/chat 流式响应模式说明), digest section
 * "fastgpt-py". A Python service in front of a FastGPT workflow, with four SSE events and a table
 * of four-digit stage codes.
 *
 * One file per thing judged: frames.ts (each event), stages.ts (stage codes), sequence.ts (done, the
 * end of the stream), deltas.ts (the text), answer.ts (the non-streaming answer), refusal.ts, scope.ts (sessions kept apart),
 * request.ts (the client's request); read.ts reads events for all of them.
 */
import type { Rule } from '../../../core/rule.js';
import { answerContentType, answerFields, answerJson, answerSucceeded } from './answer.js';
import { errorCode, eventJson, eventKnown, eventShape, eventSpelling, streamContentType, streamStatus } from './frames.js';
import { inputRefused, refusalNoEffect } from './refusal.js';
import { requestJson, requestShape, requestStreamQuery } from './request.js';
import { sessionIsolated } from './scope.js';
import { closeAfterDone, doneLast, donePresent } from './sequence.js';
import { deltaFragment } from './deltas.js';
import { sessionStages, stageCodeFormat, stageKnown, stageName } from './stages.js';

export { DOC } from './read.js';
export { STAGES } from './stages.js';

export const fastgptPyRules: readonly Rule[] = [
  streamContentType,
  streamStatus,
  eventJson,
  eventKnown,
  eventSpelling,
  eventShape,
  deltaFragment,
  stageCodeFormat,
  stageName,
  stageKnown,
  errorCode,
  donePresent,
  doneLast,
  closeAfterDone,
  answerContentType,
  answerJson,
  answerFields,
  answerSucceeded,
  sessionStages,
  sessionIsolated,
  refusalNoEffect,
  inputRefused,
  requestJson,
  requestShape,
  requestStreamQuery,
];
