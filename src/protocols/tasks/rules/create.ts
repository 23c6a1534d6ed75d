/**
 * tasks rules on the create calls' answers (workspace, conversation, message).
 */
import { assertedRule, requestPath, reportFrameProblems } from '../../../core/kit.js';
import { defineRule } from '../../../core/rule.js';
import { at } from './read.js';

// ---- the create calls ------------------------------------------------------------------------

/** Each create call's path and the schema of its answer (the workspace's: any JSON, since its fields are not documented). */
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

// Could a legal server fail this? None: extra fields pass, and an id may be a string or an integer (the
// document never types it); the workspace answer may hold any JSON. An empty answer (204) fails: the
// Python and JS clients parse the workspace answer too (post_json returns r.json(); api returns res.json()).
export const createShape = defineRule({
  id: 'tasks.create.shape',
  title: 'A create answer is JSON, the workspace\'s too, and carries its id at the top level ({"conversation_id"} / {"task_id"}), not wrapped in data',
  severity: 'error',
  basis: 'doc',
  source: at('1) curl (json.load(sys.stdin)["conversation_id"], ["task_id"]); 2) Python (post_json: return r.json()); 3) JS (api: return await res.json())'),
  scopes: ['answer'],
  create: (context, report) => {
    const call = CREATES.find(([pattern]) => pattern.test(pathOf(context)));
    return {
      frame(frame) {
        if (call === undefined) return;
        if (!frame.json.ok) {
          const message =
            frame.type === 'body' && frame.text.trim() === ''
              ? 'the answer has no body; the documented clients parse it as JSON'
              : `the answer is not JSON: ${frame.json.error}`;
          report({ at: 'frame', frame, pointer: '', message, expected: call[1] === undefined ? 'a JSON body' : 'a JSON object' });
          return;
        }
        if (call[1] !== undefined) reportFrameProblems(report, frame, call[1], frame.json.value);
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
