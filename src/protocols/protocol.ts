import type { Frame } from '../core/exchange.js';
import type { Rule } from '../core/rule.js';
import type { Server as HttpServer } from 'node:http';
import type { MockAttachContext, MockRoute, Refusal } from '../mock/exchange.js';
import type { MockExchange } from '../mock/exchange.js';
import type { ScriptSchema } from '../mock/scenario.js';
import type { PollCursor } from '../transports/polling/poll.js';

/** What an answer to a request should be: an event stream, or one body. */
export type AnswerKind = 'stream' | 'answer';

/**
 * Everything chatwire knows about one protocol. Each lives in its own folder under
 * `src/protocols/` with its schemas in `schemas/<id>/`, its scenarios in `mocks/<id>/` and its
 * suite in `suites/<id>.json`; the shared machinery discovers it there.
 */
export interface Protocol {
  readonly id: string;
  readonly title: string;
  /** The document in the specs folder this protocol follows. */
  readonly doc: string;
  /** How its answers travel: one HTTP answer (streamed or not), Socket.IO events, or polls. */
  readonly transport: 'http' | 'socketio' | 'polling';
  readonly rules: readonly Rule[];
  /** Which kind of answer a request asks for (used by `validate` and by the suite runner). */
  answerKind(requestJson: unknown, url?: string): AnswerKind;
  /** The piece of the answer's text a frame carries (a delta, a chunk), for checks across frames. */
  answerText?(frame: Frame): string | undefined;
  /** A frame that only keeps an answer alive (an empty partial event): it does not hold off the idle limit. */
  isHeartbeat?(frame: Frame): boolean;
  /** The frame after which the server must close the connection, if the protocol has one. */
  isLastFrame?(frame: Frame): boolean;
  /** For a polled resource: the query parameter that carries the offset, and how to read the cursor. */
  readonly poll?: { readonly param: string; cursor(json: unknown): PollCursor | undefined };
  readonly mock: {
    readonly routes: readonly MockRoute[];
    readonly defaultScenario: string;
    /** Answers a request the mock will not serve, the way this protocol answers errors. */
    refuse(exchange: MockExchange, refusal: Refusal): void;
    /** The schema of this protocol's scenario `script`, when its scenarios have one. */
    readonly script?: ScriptSchema;
    /** True when its calls need an API key: with no --token the mock then takes any key. */
    readonly keyed?: boolean;
    /** What an attached transport serves, for the mock's banner, e.g. "Socket.IO at /socket.io/". */
    readonly serves?: string;
    /** For a transport beside plain routes (a Socket.IO server): attach it to the mock's HTTP server. */
    attach?(server: HttpServer, context: MockAttachContext): { close(): Promise<void> };
  };
}

export function defineProtocol(protocol: Protocol): Protocol {
  return protocol;
}
