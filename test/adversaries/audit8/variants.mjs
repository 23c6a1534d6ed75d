// An eighth round of independent servers, written from the documents by two auditors who saw only the
// built CLI: one faithful server per protocol, changed by one mutation at a time (MUT). Kept here: the
// mutations chatwire passed when they were written (values the request table allows refused, a token
// that only looks like the server's accepted, ?stream=false streamed, a FastGPT record holding the
// first message rather than the last, an empty answer record, feedback stored on the question, no
// node results kept, chats listed without title or updateTime, a stop chunk with finish_reason "",
// CHAT_SS with two arguments), the legal one it refused (flowResponses late after [DONE], the server
// closing soon after it), and the faithful servers beside them. Some mutations were added to the
// auditors' servers later, each with the chatwire case that finds it (near keys, records near keys).
import { fileURLToPath } from 'node:url';
import { spawnServer, variant } from '../audit/variants.mjs';

const TOKEN = 'tok-audit8';
const serve = (file, mut, extra = {}) => spawnServer(fileURLToPath(new URL(`./${file}`, import.meta.url)), { MUT: mut, TOKEN }, extra);
const ctai = (mut) => serve('ctai-server.mjs', mut);
const py = (mut) => serve('fgpy-server.mjs', mut);
const tasks = (mut) => serve('tasks-server.mjs', mut, { token: TOKEN });
const FASTGPT_VARS = { appId: 'app000000000000000000main', selectAppKey: 'fastgpt-select', formAppKey: 'fastgpt-form', pluginAppKey: 'fastgpt-plugin' };
const fastgpt = (mut) => serve('fastgpt-server.mjs', mut, { token: 'fastgpt-main', vars: FASTGPT_VARS });
const pocketqa = (mut) => serve('pocketqa-server.mjs', mut);

const CTAI = '002_cba551f1a5d093b7.txt';
const PY = '000_a17f2b116e8d969e.txt';
const TASKS = '003_2215f6354d6789dc.txt';
const FG = '004_2a3e4b61cfa92e1b.txt';
const PQ = '001_6e6f726506b3aba0.txt';

