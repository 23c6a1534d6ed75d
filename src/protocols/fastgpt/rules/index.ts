/**
 * The fastgpt rules: document 004_2a3e4b61cfa92e1b.txt (FastGPT OpenAPI Chat API) and the digest's
 * fastgpt section, which records where real FastGPT servers (their code) differ from the document.
 * A real FastGPT must pass; where the two differ, both forms are accepted.
 *
 * One file per thing judged: frames.ts (each frame), mode.ts (detail=true / detail=false),
 * sequence.ts (stop chunk, [DONE], error, close), answer.ts (the answer, non-streaming too),
 * records.ts (the chat-records calls), lists.ts (their paged lists), refusal.ts (keys and refusals), scope.ts (interactive nodes,
 * chats kept apart), form-fields.ts (a form node's fields), request.ts (the client's request); read.ts reads frames for all of them.
 */
import type { Rule } from '../../../core/rule.js';
import { answerContentType, answerJson, answerOpenAiFields, answerShape, answerSucceeded } from './answer.js';
import { chunkShape, chunkWords, eventKnown, eventShape, framePayload, streamContentType, streamStatus } from './frames.js';
import { interactiveFormFields } from './form-fields.js';
import { answerDetail, answerPlain, detailNamed, plainNoDetailEvents, plainOpenAiFrames } from './mode.js';
import { historiesOwnApp, listPaging, listTotal, listUnique } from './lists.js';
import { recordsData, recordsEffect, recordsEnvelope, recordsSuccess, recordsSuccessStatus } from './records.js';
import { authAccepted, refusalNoEffect, requestRefused } from './refusal.js';
import { requestItemId, requestJson, requestKey, requestShape } from './request.js';
import { requestQuery } from './request-query.js';
import { requestInteractiveReply } from './interactive-reply.js';
import { chatIsolated, interactiveResumed } from './scope.js';
import { closeAfterDone, doneEvent, doneLast, donePresent, errorLast, flowResponsesOnce, stopPresent, stopSingle } from './sequence.js';

export { answerText, DOC, isDone } from './read.js';

export const fastgptRules: readonly Rule[] = [
  streamContentType,
  streamStatus,
  framePayload,
  chunkShape,
  chunkWords,
  eventShape,
  eventKnown,
  detailNamed,
  plainOpenAiFrames,
  donePresent,
  doneEvent,
  stopPresent,
  stopSingle,
  doneLast,
  flowResponsesOnce,
  errorLast,
  answerSucceeded,
  answerContentType,
  answerJson,
  answerShape,
  answerOpenAiFields,
  answerDetail,
  recordsEnvelope,
  recordsSuccess,
  recordsSuccessStatus,
  recordsData,
  recordsEffect,
  historiesOwnApp,
  listPaging,
  listUnique,
  listTotal,
  requestRefused,
  plainNoDetailEvents,
  closeAfterDone,
  answerPlain,
  interactiveResumed,
  interactiveFormFields,
  chatIsolated,
  authAccepted,
  refusalNoEffect,
  requestJson,
  requestShape,
  requestQuery,
  requestKey,
  requestItemId,
  requestInteractiveReply,
];
