// A tenth round: the eighth round's ctai, fastgpt-py and tasks servers (in audit8/), extended by
// another auditor who saw only the documents, the digest and the built CLI, with 47 more mutations.
// Kept here: the faults chatwire passed when they were written (session ids folded to lower case,
// the two ctai flags swapped, cumulative text_delta, a final poll repeating an event, a workspace
// wiped by ensuring it again), a combination of legal variations per protocol, and the faithful
// servers beside them.
import { fileURLToPath } from 'node:url';
import { spawnServer, variant } from '../audit/variants.mjs';

const TOKEN = 'tok-audit8';
const serve = (file, mut, extra = {}) => spawnServer(fileURLToPath(new URL(`../audit8/${file}`, import.meta.url)), { MUT: mut, TOKEN }, extra);
const ctai = (mut) => serve('ctai-server.mjs', mut);
const py = (mut) => serve('fgpy-server.mjs', mut);
const tasks = (mut) => serve('tasks-server.mjs', mut, { token: TOKEN });

const CTAI = '002_cba551f1a5d093b7.txt';
const PY = '000_a17f2b116e8d969e.txt';
const TASKS = '003_2215f6354d6789dc.txt';

export const audit10Variants = {
  ctai: [
    variant('pass', 'r10-ct-faithful', 'The eighth round\'s faithful ctai server, as extended', `${CTAI} 请求参数, 流式应答`, ctai('')),
    variant(
      'pass',
      'r10-ct-legal-mix',
      'data: without a space, keys in another order, extra fields, numeric msg_ids, a response ended by closing the connection',
      `${CTAI} 应答示例; digest: SSE framing`,
      ctai('legal-no-space,legal-key-order,legal-extra-fields,legal-msgid-numeric,legal-close-delimited'),
    ),
    variant('fail', 'r10-ct-session-case-fold', 'Session ids compared without case: "CW-…-ISO-A" continues "cw-…-iso-a"', `${CTAI} 请求参数 (session_id: 相同会话 id 的多次问答才能形成多轮问答)`, ctai('legal-echo,session-case-fold')),
    variant('fail', 'r10-ct-flags-swapped', 'enable_citation turns off follow-ups and enable_followup turns off citations', `${CTAI} 请求参数 (enable_citation, enable_followup: 0:否)`, ctai('flags-swapped')),
  ],
  'fastgpt-py': [
    variant('pass', 'r10-py-faithful', 'The eighth round\'s faithful fastgpt-py server, as extended', `${PY} 请求参数, SSE 事件类型`, py('')),
    variant('pass', 'r10-py-legal-mix', "Python's json.dumps defaults, data: without a space, bare CR, a byte per write, gzip when asked", `${PY} SSE 事件类型; digest: SSE framing`, py('legal-py-json,legal-no-space,legal-cr-only,legal-byte-writes,legal-gzip')),
    variant('fail', 'r10-py-delta-cumulative', 'Each text_delta carries the whole text so far', `${PY} SSE 事件类型 (text_delta: 流式文本片段)`, py('delta-cumulative')),
  ],
  tasks: [
    variant('pass', 'r10-tk-faithful', 'The eighth round\'s faithful tasks server, as extended', `${TASKS} 1) curl`, tasks('')),
    variant('pass', 'r10-tk-legal-mix', "A byte per write, answers that echo the question, Python's json.dumps defaults", `${TASKS} 1) curl; digest: tasks`, tasks('legal-byte-writes,legal-echo,legal-py-json')),
    variant('fail', 'r10-tk-final-dup', 'The final poll repeats the event before its offset, and its next_offset moves past the log\'s end', `${TASKS} 1) curl (FROM=$NEXT; the client prints every poll's events)`, tasks('final-dup')),
    variant('fail', 'r10-tk-reensure-wipes', "Ensuring a workspace again deletes its conversations", `${TASKS} 1) curl (step 1: 创建/确保工作区存在)`, tasks('ws-reensure-wipes')),
  ],
};
