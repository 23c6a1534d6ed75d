// A fourth round of independent servers, written from the documents alone by auditors who saw only
// the built CLI (and, for fastgpt, FastGPT's own code). Kept here: the variants that showed a false
// alarm or a missed fault when they were written, and conformant ones beside them.
import { fileURLToPath } from 'node:url';
import { spawnServer, variant } from '../audit/variants.mjs';

const serve = (family, options = {}, extra = {}) =>
  spawnServer(fileURLToPath(new URL('./serve.mjs', import.meta.url)), { FAMILY: family, OPTIONS: JSON.stringify(options) }, extra);

const CTAI = '002_cba551f1a5d093b7.txt';
const PY = '000_a17f2b116e8d969e.txt';
const FG = '004_2a3e4b61cfa92e1b.txt';
const TASKS = '003_2215f6354d6789dc.txt';
const FASTGPT = { token: 'fastgpt-good', vars: { appId: '66e29b870b24ce35330c0f08' } };
const TASKS_TOKEN = { token: 'audit-token-123' };

export const audit4Variants = {
  ctai: [
    variant('pass', 'r4-ct-base', 'A bot with memory per session_id; LF, id: = msg_id, chunked, keep-alive', `${CTAI} 应答示例`, serve('ctai')),
    variant('fail', 'r4-ct-ret-200', 'Success labelled ret "200", msg "success" on every packet', `${CTAI} 前端使用流式应答API (ret === '0')`, serve('ctai', { mutatePackets: 'ret200' })),
    variant('pass', 'r4-ct-rate-limited', 'More than two requests in flight: 429 with Retry-After 1', 'RFC 6585 4; the document is silent on rate limits', serve('ctai-whole', { rateLimit: 2, slow: [300, 600] })),
    variant('fail', 'r4-ct-mixes-sessions', 'One global "current question": concurrent sessions get each other\'s answers', 'digest: security', serve('ctai-whole', { mix: 150 })),
  ],
  tasks: [
    variant('pass', 'r4-tk-base', 'The documented flow', `${TASKS} 1) curl`, serve('tasks', {}, TASKS_TOKEN)),
    variant('pass', 'r4-tk-int-ids', 'Conversation ids are integers (an auto-increment id)', `${TASKS} (the ids are never typed)`, serve('tasks', { numericConv: true, idStyle: 'int' }, TASKS_TOKEN)),
    variant('pass', 'r4-tk-poll-limit', 'Polls less than 400 ms apart are answered 429 with Retry-After 1', `${TASKS} (every client waits 0.5 s between polls)`, serve('tasks', { minPollGap: 400 }, TASKS_TOKEN)),
    variant('fail', 'r4-tk-workspace-204', 'The workspace call answers 204 with no body', `${TASKS} 2) Python (post_json returns r.json())`, serve('tasks', { ws204: true }, TASKS_TOKEN)),
    variant('fail', 'r4-tk-completed-early', 'Says completed 300 ms before its last events', 'digest: a final poll has delivered every event', serve('tasks', { tail: -300, step: 60 }, TASKS_TOKEN)),
    variant('fail', 'r4-tk-mixes-workspaces', 'One global "current message": concurrent workspaces get each other\'s answers', 'digest: security', serve('tasks-whole', { mix: 150 }, { token: 'good' })),
  ],
  fastgpt: [
    variant('pass', 'r4-fg-idle-close', 'Closes an idle kept-alive connection after 5 ms, with no Keep-Alive hint', 'RFC 9112 9.5', serve('fastgpt', { idleClose: 5 }, FASTGPT)),
    variant('fail', 'r4-fg-error-event-text', 'A streaming refusal is an error event whose data is plain text', `${FG} Response (stream examples)`, serve('fastgpt', { streamErrorInStream: true, errorNotJson: true }, FASTGPT)),
    variant('fail', 'r4-fg-early-error-text', 'The pre-stream error frame carries plain text', 'digest: errors (code)', serve('fastgpt', { earlyErrorAsEvent: true, errorNotJson: true }, FASTGPT)),
  ],
  'fastgpt-py': [
    variant('pass', 'r4-py-idle-close', 'Closes an idle kept-alive connection after 5 ms, with no Keep-Alive hint', 'RFC 9112 9.5', serve('fastgpt-py', { idleClose: 5 })),
    variant('fail', 'r4-py-error-event-text', 'A streaming refusal is an error event whose data is plain text', `${PY} SSE 事件类型 (error: {"msg", "code"})`, serve('fastgpt-py', { refuseAsEvent: true, errorNotJson: true })),
  ],
};
