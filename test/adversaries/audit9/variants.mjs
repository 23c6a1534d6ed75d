// A ninth round: the eighth round's FastGPT server (audit8/fastgpt-server.mjs), extended by another
// auditor who saw only the documents, the digest and the built CLI, with 49 more mutations (prefix a9-). Kept here: the two
// faults chatwire passed when they were written (an unpin ignored, getResData answering the latest
// record's nodes whatever dataId asks), the paging order of real FastGPT, a combination of legal
// transport variations, and the faithful server beside them.
import { fileURLToPath } from 'node:url';
import { spawnServer, variant } from '../audit/variants.mjs';

const FASTGPT_VARS = { appId: 'app000000000000000000main', selectAppKey: 'fastgpt-select', formAppKey: 'fastgpt-form', pluginAppKey: 'fastgpt-plugin' };
const fastgpt = (mut) =>
  spawnServer(fileURLToPath(new URL('../audit8/fastgpt-server.mjs', import.meta.url)), { MUT: mut }, { token: 'fastgpt-main', vars: FASTGPT_VARS });
const FG = '004_2a3e4b61cfa92e1b.txt';

export const audit9Variants = {
  fastgpt: [
    variant('pass', 'r9-fg-faithful', 'The eighth round\'s faithful server, as extended', `${FG} Request, Response, Chat CRUD`, fastgpt('none')),
    variant(
      'pass',
      'r9-fg-transport-mix',
      'gzip when asked, CR and LF in separate writes, extra headers, new detail events, extra fields in the records',
      `${FG} Response; digest: SSE framing, unknown events warn`,
      fastgpt('a9-gzip+a9-crlf-split+a9-extra-headers+a9-new-events+a9-records-extra-fields'),
    ),
    variant('pass', 'r9-fg-records-page-from-newest', "getPaginationRecords pages from the newest record, as FastGPT's getChatItems does", `${FG} getPaginationRecords (offset, pageSize)`, fastgpt('a9-records-page-from-newest')),
    variant('fail', 'r9-fg-unpin-ignored', 'updateHistory with top false leaves the chat pinned', `${FG} Pin / Unpin (top: true = pin, false = unpin)`, fastgpt('a9-unpin-ignored')),
    variant('fail', 'r9-fg-resdata-latest', "getResData answers the latest record's node results, whatever dataId names", `${FG} getResData (dataId - Chat Record ID)`, fastgpt('a9-resdata-latest')),
  ],
};
