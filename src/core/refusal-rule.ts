/** The refusal every protocol's suites demand of a request the document rules out, as one rule maker. */
import { show } from './engine.js';
import { frameText, type Frame } from './exchange.js';
import type { Rule, RuleMeta } from './rule.js';

/** How a protocol tells a refusal from an answer. */
export interface RefusalSigns {
  /** A status that is a refusal by itself (e.g. 4xx). */
  readonly status: (status: number) => boolean;
  /** A frame that refuses: an error envelope, an error event. */
  readonly refuses?: (frame: Frame) => boolean;
  /** A frame that delivers what a refused call must not (an answer, data); says what, for the report. */
  readonly delivers?: (frame: Frame) => string | undefined;
  /** What a refusal looks like, for the report. */
  readonly expected: string;
  /**
   * True where the document's resource can be unknown (a task id, a conversation): then 404 is a
   * refusal. Elsewhere a 404 or 405 shows the server did not understand the call at all.
   */
  readonly notFound?: boolean;
}

/**
 * A request the document rules out (or one without valid credentials) is refused: a refusing status
 * or frame, and nothing delivered. The suite's `because` says which constraint the request broke.
 */
export function refusalRule(meta: Omit<RuleMeta, 'scopes'>, signs: RefusalSigns): Rule {
  return {
    ...meta,
    scopes: ['refusal'],
    create: (context, report) => {
      let status = 0;
      let refused = false;
      let delivered: string | undefined;
      let first: string | undefined;
      return {
        response(head) {
          status = head.status;
          const unknownPath = (status === 404 && signs.notFound !== true) || status === 405;
          if (signs.status(status) && !unknownPath) refused = true;
        },
        frame(frame) {
          first ??= frameText(frame);
          if (signs.refuses?.(frame) === true) refused = true;
          delivered ??= signs.delivers?.(frame);
        },
        end(end) {
          if (refused && delivered === undefined) return;
          if (context.live === true && !refused) return;
          const why = context.because === undefined ? '' : ` (${context.because})`;
          const message =
            delivered !== undefined
              ? refused
                ? `the server refused the request but still delivered data${why}`
                : `the server answered a request it must refuse${why}`
              : status === 404 || status === 405
                ? `HTTP ${status} says the server does not know this call, not that it refused the request${why}`
                : status >= 500
                  ? `the server failed (HTTP ${status}) instead of refusing the request${why}`
                  : first === undefined && end.type !== 'closed' // unfinished, not shown to be no refusal
                    ? `no refusal arrived: the answer ended as ${end.type} before a whole body or frame${why}`
                    : `the server did not refuse the request${why}`;
          const actual = `HTTP ${status === 0 ? 'none' : status}${delivered !== undefined ? `, ${delivered}` : first === undefined ? '' : `, ${show(first)}`}`;
          report({ at: 'end', end, message, expected: signs.expected, actual });
        },
      };
    },
  };
}
