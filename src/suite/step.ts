import type { Clock } from '../core/clock.js';
import type { Limits } from '../core/exchange.js';
import type { TemplateVars } from '../core/template.js';
import type { WireObserver } from '../transports/observer.js';
import type { StepReport } from '../report/model.js';
import type { FrameWatch } from './expectations.js';

/** Where and how a step reaches the server under test. */
export interface StepTarget {
  /** The server root, possibly with a path prefix; each step's path is appended. */
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly limits: Limits;
  readonly clock: Clock;
  readonly signal?: AbortSignal | undefined;
  /** The Engine.IO version Socket.IO steps speak (3 for Socket.IO 2 servers); found out from the server when not given. */
  readonly eio?: 3 | 4 | undefined;
  /** Called whenever the target shows it is alive: a response, a connection. */
  readonly onHeard?: (() => void) | undefined;
  /** What rules remember across the exchanges of one case (see ExchangeContext.memory). */
  readonly memory?: Map<string, unknown> | undefined;
  /** Sees every exchange as it happens (`chatwire record`); the run is the same without it. */
  readonly observer?: WireObserver | undefined;
  /** How many times a request is sent again to a server that says it is busy (429; default 3). Load counts busy answers and backs off itself: 0. */
  readonly busyRetries?: number | undefined;
  /**
   * Called when the target says it is busy: the run starts fewer cases at once. Returns true while other
   * cases are in flight: asking again then does not count against busyRetries.
   */
  readonly onBusy?: (() => boolean) | undefined;
}

/** What a transport's step driver gets to run one step of a case. */
export interface StepContext {
  readonly index: number;
  readonly target: StepTarget;
  /** The run's, the suite's and earlier steps' values for {{name}}. */
  readonly vars: TemplateVars;
  /** For a refusal: which documented constraint the request breaks. */
  readonly because: string | undefined;
  /** Sees every frame, for the step's captures and assertions. */
  readonly watch: FrameWatch;
  readonly scope: CaseScope;
}

export interface StepResult {
  readonly report: StepReport;
  /**
   * Set when the step probed a feature the document only implies and nothing answered: the
   * words for the report's note. The step is then not judged.
   */
  readonly notOffered?: string;
  /**
   * Set when the target still turned the step away as busy after being asked again (HTTP 429): what
   * it said, for the report. The step is judged by the transport's rules alone, and its case ends.
   */
  readonly turnedAway?: string;
}

/** What a case keeps open across its steps (a socket a follow-up turn needs); closed when it ends. */
export class CaseScope {
  readonly #closers: Array<() => Promise<void>> = [];

  onClose(close: () => Promise<void>): void {
    this.#closers.push(close);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#closers.splice(0).map((close) => close()));
  }
}

/** A connection a case opens once, on its first use, and closes when the case ends. */
export class CaseResource<T> {
  readonly #held = new WeakMap<CaseScope, Promise<T>>();

  constructor(private readonly release: (value: T) => void) {}

  open(scope: CaseScope, open: () => Promise<T>): Promise<T> {
    let held = this.#held.get(scope);
    if (held === undefined) {
      const opening = open();
      held = opening;
      this.#held.set(scope, opening);
      scope.onClose(async () => {
        const value = await opening.catch(() => undefined);
        if (value !== undefined) this.release(value);
      });
    }
    return held;
  }

  /** Releases the value the case holds, if any, and opens another in its place (a second user's connection). */
  async reopen(scope: CaseScope, open: () => Promise<T>): Promise<T> {
    const held = this.#held.get(scope);
    this.#held.delete(scope);
    const value = await held?.catch(() => undefined);
    // Released now and again when the case closes: release must take a second call calmly.
    if (value !== undefined) this.release(value);
    return this.open(scope, open);
  }
}
