import type { Frame, RequestRecord, ResponseHead, StreamEnd, StreamEndType } from './exchange.js';

export type Severity = 'error' | 'warn';
/** `doc`: the document says so. `inferred`: follows from its examples; defaults to `warn`. */
export type Basis = 'doc' | 'inferred';

export interface RuleSource {
  /** Document file name in the specs folder, or a standard's name. */
  readonly doc: string;
  readonly section: string;
}

/**
 * Which exchanges a rule judges: a server's streaming answer, its non-streaming answer, its answer to
 * a request it must refuse, or (on the mock side) a client's request.
 */
export type Scope = 'stream' | 'answer' | 'refusal' | 'request';

export interface RuleMeta {
  /** Stable id, `<protocol>.<subject>.<property>`, e.g. `ctai.stop.last`. */
  readonly id: string;
  /** What holds when the rule is kept, as one sentence. */
  readonly title: string;
  readonly severity: Severity;
  readonly basis: Basis;
  readonly source: RuleSource;
  readonly scopes: readonly Scope[];
  /**
   * A security rule (the digest: one client's data reaching another, a call served without its
   * credentials): its findings stay errors even in a case the document only implies.
   */
  readonly security?: true | undefined;
}

/** What one exchange looks like to a rule before any frame arrives. */
export interface ExchangeContext {
  readonly request: RequestRecord;
  /** The request body parsed as JSON, undefined when it was not JSON. */
  readonly requestJson: unknown;
  /** For a refusal: why the request must be refused, as the suite states it. */
  readonly because?: string | undefined;
  /**
   * Live traffic (the proxy): the request and its credentials are the client's, not chatwire's. A
   * request the client got wrong may be answered anyway (only a refusal that still hands out data is
   * the server's fault), and a refusal as unauthorised may be the client's wrong key.
   */
  readonly live?: boolean | undefined;
  /** For a connection-based transport: the id the server gave this client (a Socket.IO sid). */
  readonly connectionId?: string | undefined;
  /** For an event-based transport: the event the request was emitted as (e.g. a Socket.IO event name). */
  readonly event?: string | undefined;
  /**
   * State a rule keeps across the exchanges of one case (one conversation), by a key of its own:
   * e.g. the ids earlier answers used. Bounded by the rule that writes it.
   */
  readonly memory?: Map<string, unknown> | undefined;
}

/** What a finding may add: when every valid request of a run fails this way, the likely mistake in the run's setup. */
interface FindingExtras {
  /** e.g. "check --token": said when every valid request of a run fails this same way. */
  readonly misconfiguration?: string;
}

export type Finding = FindingExtras &
  (
    | {
        readonly at: 'frame';
        readonly frame: Frame;
        /** JSON pointer into the frame's parsed data; "" for the whole frame. */
        readonly pointer: string;
        readonly message: string;
        readonly expected?: string;
        readonly actual?: string;
      }
    | { readonly at: 'end'; readonly end: StreamEnd; readonly message: string; readonly expected?: string; readonly actual?: string }
    | { readonly at: 'response'; readonly message: string; readonly expected?: string; readonly actual?: string }
    | { readonly at: 'request'; readonly pointer: string; readonly message: string; readonly expected?: string; readonly actual?: string }
  );

/**
 * A rule's state for one exchange. Sequence rules keep only what they need (a counter, the last
 * packet's number), so a stream of any length is checked in constant memory.
 */
export interface RuleChecker {
  response?(head: ResponseHead): void;
  frame?(frame: Frame): void;
  end?(end: StreamEnd): void;
}

export interface Rule extends RuleMeta {
  create(context: ExchangeContext, report: (finding: Finding) => void): RuleChecker;
}

interface DeviationBase {
  readonly rule: string;
  readonly severity: Severity;
  readonly basis: Basis;
  readonly source: RuleSource;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  /** When every valid request of a run fails this way: the likely mistake in the run's setup (e.g. "check --token"). */
  readonly misconfiguration?: string;
}

/** What a rule found, precise enough to fix the peer from the report alone. */
export type Deviation =
  | (DeviationBase & {
      readonly type: 'frame';
      readonly frame: number;
      readonly event?: string;
      readonly pointer: string;
      /** The offending frame's data, cut to a readable length. */
      readonly quote: string;
    })
  | (DeviationBase & { readonly type: 'stream'; readonly end: StreamEndType })
  | (DeviationBase & { readonly type: 'response' })
  | (DeviationBase & { readonly type: 'request'; readonly pointer: string })
  /** Stands for further deviations of one rule left out of the report to keep it bounded. */
  | (DeviationBase & { readonly type: 'omitted'; readonly count: number });

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** A deviation's own fields, without those its rule gives it. */
export type DeviationBody = Deviation extends infer D ? (D extends Deviation ? Omit<D, 'rule' | 'severity' | 'basis' | 'source'> : never) : never;

/** A deviation reported under a rule: its id, severity, basis and source, then what was found. */
export function deviationOf(rule: RuleMeta, body: DeviationBody): Deviation {
  return { rule: rule.id, severity: rule.severity, basis: rule.basis, source: rule.source, ...body };
}
