// A seventh round of independent servers, written from the documents by an auditor who saw only the
// built CLI: one configurable tasks server and one pocketqa server on Node's socket.io, whose legal
// switches combine freely. Kept here: the legal variations chatwire refused when they were written
// (a poll answered 202 while running; received null on partial events, as a Python server's None
// writes it), seeded combinations that must pass, and subtle faults that must still be caught.
import { fileURLToPath } from 'node:url';
import { spawnServer, variant } from '../audit/variants.mjs';

const serve = (file, options, extra = {}) => spawnServer(fileURLToPath(new URL(`./${file}`, import.meta.url)), { OPTIONS: JSON.stringify(options) }, extra);
const tasks = (options) => serve('tasks.mjs', options, { token: 'tok-audit7' });
const pocketqa = (options) => serve('pocketqa.mjs', options);

const TASKS = '003_2215f6354d6789dc.txt';
const PQA = '001_6e6f726506b3aba0.txt';

export const audit7Variants = {
  tasks: [
    variant('pass', 'r7-tk-202-running', 'Polls of a running task answered 202 with the usual body', `${TASKS} 2) Python raise_for_status, 3) JS res.ok`, tasks({ pollCode: 202, eventInterval: 100, nEvents: 6 })),
    variant(
      'pass',
      'r7-tk-seed-103',
      'Integer ids, ensure_ascii escapes, pretty JSON, gzip and chunked, upper-case headers, a 1 s keep-alive, 201 on create, undocumented event types beside text_chunk',
      `${TASKS} 1) curl`,
      tasks({ pageSize: 0, nEvents: 25, otherTypes: true, nullOptional: true, asciiEscape: true, pretty: true, idShape: 'int', pollDelay: 6, gzip: true, chunked: true, keepAliveTimeout: 1000, headerCase: 'upper', charset: 'utf8', finalStatus: 'finished', offsetUnit: 'chars', createStatus: 201 }),
    ),
    variant(
      'pass',
      'r7-tk-seed-107',
      'Pages of five, epoch timestamps, Connection: close with a 50 ms keep-alive, gzip and chunked, a final status of "succeeded"',
      `${TASKS} 1) curl`,
      tasks({ pageSize: 5, nEvents: 3, asciiEscape: true, tsFormat: 'epoch', eventInterval: 80, burst: 5, pollDelay: 50, gzip: true, chunked: true, connClose: true, keepAliveTimeout: 50, finalStatus: 'succeeded', offsetUnit: 'chars', textMode: 'escapes' }),
    ),
    variant('fail', 'r7-tk-offset-string-late', 'next_offset turns into a string once it reaches 10', `${TASKS} 4) data.next_offset (an int in the Flutter client)`, tasks({ fault: 'offset-string-late', pageSize: 3, nEvents: 15 })),
    variant('fail', 'r7-tk-concurrency-leak', "While another workspace's task runs, its message leaks into this task's chunks", `${TASKS} (digest: workspaces isolated)`, tasks({ fault: 'concurrency-leak', eventInterval: 60, nEvents: 8 })),
    variant('fail', 'r7-tk-second-task-repeat', "The second task of a conversation pages with next_offset one short: an event repeats per page", `${TASKS} 1) curl (FROM=$NEXT)`, tasks({ fault: 'second-task-repeat', pageSize: 2, nEvents: 6 })),
  ],
  pocketqa: [
    variant('pass', 'r7-pq-received-null', 'Partial CHAT_SS events carry received: null; the stop event the whole received', `${PQA} 发送事件(response)`, pocketqa({ nullOptional: true })),
    variant(
      'pass',
      'r7-pq-seed-211',
      'Both transports, deflate, EIO3 allowed, one character per event, no delta on the stop, finish_reason "" before it, side events, fields reordered, null optional fields',
      `${PQA} 发送事件(response)`,
      pocketqa({ transports: 'both', deflate: true, allowEIO3: true, split: 'chunks', chunkSize: 1, stopDelta: 'absent', partialFinish: 'empty', nullOptional: true, reorder: true, useRoom: true, roomDefault: 'sid', firstDelay: 1500, gap: 5, sideEvents: true, welcome: true, textMode: 'cjk', clue: 'full' }),
    ),
    variant('fail', 'r7-pq-null-delta-10', "The 10th event's delta is null, before the stop", `${PQA} 发送事件(response) (delta 输出内容)`, pocketqa({ fault: 'null-delta-10', split: 'tiny' })),
    variant('fail', 'r7-pq-latest-socket', 'The answer goes to the most recently connected socket, not the asker', `${PQA} 发送事件(response) (room)`, pocketqa({ fault: 'latest-socket' })),
  ],
};