export const audit8Variants = {
  ctai: [
    variant('pass', 'r8-ct-faithful', 'Every field of the request table honoured, sessions remembered', `${CTAI} 请求参数, 流式应答`, ctai('')),
    variant('fail', 'r8-ct-refuse-ko', 'lang "ko_KR" refused with HTTP 400', `${CTAI} 请求参数 (lang 可选值有 zh_CN / en_US / ko_KR / ja_JP / th_TH)`, ctai('refuse-ko')),
    variant('fail', 'r8-ct-refuse-en-us', 'lang "en_US" refused with HTTP 400', `${CTAI} 请求参数 (lang 可选值)`, ctai('refuse-en-US')),
    variant('fail', 'r8-ct-refuse-context', 'Any context refused, though the document\'s example sends one', `${CTAI} 请求参数 (context)`, ctai('refuse-context')),
    variant('fail', 'r8-ct-refuse-elaborate-0', 'enable_elaborate "0" refused', `${CTAI} 请求参数 (enable_elaborate 0:关闭)`, ctai('refuse-elaborate-0')),
    variant('fail', 'r8-ct-refuse-writer', 'ctprofile_id "writer" refused', `${CTAI} 请求参数 (ctprofile_id writer, 默认值)`, ctai('refuse-writer')),
    variant('fail', 'r8-ct-refuse-doc-chat', 'category "doc_chat" named explicitly refused', `${CTAI} 请求参数 (category doc_chat, 默认值)`, ctai('refuse-doc-chat')),
  ],
  'fastgpt-py': [
    variant('pass', 'r8-py-faithful', 'stream read from the query or the body, stage codes over a session', `${PY} 请求参数, SSE 事件类型`, py('')),
    variant('fail', 'r8-py-stream-false-streams', '?stream=false (any stream parameter at all) answered with an event stream', `${PY} 请求参数 (stream: 设为 true 启用流式响应)`, py('stream-false-streams')),
  ],
  fastgpt: [
    variant('pass', 'r8-fg-faithful', 'Chat completions streamed and not, detail on and off, interactive nodes, plugin calls, the records calls', `${FG} Request, Response, Chat CRUD`, fastgpt('none')),
    variant('pass', 'r8-fg-late-flowresponses', 'flowResponses 1.2 s after [DONE], the response ended 1 s after it', `${FG} Response (detail=true); digest: flowResponses after [DONE] in v4.11–v4.14`, fastgpt('legal-late-flowresponses+legal-linger-1s')),
    variant('fail', 'r8-fg-first-message-question', 'With a chatId, the first message is taken as the question and stored, not the last', `${FG} Parameters (chatId: 使用 messages数组最后一个内容作为用户问题)`, fastgpt('first-message-question')),
    variant('fail', 'r8-fg-human-record-placeholder', "The Human record holds a placeholder, not the question asked", `${FG} getPaginationRecords (Human value)`, fastgpt('rec-human-wrong-text')),
    variant('fail', 'r8-fg-key-case', 'API keys looked up without case', `${FG} Start a Conversation (application-specific API key)`, fastgpt('key-case')),
    variant('fail', 'r8-fg-key-leading-part', 'A leading part of an API key is taken for the key', `${FG} Start a Conversation (application-specific API key)`, fastgpt('key-leading-part')),
    variant('pass', 'r8-fg-records-newest-first', 'getPaginationRecords lists a page newest first', `${FG} getPaginationRecords (offset, pageSize: any order)`, fastgpt('legal-records-newest-first')),
    variant('fail', 'r8-fg-ai-record-empty', 'The AI record holds an empty text, not the answer', `${FG} getPaginationRecords (AI value)`, fastgpt('rec-ai-value-empty')),
    variant('fail', 'r8-fg-feedback-on-question', 'Feedback on an answer is stored on the record before it, the question', `${FG} Like / Unlike (dataId - Chat Record ID)`, fastgpt('rec-feedback-on-human')),
    variant('fail', 'r8-fg-resdata-empty', 'getResData answers [] for an answer that ran its nodes', `${FG} getResData (dataId: the node results of that record)`, fastgpt('rec-resdata-empty')),
    variant('fail', 'r8-fg-histories-no-title', 'getHistories items without title', `${FG} getHistories (Response Example: title)`, fastgpt('rec-hist-no-title-only')),
    variant('fail', 'r8-fg-histories-no-updatetime', 'getHistories items without updateTime', `${FG} getHistories (Response Example: updateTime)`, fastgpt('rec-hist-no-updatetime')),
    variant('fail', 'r8-fg-finish-empty-string', 'The stop chunk says finish_reason "" instead of "stop"', `${FG} Response (stream examples: finish_reason "stop" before [DONE])`, fastgpt('st-finish-empty-string')),
    variant('fail', 'r8-fg-records-key-leading-part', 'The records calls take a leading part of an API key for the key', `${FG} Chat CRUD (called with an application-specific API key)`, fastgpt('rec-key-leading-part')),
    variant('fail', 'r8-fg-text-in-delta-text', 'Streamed text sent in choices[0].delta.text, never in delta.content', `${FG} Response (stream examples: delta.content)`, fastgpt('st-text-in-wrong-field')),
  ],
  pocketqa: [
    variant('pass', 'r8-pq-faithful', 'CHAT_SS partial events and a stop, in the room asked', `${PQ} 发送事件(response)`, pocketqa('none')),
    variant('fail', 'r8-pq-two-args', 'CHAT_SS emitted with a second argument, which the document\'s client handler cannot take', `${PQ} 测试代码 (receive_message(response))`, pocketqa('two-args')),
  ],
  tasks: [
    variant('pass', 'r8-tk-faithful', 'Workspaces, conversations, messages and polls as the document shows them', `${TASKS} 1) curl`, tasks('')),
    variant('fail', 'r8-tk-token-prefix', 'A token that starts with the real one is accepted', `${TASKS} 通用 Header (Authorization: Bearer <TOKEN>)`, tasks('token-prefix')),
    variant('fail', 'r8-tk-token-truncated', 'A token that is a leading part of the real one is accepted', `${TASKS} 通用 Header (Authorization: Bearer <TOKEN>)`, tasks('token-truncated')),
    variant('fail', 'r8-tk-token-case', 'The token is compared without case', `${TASKS} 通用 Header (Authorization: Bearer <TOKEN>)`, tasks('token-case')),
    variant('fail', 'r8-tk-empty-bearer', 'Authorization: Bearer with no token is served', `${TASKS} 通用 Header (Authorization: Bearer <TOKEN>)`, tasks('empty-bearer-accepted')),
  ],
};
