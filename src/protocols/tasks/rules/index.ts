/**
 * The tasks rules: document 003_2215f6354d6789dc.txt (工作区 + 对话 + 发送 + 轮询), digest section
 * "tasks". An answer arrives by polling GET /api/v1/tasks/{id}?from=N until status leaves "running".
 *
 * One file per thing judged: frames.ts (each poll answer), sequence.ts (the polls of a task together),
 * create.ts (the create calls' answers), refusal.ts, request.ts (the client's request); read.ts reads
 * polls for all of them.
 */
import type { Rule } from '../../../core/rule.js';
import { createShape, createStatus, taskDistinct } from './create.js';
import { pollAdvances, pollOffset, pollShape, pollStatus } from './frames.js';
import { authRefused, inputRefused, taskNotFound, workspaceIsolated, workspaceNoLeak } from './refusal.js';
import { requestJson, requestKey, requestShape } from './request.js';
import { requestOffset, requestOffsetReread } from './offsets.js';
import { finalPoll, pollReplay, pollSequence, statusEnds, statusStaysEnded } from './sequence.js';

export { DOC, pollView, type PollView } from './read.js';

export const tasksRules: readonly Rule[] = [
  pollStatus,
  pollShape,
  pollOffset,
  pollAdvances,
  pollSequence,
  pollReplay,
  statusStaysEnded,
  statusEnds,
  finalPoll,
  createStatus,
  createShape,
  taskDistinct,
  authRefused,
  workspaceIsolated,
  workspaceNoLeak,
  taskNotFound,
  inputRefused,
  requestJson,
  requestShape,
  requestKey,
  requestOffset,
  requestOffsetReread,
];
