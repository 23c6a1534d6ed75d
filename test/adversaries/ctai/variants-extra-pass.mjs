// Second-round conformant variations: what real backend stacks legally do differently.
import { makeExtraServer } from './extra-base.mjs';
import { pythonServer } from './extra-python.mjs';
import { ensureAscii, goJson, reversedKeys, springFrame } from './extra-serializers.mjs';

const pass = (id, says, start) => ({ id, expect: 'pass', says, breaks: undefined, start });
const x = (opts) => makeExtraServer(opts);

export const extraPassVariants = [
  pass('aiohttp-ensure-ascii',
    'Python aiohttp server: json.dumps defaults (\\uXXXX for all non-ASCII, ", " separators), CRLF frames, ": ping - <time>" comments, lower-case header names, UUID-hex msg_ids',
    pythonServer('extra_aiohttp_server.py')),
  pass('spring-sseemitter',
    'Spring SseEmitter framing: "data:" line first, then "event:message" and "id:" (no spaces), text/event-stream;charset=UTF-8, snowflake msg_ids, no-store cache headers',
    x({
      frame: springFrame,
      idStyle: 'snowflake',
      streamHeaders: [['Content-Type', 'text/event-stream;charset=UTF-8'], ['Cache-Control', 'no-cache, no-store, max-age=0, must-revalidate'],
        ['Pragma', 'no-cache'], ['Expires', '0'], ['X-Content-Type-Options', 'nosniff'], ['Connection', 'close']],
      plainHeaders: [['Content-Type', 'application/json;charset=UTF-8'], ['X-Content-Type-Options', 'nosniff']],
    })),
  pass('gzip-when-accepted',
    'Content-Encoding: gzip on both answers when the request accepts gzip (stream flushed with Z_SYNC_FLUSH per frame); identity otherwise',
    x({ gzip: true, streamHeaders: [['Content-Type', 'text/event-stream; charset=utf-8'], ['Cache-Control', 'no-cache'], ['Connection', 'close']] })),
  pass('utf8-bom-stream',
    'The event stream starts with a UTF-8 byte order mark (EF BB BF) before the first id: line',
    x({ bom: true })),
  pass('odd-header-casing',
    'Header names written in upper case (CONTENT-TYPE, CACHE-CONTROL) and charset=UTF-8 without a space in both Content-Types',
    x({
      streamHeaders: [['CONTENT-TYPE', 'text/event-stream;charset=UTF-8'], ['CACHE-CONTROL', 'no-cache'], ['CONNECTION', 'close']],
      plainHeaders: [['CONTENT-TYPE', 'application/json;charset=UTF-8']],
    })),
  pass('close-delimited-bodies',
    'HTTP/1.0-style bodies: neither Content-Length nor chunked encoding, Connection: close, the body ends when the socket closes (both modes)',
    x({ transport: 'close', plainTransport: 'close' })),
  pass('go-flush-per-line',
    'Go net/http style: each SSE line written and flushed on its own (id line, data line, blank line), Go json escapes of <, >, &',
    x({
      writeMode: 'line', json: goJson,
      streamHeaders: [['Content-Type', 'text/event-stream'], ['Cache-Control', 'no-cache'], ['X-Content-Type-Options', 'nosniff'], ['Connection', 'close']],
    })),
  pass('nginx-coalesced-bursts',
    'Behind a buffering proxy: frames produced in bursts of 4 and delivered in fixed 512-byte writes that cut frames and UTF-8 characters anywhere',
    x({
      writeMode: 'coalesce', coalesceBytes: 512, burst: 4, delay: [10, 30],
      streamHeaders: [['Server', 'nginx/1.24.0'], ['Content-Type', 'text/event-stream'], ['Cache-Control', 'no-cache'], ['Connection', 'close']],
    })),
  pass('slow-first-frame',
    'Headers at once, then 1.5 s of silence (retrieval) before the first frame; plain answers take 1.2 s',
    x({ firstDelay: 1500, plainDelay: 1200 })),
  pass('long-answer-hundreds-of-frames',
    'A long answer (~800 extra characters) in a few hundred 1-4 character packets, written in bursts of 10 frames',
    x({ filler: 800, maxPackets: 2000, burst: 10, delay: [5, 15] })),
  pass('linger-before-close',
    'After the stop packet the server waits 300 ms before closing the connection',
    x({ lingerMs: 300 })),
  pass('keep-alive-after-stream',
    'uvicorn/Tomcat style: the stream ends with the terminating zero-length chunk and the connection is kept alive for reuse (no Connection: close; idle sockets closed after 0.5 s + Node\'s 1 s grace)',
    x({ keepAliveMs: 500, streamHeaders: [['server', 'uvicorn'], ['content-type', 'text/event-stream; charset=utf-8'], ['cache-control', 'no-cache']] })),
  pass('reordered-pretty-json',
    'Keys in reverse order everywhere (data before ret, answer_text before msg_id); plain answers pretty-printed with 4-space indents',
    x({ json: (v) => JSON.stringify(reversedKeys(v)), plainJson: (v) => JSON.stringify(reversedKeys(v), null, 4) })),
  pass('empty-first-packet',
    'The first middle packet has answer_text "" (the model has started, no text yet); text follows in the next packets',
    x({ emptyFirstPacket: true })),
  pass('trailing-comma-requests',
    'Accepts the document\'s own request example with its trailing comma (lenient JSON parser); other malformed JSON is still refused',
    x({ lenientJson: true })),
  pass('http-422-refusals',
    'Non-streaming refusals: HTTP 422 for bad field values and 400 for bad JSON, body {ret, msg, request_id} (streaming refusals unchanged)',
    x({
      refusal: (ret, msg, streaming, env) => (streaming ? null : {
        status: ret === '100003' || ret === '100004' ? 400 : 422,
        headers: [['Content-Type', 'application/json; charset=utf-8']],
        body: ensureAscii({ ret, msg, request_id: `req-${env.nextId('r')}` }),
      }),
    })),
];
