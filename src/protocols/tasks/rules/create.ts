/**
 * tasks rules on the create calls' answers (workspace, conversation, message).
 */
import { assertedRule, requestPath, reportFrameProblems } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { at } from './read.js';

// ---- the create calls ------------------------------------------------------------------------

const CREATES: ReadonlyArray<readonly [RegExp, string | undefined]> = [
  [/\/api\/v1\/workspaces$/, undefined],
  [/\/api\/v1\/workspaces\/[^/]+\/conversations$/, 'https://chatwire.dev/schemas/tasks/conversation.json'],
  [/\/api\/v1\/workspaces\/[^/]+\/messages$/, 'https://chatwire.dev/schemas/tasks/task.json'],
];
const pathOf = requestPath;

// Could a legal server fail this? None: any 2xx (201 Created) passes.
export const createStatus = defineRule({
  id: 'tasks.create.status',
  title: 'A valid create call (workspace, twice: idempotent; conversation; message) succeeds with HTTP 2xx',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (steps 1–3); 2) Python (raise_for_status)'),
  scopes: ['answer'],
  create: (_context, report) => ({
    response(head) {
      if (head.status >= 200 && head.status < 300) return;
      report({ at: 'response', message: `the call failed with HTTP ${head.status}`, expected: '2xx', actual: String(head.status) });
    },
  }),
});

// Could a legal server fail this? None: extra fields pass; the document's clients read the ids at the top
// level.
export const createShape = defineRule({
  id: 'tasks.create.shape',
  title: 'A create answer carries its id at the top level ({"conversation_id"} / {"task_id"}), not wrapped in data',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (json.load(sys.stdin)["conversation_id"], ["task_id"])'),
  scopes: ['answer'],
  create: (context, report) => {
    const schema = CREATES.find(([pattern]) => pattern.test(pathOf(context)))?.[1];
    return {
      frame(frame) {
        if (schema === undefined) return;
        if (!frame.json.ok) {
          report({ at: 'frame', frame, pointer: '', message: `the answer is not JSON: ${frame.json.error}`, expected: 'a JSON object' });
          return;
        }
        reportFrameProblems(report, frame, schema, frame.json.value);
      },
    };
  },
});

// Could a legal server fail this? None: a task is polled by its id alone, so two messages' tasks under one id
// cannot both be followed.
export const taskDistinct = assertedRule({
  id: 'tasks.task.distinct',
  title: 'Each message starts its own task: a second message answers another task_id than the first',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (step 3 returns task_id; step 4 polls /api/v1/tasks/$TASK_ID)'),
  // Checked by the suite's assertions on a conversation with two messages.
});
