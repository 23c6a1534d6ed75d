// A third round of independent servers, written from the documents alone: one server per protocol
// family, its behaviour chosen by an environment variable. Here: the variants that showed a false
// alarm or a missed fault in chatwire when they were written, and conformant ones beside them.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** Starts the server script at `path` with `env`; it prints "PORT <n>" once it listens. */
export function spawnServer(path, env, extra = {}) {
  const file = path.split('/').slice(-2).join('/');
  return async () => {
    const child = spawn(process.execPath, [path], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const port = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${file}: no port after 10 s\n${stderr}`)), 10_000);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /PORT (\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${file} exited (${code})\n${stderr}`));
      });
    });
    return {
      url: `http://127.0.0.1:${port}`,
      ...extra,
      close: async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(killer);
      },
    };
  };
}

const server = (file, env, extra = {}) => spawnServer(here(file), env, extra);
export const variant = (expect, id, says, breaks, start) => ({ id: `audit-${id}`, expect, says, breaks, start });

const http = (name) => server('http-server.cjs', { VARIANT: name });
const FASTGPT_VARS = { appId: '66e29b870b24ce35330c0f08', selectAppKey: 'SEL', formAppKey: 'FORM', pluginAppKey: 'PLUG' };
const fastgpt = (flags) => server('fastgpt-server.cjs', { FLAGS: flags }, { token: 'T', vars: FASTGPT_VARS });
const tasks = (mode) => server('tasks-server.cjs', { MODE: mode }, { token: 'T' });
const pocketqa = (mode) => server('pocketqa-server.cjs', { MODE: mode });

const CTAI = '002_cba551f1a5d093b7.txt';
const PY = '000_a17f2b116e8d969e.txt';
const FG = '004_2a3e4b61cfa92e1b.txt';
const TASKS = '003_2215f6354d6789dc.txt';
const PQ = '001_6e6f726506b3aba0.txt';

