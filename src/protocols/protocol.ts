import type { Frame } from '../core/exchange.js';
import type { Rule } from '../core/rule.js';
import type { MockExchange, MockRoute, Refusal } from '../mock/exchange.js';
import type { ScenarioPart, ScriptSchema } from '../mock/scenario.js';
import type { HttpApi } from '../transports/http/openapi.js';
import type { PollCursor } from '../transports/polling/poll.js';
import type { SocketApi } from '../transports/socketio/asyncapi.js';
import type { SocketMock } from '../transports/socketio/mock.js';

/** What an answer to a request should be: an event stream, or one body. */
export type AnswerKind = 'stream' | 'answer';

/** What every protocol's mock declares, whatever its transport. */
interface MockCommon {
  readonly defaultScenario: string;
  /** Answers a request the mock will not serve, the way this protocol answers errors. */
  refuse(exchange: MockExchange, refusal: Refusal): void;
  /** The schema of this protocol's scenario `script`, when its scenarios have one. */
  readonly script?: ScriptSchema;
  /** The parts of a scenario file its mock plays; a file with any other part is refused when it loads. */
  readonly takes: readonly ScenarioPart[];
  /** True when its calls need an API key: with no --token the mock then takes any key. */
  readonly keyed?: boolean;
  /** What it serves besides its routes, for the mock's banner, e.g. "Socket.IO at /socket.io/". */
  readonly serves?: string;
  /** Its HTTP routes (with :parameters), served by node:http and by msw. */
  readonly routes?: readonly MockRoute[];
}

/** Named ways to answer what a server asked with (a form's fields): the answer's text, or undefined when the value asks nothing. */
export type AnswerMakers = Readonly<Record<string, (value: unknown) => string | undefined>>;

/** What every protocol declares, whatever its transport. */
interface ProtocolCommon {
  readonly id: string;
  readonly title: string;
  /** The document in the specs folder this protocol follows. */
  readonly doc: string;
  readonly rules: readonly Rule[];
  /**
   * Answer makers a suite's capture can name (`answer`): each turns a value the server asked with (a
   * form's fields) into the text that answers it, or undefined when the value is not such a question.
   */
  readonly answers?: AnswerMakers;
  /** The piece of the answer's text a frame carries (a delta, a chunk), for checks across frames. */
  readonly answerText?: (frame: Frame) => string | undefined;
  /** A frame that only keeps an answer alive (an empty partial event): it does not hold off the idle limit. */
  readonly isHeartbeat?: (frame: Frame) => boolean;
  /** The frame after which the answer is over (the server closes, strays are awaited briefly). */
  readonly isLastFrame?: (frame: Frame) => boolean;
}

/** Answers that travel as one HTTP answer each, streamed (SSE) or whole (JSON). */
export interface HttpProtocol extends ProtocolCommon {
  readonly transport: 'http';
  /** Which kind of answer a request asks for (used by `validate` and by the suite runner). */
  readonly answerKind: (requestJson: unknown, url?: string) => AnswerKind;
  /**
   * The call a saved answer is taken to answer, unless `validate --path` names another: rules that
   * judge by the path (a protocol of several calls) need one.
   */
  readonly capturePath?: string;
  /** Its calls, as data, for `chatwire spec` (OpenAPI). */
  readonly api?: HttpApi;
  readonly mock: MockCommon & { readonly routes: readonly MockRoute[] };
}

/** Answers read by polling a resource from an offset, after HTTP calls that create it. */
export interface PollingProtocol extends ProtocolCommon {
  readonly transport: 'polling';
  /** The query parameter that carries the offset, and how to read the cursor out of an answer. */
  readonly poll: { readonly param: string; readonly cursor: (json: unknown) => PollCursor | undefined };
  /** Its calls, as data, for `chatwire spec` (OpenAPI). */
  readonly api?: HttpApi;
  readonly mock: MockCommon & { readonly routes: readonly MockRoute[] };
}

/** Answers that travel as Socket.IO events. */
export interface SocketProtocol extends ProtocolCommon {
  readonly transport: 'socketio';
  /** Its events, as data, for `chatwire spec` (AsyncAPI). */
  readonly api?: SocketApi;
  readonly mock: MockCommon & { readonly socket: SocketMock };
}

/**
 * Everything chatwire knows about one protocol, by its transport: each declares exactly what its
 * transport needs. Each lives in its own folder under `src/protocols/` with its schemas in
 * `schemas/<id>/`, its scenarios in `mocks/<id>/` and its suite in `suites/<id>.json`; the shared
 * machinery discovers it there.
 */
export type Protocol = HttpProtocol | PollingProtocol | SocketProtocol;

export type TransportId = Protocol['transport'];

export function defineProtocol<P extends Protocol>(protocol: P): P {
  return protocol;
}
