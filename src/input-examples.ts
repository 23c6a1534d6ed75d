/**
 * The examples of chatwire's own file formats, written into their JSON Schemas (schemas/chatwire/)
 * with them: real files, made by chatwire against its embedded mock or taken from mocks/ and suites/.
 */

/** README, "Baselines". */
export const baselineExample = { version: 1, known: [{ rule: 'ctai.msg_sn.sequence', case: 'ctai/stream-answer', reason: 'sequence fix ships in 2.1' }] };

/** mocks/ctai/error.json. */
export const scenarioExample = {
  description:
    'The backend fails: one packet with ret other than "0" and a msg saying why, then the connection closes; the non-streaming answer is the same envelope.',
  breaks: [],
  stream: {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    frames: [{ delayMs: 30, id: '{{exchange}}-0', data: { ret: '10021', msg: 'knowledge base is not ready' } }],
  },
  answer: { delayMs: 30, status: 200, headers: { 'content-type': 'application/json' }, body: { ret: '10021', msg: 'knowledge base is not ready' } },
};

/** Two cases of suites/ctai.json: a stream that must keep every rule, a request that must be refused. */
export const suiteExample = {
  protocol: 'ctai',
  description:
    'Conformance cases for ctai, document 002_cba551f1a5d093b7.txt: answers in both modes, a multi-turn session, citations, the creation centre, and requests the document forbids.',
  cases: [
    {
      name: 'stream-answer',
      title: 'A streaming question is answered with packets and a final stop packet',
      source: { doc: '002_cba551f1a5d093b7.txt', section: '流式应答' },
      steps: [
        {
          type: 'http',
          method: 'POST',
          path: '/v1/ctai/query_text_chat',
          body: { query_text: '你好，请问2路汽车在哪里乘坐', session_id: 'cw-{{run}}-stream', stream: '1' },
          expect: 'stream',
        },
      ],
    },
    {
      name: 'refuse-lang-xx',
      title: 'lang "xx_XX", which no reading of the document allows, is refused',
      source: { doc: '002_cba551f1a5d093b7.txt', section: '请求参数 (lang: 可选值有 zh_CN / en_US / ko_KR / ja_JP / th_TH)' },
      because: 'lang is "xx_XX"; allowed are zh_CN, en_US, ko_KR, ja_JP, th_TH (and, generously read, the example\'s "en")',
      steps: [
        {
          type: 'http',
          method: 'POST',
          path: '/v1/ctai/query_text_chat',
          body: { query_text: '你好，请问2路汽车在哪里乘坐', lang: 'xx_XX', stream: '0' },
          expect: 'refusal',
        },
      ],
      legalServers: 'None: "xx_XX" is neither in the list nor the example\'s "en", which a generous server may accept and is therefore not used here.',
    },
  ],
};

/** The lines of `chatwire record ctai -c ctai/stream-answer`: the header, then one exchange (a chunk and its frame of four). */
export const recordingExamples = [
  {
    type: 'recording',
    format: 'chatwire-recording',
    version: 1,
    protocol: 'ctai',
    createdAt: '2026-11-29T15:52:33.368Z',
    tool: 'chatwire 0.1.0',
    target: 'http://127.0.0.1:8080',
    redacted: { headers: ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-chatwire-token'], fields: [] },
  },
  {
    type: 'request',
    exchange: 0,
    startedMs: 90,
    case: 'stream-answer',
    step: 0,
    run: 'efb47da2',
    expect: 'stream',
    method: 'POST',
    url: 'http://127.0.0.1:8080/v1/ctai/query_text_chat',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: '{"query_text":"你好，请问2路汽车在哪里乘坐","session_id":"cw-efb47da2-stream","stream":"1"}',
  },
  {
    type: 'response',
    exchange: 0,
    atMs: 95.5,
    status: 200,
    headers: {
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'content-type': 'text/event-stream; charset=utf-8',
      date: 'Sun, 29 Nov 2026 15:52:33 GMT',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      vary: 'Origin',
    },
  },
  {
    type: 'chunk',
    exchange: 0,
    atMs: 137.9,
    text: 'id: bb5f48aa2739-0\ndata: {"ret":"0","msg":"","data":{"msg_id":"bb5f48aa2739-0","msg_sn":"0","event":"","answer_text":"2路汽车"}}\n\n',
  },
  {
    type: 'frame',
    exchange: 0,
    frame: {
      type: 'sse',
      index: 0,
      atMs: 138.4,
      id: 'bb5f48aa2739-0',
      data: '{"ret":"0","msg":"","data":{"msg_id":"bb5f48aa2739-0","msg_sn":"0","event":"","answer_text":"2路汽车"}}',
    },
  },
  { type: 'end', exchange: 0, end: { type: 'closed', atMs: 230 } },
];

/** `chatwire run ctai -c ctai/stream-answer -r json` against a backend whose msg_sn skips a number. */
export const reportExample = {
  format: 'chatwire-report',
  version: 1,
  tool: 'chatwire 0.1.0',
  target: 'http://127.0.0.1:8080',
  embeddedMock: false,
  strict: false,
  startedAt: '2026-11-29T15:52:27.863Z',
  durationMs: 587,
  cases: [
    {
      protocol: 'ctai',
      name: 'stream-answer',
      title: 'A streaming question is answered with packets and a final stop packet',
      source: { doc: '002_cba551f1a5d093b7.txt', section: '流式应答' },
      outcome: 'failed',
      durationMs: 535,
      steps: [
        {
          index: 0,
          method: 'POST',
          url: 'http://127.0.0.1:34411/v1/ctai/query_text_chat',
          expect: 'stream',
          status: 200,
          frames: 4,
          end: 'closed',
          durationMs: 247.12123700000006,
          deviations: [
            {
              rule: 'ctai.msg_sn.sequence',
              severity: 'error',
              basis: 'doc',
              source: { doc: '002_cba551f1a5d093b7.txt', section: '应答示例 (field table: msg_sn, 从 0 开始,每个包 +1)' },
              message: 'a gap: msg_sn 2 never came',
              expected: '"2"',
              actual: '"3"',
              type: 'frame',
              frame: 2,
              pointer: '/data/msg_sn',
              quote: '{"ret":"0","msg":"","data":{"msg_id":"5a178e60990c-3","msg_sn":"3","event":"","answer_text":"乘坐。"}}',
            },
          ],
          latency: {
            ttfbMs: 144.2,
            ttftMs: 144.6,
            gaps: { count: 3, p50Ms: 34, p99Ms: 36.2, maxMs: 36.2, histogram: [{ upToMs: 64, count: 3 }] },
            totalMs: 247.1,
          },
        },
      ],
    },
  ],
  totals: { cases: 1, passed: 0, warned: 0, failed: 1, skipped: 0, errors: 1, warnings: 0, known: 0, stale: 0 },
};