export const auditVariants = {
  ctai: [
    variant('pass', 'ct-base', 'A small bot with memory per session_id; LF, id: = msg_id', `${CTAI} 流式应答`, http('base')),
    variant('pass', 'ct-minimal', "Packets exactly like the document's example", `${CTAI} 应答示例`, http('ct-c-minimal')),
    variant('pass', 'ct-midstream-error', 'Content, then a ret "50001" packet instead of the stop packet', 'digest: errors are ret≠0 packets', http('ct-c-midstream-error')),
    variant('pass', 'ct-raw10', 'HTTP/1.0, body ended by closing the connection', 'RFC 9112 6.3', http('ct-c-raw10')),
    variant('fail', 'ct-stream-by-accept', 'Streams only when Accept asks for text/event-stream, whatever stream says', `${CTAI} 请求参数 (stream)`, http('ct-f-stream-by-accept')),
    variant('fail', 'ct-nosession-shared', 'Questions without a session_id share one conversation', `${CTAI} 请求参数 (session_id)`, http('ct-f-nosession-shared')),
    variant('fail', 'ct-ret-number-one', 'ret is the number 0 in the first packet', `${CTAI} 应答示例 (ret: string)`, http('ct-f-ret-number-one')),
    variant('fail', 'ct-refusal-nomsg', 'A streaming refusal packet with an empty msg', `${CTAI} 应答示例 (msg 错误信息)`, http('ct-f-stream-refusal-nomsg')),
  ],
  'fastgpt-py': [
    variant('pass', 'fp-base', 'stage_code, text_delta, done; stream from the query or the body', `${PY} SSE 事件类型`, http('base')),
    variant('pass', 'fp-query-only', 'Reads stream only from the query string, as the URL shows', `${PY} 接口地址`, http('fp-c-query-only')),
    variant('pass', 'fp-starlette', 'CRLF, : ping comments, Python json.dumps', 'digest: SSE framing', http('fp-c-starlette')),
    variant('pass', 'fp-midstream-error', 'Stage and text, then an error event, no done', 'digest: error may end a stream', http('fp-c-midstream-error')),
    variant('fail', 'fp-stream-by-accept', 'Streams only when Accept asks for text/event-stream', `${PY} 接口地址 (?stream=true)`, http('fp-f-stream-by-accept')),
    variant('fail', 'fp-always-error', 'Every valid request answered with an error event', 'inferred: a valid request is answered', http('fp-f-always-error')),
    variant('fail', 'fp-coerce-text', 'text 42 is turned into "42" and answered, as pydantic v1 does', `${PY} 请求参数 (text: string)`, http('fp-f-coerce-text')),
  ],
  fastgpt: [
    variant('pass', 'fg-base', 'FastGPT v4.11–v4.14 as its code behaves', 'digest (code)', fastgpt('')),
    variant('pass', 'fg-doc-literal', "Chunks exactly as the document's examples", `${FG} stream examples`, fastgpt('doc-literal,doc-stop')),
    variant('pass', 'fg-records-oldest-first', 'Records paged oldest first', 'the document is silent on the order', fastgpt('records-oldest-first')),
    variant('pass', 'fg-form-validate', 'Checks form answers: a required number and a required select', `${FG} Continue Interactive Node (Form Input)`, fastgpt('form-validate,form-number-required')),
    variant('fail', 'fg-auth-only-some', 'Records, init, node results, feedback, item delete and clear served without a key', 'digest: security', fastgpt('fault-auth-only-some')),
    variant('fail', 'fg-histories-cross-app', "getHistories lists another app's chat", 'digest: security', fastgpt('fault-histories-cross-app')),
    variant('fail', 'fg-records-ignore-offset', 'getPaginationRecords ignores offset', `${FG} getPaginationRecords (offset)`, fastgpt('fault-records-ignore-offset')),
    variant('fail', 'fg-histories-ignore-offset', 'getHistories ignores offset', `${FG} getHistories (offset)`, fastgpt('fault-histories-ignore-offset')),
    variant('fail', 'fg-records-total-wrong', 'total is 5 more than the records', `${FG} getPaginationRecords (total)`, fastgpt('fault-records-total-wrong')),
    variant('fail', 'fg-status-500-success', 'A code-200 envelope with HTTP 500', 'inferred', fastgpt('fault-status-500-success')),
  ],
  tasks: [
    variant('pass', 'tk-base', 'Every event at once, Content-Length, keep-alive', `${TASKS} 1) curl`, tasks('base')),
    variant('pass', 'tk-paging', 'Two events a poll; a re-read from 0 answers running until its end', 'digest: paging is legal', tasks('paging')),
    variant('pass', 'tk-globalseq', 'Offsets are server-wide cursors with jumps', `${TASKS} 1) curl (FROM=$NEXT)`, tasks('globalseq')),
    variant('pass', 'tk-forbid403', 'A wrong token is refused with 403', 'digest: security', tasks('forbid403')),
    variant('fail', 'tk-leak', "An answer quotes another workspace's message, split across text_chunk events", 'digest: security', tasks('leak')),
    variant('fail', 'tk-poll-anytoken', 'A poll with any token gets the answer', 'digest: security', tasks('poll-anytoken')),
    variant('fail', 'tk-msg-anytoken', 'A message with any token is accepted', 'digest: security', tasks('msg-anytoken')),
    variant('fail', 'tk-require-maxiter', 'A message without max_iterations is refused', `${TASKS} 1) curl (step 3 sends none)`, tasks('require-maxiter')),
    variant('fail', 'tk-dup-taskid', 'Every message answers the same task_id', `${TASKS} 1) curl (steps 3–4)`, tasks('dup-taskid')),
  ],
  pocketqa: [
    variant('pass', 'pq-base', 'Deltas, then a stop event with received; a history per room', `${PQ} 发送事件`, pocketqa('base')),
    variant('pass', 'pq-one-shot', "The document's example taken literally", `${PQ} 发送事件`, pocketqa('one-shot')),
    variant('fail', 'pq-shared-default-room', 'Every socket without a room shares one history', 'digest: security', pocketqa('shared-default-room')),
  ],
};
