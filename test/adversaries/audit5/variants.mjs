// A fifth round of independent servers, written from the documents (and, for fastgpt, FastGPT's own
// code) by an auditor who saw only the built CLI: one configurable server per protocol whose legal
// switches combine freely. Kept here: faults chatwire missed when they were written, beside a
// combination of legal switches that must pass.
import { fileURLToPath } from 'node:url';
import { spawnServer, variant } from '../audit/variants.mjs';

const serve = (family, options = {}, extra = {}) =>
  spawnServer(fileURLToPath(new URL('./serve.mjs', import.meta.url)), { FAMILY: family, OPTIONS: JSON.stringify(options) }, extra);

const CTAI = '002_cba551f1a5d093b7.txt';
const FG = '004_2a3e4b61cfa92e1b.txt';
const FASTGPT = {
  token: 'fastgpt-main-key',
  vars: { appId: '6711c0ffee000000000c4a7e', selectAppKey: 'fastgpt-select-key', formAppKey: 'fastgpt-form-key', pluginAppKey: 'fastgpt-plugin-key' },
};

export const audit5Variants = {
  ctai: [
    variant('pass', 'r5-ct-python-crlf', 'json.dumps defaults (ensure_ascii, ", "), lower-case headers, CRLF cut between CR and LF', `${CTAI} 应答示例`, serve('ctai', { seed: 3, ws: 'spaced', ascii: true, hcase: 'lower', eol: 'crlf', split: 'crlf' })),
    variant('fail', 'r5-ct-refusal-ret-zero', 'A refusal by HTTP 400 whose envelope says ret "0"', `${CTAI} 应答示例 (ret 失败是非 0)`, serve('ctai', { seed: 5, fault: 'refusal-ret-zero' })),
    variant('fail', 'r5-ct-refuses-th', 'Refuses lang th_TH, which the table allows', `${CTAI} 请求参数 (lang 可选值)`, serve('ctai', { seed: 5, fault: 'refuse-th' })),
    variant('fail', 'r5-ct-flags-stream-only', 'Honours enable_citation "0" and ctdoc_id only when streaming', `${CTAI} 请求参数 (enable_citation, ctdoc_id)`, serve('ctai', { seed: 5, fault: 'nonstream-ignores-flags' })),
  ],
  fastgpt: [
    variant('pass', 'r5-fg-base', 'FastGPT as its code answers: detail events, interactive nodes, plugins, records', `${FG} Request`, serve('fastgpt', { seed: 3 }, FASTGPT)),
    variant('fail', 'r5-fg-plugin-stream-no-output', "A streamed plugin call whose flowResponses has no pluginOutput node", `${FG} Request Plugin (stream: find moduleType=pluginOutput)`, serve('fastgpt', { seed: 5, fault: 'plugin-stream-no-output' }, FASTGPT)),
  ],
};
