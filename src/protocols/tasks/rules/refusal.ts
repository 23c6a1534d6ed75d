/**
 * tasks rules on refusals: no token, another workspace's conversation, an unknown task, bad input.
 */
import { show } from '../../../core/engine.js';
import type { Frame } from '../../../core/exchange.js';
import { assertedRule, refusalRule, type RefusalSigns } from '../../../core/kit.js';
import { isRecord } from '../../../core/schemas.js';
import { at } from './read.js';

// ---- refusals --------------------------------------------------------------------------------

function dataIn(frame: Frame): boolean {
  if (!frame.json.ok || !isRecord(frame.json.value)) return false;
  const value = frame.json.value;
  return ['data', 'conversation_id', 'task_id', 'workspace_id'].some((key) => value[key] !== undefined && value[key] !== null);
}

/** The signs of a tasks refusal: the expected status, and no data delivered. */
function refusedWith(accepts: (status: number) => boolean, expected: string, notFound = false): RefusalSigns {
  return { status: accepts, delivers: (frame) => (dataIn(frame) ? show(frame.json.ok ? frame.json.value : undefined) : undefined), expected, notFound };
}

// Could a legal server fail this? One that answers 403 to a wrong token: accepted as well as the digest's
// 401.
export const authRefused = refusalRule(
  {
    id: 'tasks.auth.refused',
    title: 'A call without the token, or with a wrong one, is refused with 401 (or 403) and no data',
    severity: 'error',
    basis: 'inferred',
    source: at('通用 Header (Authorization: Bearer <TOKEN>); digest: security'),
  },
  // 401 is the digest's reading; a server answering 403 to a wrong token refuses just as securely.
  refusedWith((status) => status === 401 || status === 403, 'HTTP 401 (or 403) and no data'),
);

// Could a legal server fail this? One whose conversation ids are global: the document creates and messages a
// conversation through its workspace's path, so reaching it from another is the leak the digest calls a
// security fault.
export const workspaceIsolated = refusalRule(
  {
    id: 'tasks.workspace.isolated',
    title: "A message to one workspace naming another workspace's conversation is refused (4xx), and starts no task",
    severity: 'error',
    security: true,
    basis: 'inferred',
    source: at('1) curl (a conversation is created in, and messaged through, /workspaces/{ws}/); digest: security'),
  },
  refusedWith((status) => status >= 400 && status < 500, 'HTTP 4xx (404 or 403) and no task_id', true),
);

// Could a legal server fail this? None: a conversation lives in its workspace, so another workspace's words in
// a task's answer are the leak the digest calls a security fault.
export const workspaceNoLeak = assertedRule({
  id: 'tasks.workspace.no-leak',
  title: "A task's answer carries nothing of another workspace's conversation",
  severity: 'error',
  security: true,
  basis: 'inferred',
  source: at('1) curl (a conversation is created in, and messaged through, /workspaces/{ws}/); digest: security'),
  // Checked by the suite's assertions on a case with two workspaces.
});

export const taskNotFound = refusalRule(
  {
    id: 'tasks.task.not-found',
    title: 'Polling an unknown task id answers 404',
    severity: 'warn',
    basis: 'inferred',
    source: at('1) curl (step 4); digest: unknown task is 404'),
  },
  refusedWith((status) => status === 404, 'HTTP 404 and no data', true),
);

export const inputRefused = refusalRule(
  {
    id: 'tasks.input.refused',
    title: 'A message to an unknown conversation, or without message, is refused with 4xx',
    severity: 'warn',
    basis: 'inferred',
    source: at('1) curl (step 3: conversation_id, message)'),
  },
  // An unknown conversation is an unknown resource: 404 refuses it as well as 400 or 422 do.
  refusedWith((status) => status >= 400 && status < 500, 'HTTP 4xx and no data', true),
);
