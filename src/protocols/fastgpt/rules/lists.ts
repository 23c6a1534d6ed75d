/**
 * fastgpt rules on the two paged lists of the chat-records calls: getHistories (an app's chats) and
 * getPaginationRecords (a chat's records). Each page is judged against the request that asked for it.
 */
import { show } from '../../../core/engine.js';
import type { Frame } from '../../../core/exchange.js';
import { defineRule, type ExchangeContext, type Finding, type RuleChecker } from '../../../core/rule.js';

type ReportFn = (finding: Finding) => void;
import { isRecord } from '../../../core/schemas.js';
import { at, pathOf } from './read.js';

const HISTORIES = /\/history\/getHistories$/;
const RECORDS_PAGE = /\/getPaginationRecords$/;

/** A successful page: its list and total, when the envelope says code 200 and data has a list. */
function pageOf(frame: Frame): { list: readonly unknown[]; total: unknown } | undefined {
  if (!frame.json.ok || !isRecord(frame.json.value) || frame.json.value['code'] !== 200) return undefined;
  const data = frame.json.value['data'];
  if (!isRecord(data) || !Array.isArray(data['list'])) return undefined;
  return { list: data['list'], total: data['total'] };
}

/** A number the request gave (offset, pageSize), as FastGPT reads it: a number or a numeric string. */
function requested(context: ExchangeContext, name: string): number | undefined {
  const body = context.requestJson;
  const value = isRecord(body) ? body[name] : undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : undefined;
}

/** Where a page starts: `offset`, or FastGPT's other form `pageNum` (from 1) times `pageSize`; 0 when neither is given. */
function offsetOf(context: ExchangeContext): number {
  const offset = requested(context, 'offset');
  if (offset !== undefined) return offset;
  const pageNum = requested(context, 'pageNum');
  const pageSize = requested(context, 'pageSize');
  return pageNum !== undefined && pageNum > 0 && pageSize !== undefined ? (pageNum - 1) * pageSize : 0;
}

/** A rule's frame handler on the lists `paths` name; other calls are not its business. */
function onList(paths: readonly RegExp[], judge: (context: ExchangeContext, frame: Frame, report: ReportFn) => void) {
  return (context: ExchangeContext, report: ReportFn): RuleChecker =>
    paths.some((path) => path.test(pathOf(context))) ? { frame: (frame: Frame) => judge(context, frame, report) } : {};
}

// Could a legal server fail this? None: an app's chat list holding another app's chat hands that chat to
// whoever holds this app's key (digest: security rules are errors).
export const historiesOwnApp = defineRule({
  id: 'fastgpt.records.own-app',
  title: "getHistories lists only the asked app's chats",
  severity: 'error',
  security: true,
  basis: 'inferred',
  source: at('Chat CRUD: getHistories (appId: the application ID); digest: security'),
  scopes: ['answer'],
  create: onList([HISTORIES], (context, frame, report) => {
    const asked = isRecord(context.requestJson) ? context.requestJson['appId'] : undefined;
    const page = pageOf(frame);
    if (typeof asked !== 'string' || page === undefined) return;
    page.list.forEach((item, index) => {
      const appId = isRecord(item) ? item['appId'] : undefined;
      if (typeof appId !== 'string' || appId === asked) return;
      report({ at: 'frame', frame, pointer: `/data/list/${index}/appId`, message: "another app's chat is listed", expected: asked, actual: appId });
    });
  }),
});

/** What names an item of each list: a chat by its chatId, a record by its dataId. */
function itemKey(path: string): string {
  return HISTORIES.test(path) ? 'chatId' : 'dataId';
}

// Could a legal server fail this? One that lists a chat or a record twice on a page, which no FastGPT
// version does (both lists come from one database query); inferred, so a warning.
export const listUnique = defineRule({
  id: 'fastgpt.records.unique',
  title: 'A page of getHistories or getPaginationRecords names each chat or record once',
  severity: 'warn',
  basis: 'inferred',
  source: at('Chat CRUD: getHistories, getPaginationRecords (dataId: the ID of a chat record)'),
  scopes: ['answer'],
  create: onList([HISTORIES, RECORDS_PAGE], (context, frame, report) => {
    const page = pageOf(frame);
    if (page === undefined) return;
    const key = itemKey(pathOf(context));
    const seen = new Map<string, number>();
    page.list.forEach((item, index) => {
      const id = isRecord(item) ? item[key] : undefined;
      if (typeof id !== 'string') return;
      const first = seen.get(id);
      if (first === undefined) seen.set(id, index);
      else report({ at: 'frame', frame, pointer: `/data/list/${index}/${key}`, message: `${key} ${show(id)} is listed twice on one page (first at ${first})` });
    });
  }),
});

// Could a legal server fail this? One whose total counts something else than the list (the document never
// defines it), or one that caps pageSize below what was asked (its full page looks short; FastGPT does not
// cap). The document's examples pair total with the list's length, and a pager stops on it. Inferred.
export const listTotal = defineRule({
  id: 'fastgpt.records.total',
  title: "A page's total agrees with the page: at least offset + its length, and exactly that on a short last page",
  severity: 'warn',
  basis: 'inferred',
  source: at('Chat CRUD: getHistories, getPaginationRecords (Response Examples: total and list)'),
  scopes: ['answer'],
  create: onList([HISTORIES, RECORDS_PAGE], (context, frame, report) => {
    const page = pageOf(frame);
    if (page === undefined || typeof page.total !== 'number') return;
    const offset = offsetOf(context);
    const pageSize = requested(context, 'pageSize');
    const seen = offset + page.list.length;
    // A short page is the last one (pageSize > 0 asked, fewer came): nothing lies beyond it.
    const last = pageSize !== undefined && pageSize > 0 && page.list.length > 0 && page.list.length < pageSize;
    // An empty page past the end says nothing about the items before it.
    if (page.list.length > 0 && page.total < seen) {
      report({
        at: 'frame',
        frame,
        pointer: '/data/total',
        message: `total is below the items up to this page (offset ${offset} + ${page.list.length})`,
        expected: `≥ ${seen}`,
        actual: String(page.total),
      });
    } else if (last && page.total !== seen) {
      report({
        at: 'frame',
        frame,
        pointer: '/data/total',
        message: `a short page is the last one, so total is offset ${offset} + ${page.list.length}`,
        expected: String(seen),
        actual: String(page.total),
      });
    }
  }),
});

// Could a legal server fail this? One that caps pageSize lower is fine (fewer items); more items than asked
// are not "the number of records" asked for. The suite's assertions report here too, when the page at the
// next offset repeats the first page: offset is the "starting position".
export const listPaging = defineRule({
  id: 'fastgpt.records.paging',
  title: 'getHistories and getPaginationRecords page as asked: at most pageSize items, from offset on',
  severity: 'error',
  basis: 'doc',
  source: at('Chat CRUD: getHistories, getPaginationRecords (Parameters: offset, pageSize)'),
  scopes: ['answer'],
  create: onList([HISTORIES, RECORDS_PAGE], (context, frame, report) => {
    const page = pageOf(frame);
    const pageSize = requested(context, 'pageSize');
    if (page === undefined || pageSize === undefined || pageSize === 0 || page.list.length <= pageSize) return;
    report({
      at: 'frame',
      frame,
      pointer: '/data/list',
      message: `the page holds more items than pageSize asked for`,
      expected: `at most ${pageSize}`,
      actual: String(page.list.length),
    });
  }),
});
