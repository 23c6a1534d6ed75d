/**
 * fastgpt-py rules on the stream, one event at a time: served as an event stream, each event one of the
 * four documented names, spelt as documented, its data a JSON object of the documented shape.
 */
import { show } from '../../../core/engine.js';
import { contentTypeRule, jsonFrameRule, reportFrameProblems, statusRule } from '../../../core/kit.js';
import type { Frame } from '../../../core/exchange.js';
import { defineRule } from '../../../core/rule.js';
import { isRecord } from '../../../core/schemas.js';
import { at, EVENTS, eventOf, payload } from './read.js';

// Could a legal server fail this? None: any parameter (charset) is accepted.
export const streamContentType = contentTypeRule(
  {
    id: 'fastgpt-py.stream.content-type',
    title: 'A streaming request is answered as text/event-stream',
    severity: 'error',
    basis: 'doc',
    source: at('接口地址 (?stream=true) and SSE 事件类型'),
    scopes: ['stream'],
  },
  'text/event-stream',
);

export const streamStatus = statusRule(
  {
    id: 'fastgpt-py.stream.status',
    title: 'A stream opens with HTTP 200',
    severity: 'warn',
    basis: 'inferred',
    source: at('示例 (响应: Status: 200)'),
    scopes: ['stream'],
  },
  [200],
);

// Could a legal server fail this? None: the data format column shows a JSON object for every event, the
// error event a refusal sends included. A body that is not an event stream is the content-type rules' to judge.
export const eventJson = jsonFrameRule(
  {
    id: 'fastgpt-py.event.json',
    title: "Every event's data is a JSON object (a refusal's error event too)",
    severity: 'error',
    basis: 'doc',
    source: at('SSE 事件类型 (数据格式: error {"msg": "错误描述", "code": "500"})'),
    scopes: ['stream', 'refusal'],
  },
  { object: true, select: (frame) => frame.type === 'sse' },
);

export const eventKnown = defineRule({
  id: 'fastgpt-py.event.known',
  title: 'Events are stage_code, text_delta, done or error',
  severity: 'warn',
  basis: 'inferred',
  source: at('SSE 事件类型'),
  scopes: ['stream'],
  create: (_context, report) => ({
    frame(frame) {
      const event = eventOf(frame);
      if (event !== undefined && (EVENTS as readonly string[]).includes(event)) return;
      report({
        at: 'frame',
        frame,
        pointer: '',
        message: event === undefined ? 'an event without an event: line' : `unknown event "${event}"`,
        expected: EVENTS.join(', '),
        actual: event ?? '(none)',
      });
    },
  }),
});

const SHAPES: Readonly<Record<string, string>> = { stage_code: 'stageCode', text_delta: 'textDelta', done: 'done', error: 'error' };
// Stage codes and error codes have rules of their own, so their deviations name the precise fault.
const OWN_RULES = new Set(['/nextStageCode', '/code']);

// Could a legal server fail this? One whose done says something other than status "completed", or whose error
// lacks msg: the table fixes both. Extra fields pass.
export const eventShape = defineRule({
  id: 'fastgpt-py.event.shape',
  title: 'Each event\'s data has its documented fields: text_delta.text, done.status "completed", error.msg, stage_code.nextStage',
  severity: 'error',
  basis: 'doc',
  source: at('SSE 事件类型 (数据格式)'),
  // A streaming refusal is an error event too: its msg and code are documented like any other.
  scopes: ['stream', 'refusal'],
  create: (_context, report) => ({
    frame(frame) {
      // One schema per event name, not the union: a done event must not pass as a text_delta.
      const def = SHAPES[eventOf(frame) ?? ''];
      if (def === undefined || !frame.json.ok) return;
      reportFrameProblems(report, frame, `https://chatwire.dev/schemas/fastgpt-py/events.json#/$defs/${def}`, frame.json.value, {
        messagePrefix: `${eventOf(frame) ?? ''}: `,
        skip: (pointer) => OWN_RULES.has(pointer),
      });
    },
  }),
});

// Could a legal server fail this? None: the table shows code as a string ("500").
export const errorCode = defineRule({
  id: 'fastgpt-py.error.code',
  title: 'An error event carries its code as a string',
  severity: 'error',
  basis: 'doc',
  source: at('SSE 事件类型 (error: {"msg": "错误描述", "code": "500"})'),
  scopes: ['stream', 'refusal'],
  create: (_context, report) => ({
    frame(frame) {
      const data = payload(frame);
      if (eventOf(frame) !== 'error' || data === undefined || typeof data['code'] === 'string') return;
      report({
        at: 'frame',
        frame,
        pointer: '/code',
        message: data['code'] === undefined ? 'the error event has no code' : 'the error code is not a string',
        expected: 'a string such as "500"',
        actual: show(data['code']),
      });
    },
  }),
});

/** An event name written as a documented one with other case or separators (stage-code, TextDelta). */
function misspelt(event: string): string | undefined {
  const key = (name: string): string => name.toLowerCase().replace(/[-_\s]/g, '');
  return (EVENTS as readonly string[]).includes(event) ? undefined : EVENTS.find((name) => key(name) === key(event));
}

/**
 * Which documented event an unnamed frame carries: named inside its data (`{"event": "stage_code", …}`), or
 * recognisable by its documented fields.
 */
function unnamedDocumented(frame: Frame): string | undefined {
  const value = frame.json.ok ? frame.json.value : undefined;
  if (!isRecord(value)) return undefined;
  const named = [value['event'], value['type']].find((name): name is string => typeof name === 'string' && (EVENTS as readonly string[]).includes(name));
  if (named !== undefined) return named;
  if ('nextStageCode' in value) return 'stage_code';
  if (value['status'] === 'completed') return 'done';
  if (typeof value['text'] === 'string') return 'text_delta';
  return 'msg' in value && 'code' in value ? 'error' : undefined;
}

// Could a legal server fail this? None: a new event name is fastgpt-py.event.known's warning; only a documented
// name spelt otherwise, or a documented event sent without its event: line (clients dispatching on the names
// never see either), fails.
export const eventSpelling = defineRule({
  id: 'fastgpt-py.event.name',
  title: 'The documented events are named exactly stage_code, text_delta, done and error',
  severity: 'error',
  basis: 'doc',
  source: at('SSE 事件类型 (事件类型)'),
  scopes: ['stream', 'refusal'],
  create: (_context, report) => {
    const reported = new Set<string>();
    return {
      frame(frame) {
        const event = eventOf(frame);
        if (event === undefined) {
          // A JSON body (a refusal answered without SSE) has no event line to miss.
          const carried = frame.type !== 'sse' || reported.has('') ? undefined : unnamedDocumented(frame);
          if (carried === undefined) return;
          reported.add('');
          report({
            at: 'frame',
            frame,
            pointer: '',
            message: `a ${carried} event sent without its event: line`,
            expected: `event: ${carried}`,
            actual: '(no event: line)',
          });
          return;
        }
        const meant = reported.has(event) ? undefined : misspelt(event);
        if (meant === undefined) return;
        reported.add(event);
        report({ at: 'frame', frame, pointer: '', message: `event "${event}" is the documented "${meant}" spelt otherwise`, expected: meant, actual: event });
      },
    };
  },
});
