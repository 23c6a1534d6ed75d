import type { StreamEndType, TimeLimit } from '../core/exchange.js';
import type { Deviation, RuleSource } from '../core/rule.js';
import { rulePage } from '../protocols/pages.js';
import { version } from '../core/version.js';
import type { Latency, Timeline } from './latency.js';

export type Outcome = 'passed' | 'warned' | 'failed' | 'skipped';

/** A deviation as reported: `known` when the run's baseline (--baseline) accepts it, so it fails nothing. */
export type ReportedDeviation = Deviation & { readonly known?: { readonly reason?: string } };

/** One entry of a baseline: a rule a case is known to break. */
export interface KnownEntry {
  readonly rule: string;
  /** `protocol/name`. */
  readonly case: string;
  readonly reason?: string | undefined;
}

export interface StepReport {
  readonly index: number;
  readonly method: string;
  readonly url: string;
  readonly expect: string;
  /** HTTP status, or null when no response came. */
  readonly status: number | null;
  readonly frames: number;
  readonly end: StreamEndType;
  /** For an end of type timeout: which limit ran out. */
  readonly timeLimit?: TimeLimit;
  readonly durationMs: number;
  readonly deviations: readonly ReportedDeviation[];
  /** What the report should say beyond deviations: a probe that found nothing, later steps not run. */
  readonly note?: string;
  /** How the answer unfolded in time (a run's steps; not a file read offline). */
  readonly latency?: Latency;
  /** The frames and their arrival times, kept only when a report shows them (-r html). */
  readonly timeline?: Timeline;
}

export interface CaseReport {
  readonly protocol: string;
  readonly name: string;
  readonly title: string;
  readonly source: RuleSource;
  readonly outcome: Outcome;
  /** Why a skipped case did not run. */
  readonly skipped?: string;
  readonly durationMs: number;
  readonly steps: readonly StepReport[];
}

export interface Totals {
  readonly cases: number;
  readonly passed: number;
  readonly warned: number;
  readonly failed: number;
  readonly skipped: number;
  readonly errors: number;
  readonly warnings: number;
  /** Deviations the baseline accepts: counted apart, they fail nothing. */
  readonly known: number;
  /** Baseline entries that no longer occur: each fails the run. */
  readonly stale: number;
}

export interface RunReport {
  readonly tool: 'chatwire';
  readonly version: string;
  /** The base URL the suites ran against. */
  readonly target: string;
  /** True when the target was chatwire's own embedded mock. */
  readonly embeddedMock: boolean;
  readonly strict: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly cases: readonly CaseReport[];
  readonly totals: Totals;
  /** With --baseline: the file, its entries that no longer occur, and those this run could not check (their case did not run). */
  readonly baseline?: { readonly file: string; readonly stale: readonly KnownEntry[]; readonly unchecked: readonly KnownEntry[] };
  /** Why chatwire could not finish its job (exit 2): the cases above are what was done before. */
  readonly error?: RunError;
  /** For `chatwire load` (and merges of its reports): what the sessions did together. */
  readonly load?: LoadSummary;
}

/** Latency of exchanges: percentiles in ms, and the histogram they come from, so that shards' reports merge. */
export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** [upper bound in ms, exchanges], ascending; each bucket 2% wider than the one before. */
  readonly histogram: ReadonlyArray<readonly [number, number]>;
}

export interface LoadSummary {
  /** Sessions across every shard, and the shards this report holds ("1/4"…). */
  readonly sessions: number;
  readonly shards: readonly string[];
  /** The run's marker prefix: shards that share it see each other's markers as cross-talk. */
  readonly runId: string;
  /** How long sessions started cases (--duration). */
  readonly durationMs: number;
  readonly exchanges: number;
  /** Exchanges that got no answer at all (no response, no frame). */
  readonly errors: number;
  /** Exchanges with a deviation of severity error. */
  readonly failed: number;
  /** Case runs the server turned away as busy (HTTP 429 or 503): counted, not judged. */
  readonly busy: number;
  readonly latency: LatencySummary;
  /** Deviations per rule id, over every exchange (the cases keep one example each). */
  readonly rules: Readonly<Record<string, number>>;
  /** Per case: how often it ran and how often it failed. */
  readonly cases: ReadonlyArray<{ readonly protocol: string; readonly name: string; readonly runs: number; readonly failed: number }>;
}

/** A run that stopped early: the error's stable code, its one-line message and how to fix it. */
export interface RunError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

/** Known deviations (see ReportedDeviation) leave a case passed. */
export function outcomeOf(deviations: readonly ReportedDeviation[]): Exclude<Outcome, 'skipped'> {
  const counted = deviations.filter((deviation) => deviation.known === undefined);
  if (counted.some((deviation) => deviation.severity === 'error')) return 'failed';
  if (counted.length > 0) return 'warned';
  return 'passed';
}

/** Whether a deviation fails the run: an error, or with strict any warning, unless the baseline accepts it. */
export function failsRun(deviation: ReportedDeviation, strict: boolean): boolean {
  return deviation.known === undefined && (deviation.severity === 'error' || strict);
}

export function caseDeviations(report: CaseReport): ReportedDeviation[] {
  return report.steps.flatMap((step) => step.deviations);
}

/** What a report says beyond its cases: `tool` and `version` are this chatwire's, `totals` default to the cases' own. */
export type ReportFields = Omit<RunReport, 'tool' | 'version' | 'totals'> & { readonly version?: string; readonly totals?: Totals };

/** A report as every command writes it, its header filled in one place. */
export function runReportOf(fields: ReportFields): RunReport {
  const { version: given, totals, ...rest } = fields;
  const { cases, ...more } = rest;
  return { tool: 'chatwire', version: given ?? version, ...more, cases, totals: totals ?? totalsOf(cases) };
}

export function totalsOf(cases: readonly CaseReport[], stale = 0): Totals {
  const known = cases.flatMap(caseDeviations).filter((d) => d.known !== undefined).length;
  const all = cases.flatMap(caseDeviations).filter((d) => d.known === undefined);
  return {
    cases: cases.length,
    passed: cases.filter((c) => c.outcome === 'passed').length,
    warned: cases.filter((c) => c.outcome === 'warned').length,
    failed: cases.filter((c) => c.outcome === 'failed').length,
    skipped: cases.filter((c) => c.outcome === 'skipped').length,
    errors: all.filter((d) => d.severity === 'error').length,
    warnings: all.filter((d) => d.severity === 'warn').length,
    known,
    stale,
  };
}

/** 0 conformant, 1 deviations of severity error (or, with strict, any warning), or a stale baseline entry. */
export function exitCodeOf(totals: Totals, strict: boolean): 0 | 1 {
  if (totals.errors > 0 || totals.stale > 0) return 1;
  if (strict && totals.warnings > 0) return 1;
  return 0;
}

/** Where in the exchange a deviation was found, in words: "frame 3 (event answer) /data/msg_sn", "response". */
export function whereOf(deviation: Deviation): string {
  switch (deviation.type) {
    case 'frame':
      return `frame ${deviation.frame}${deviation.event === undefined ? '' : ` (event ${deviation.event})`}${deviation.pointer === '' ? '' : ` ${deviation.pointer}`}`;
    case 'request':
      return `request${deviation.pointer === '' ? '' : ` ${deviation.pointer}`}`;
    case 'stream':
      return `end of stream (${deviation.end})`;
    case 'omitted':
      return `${deviation.count} more`;
    case 'response':
      return 'response';
  }
}

/** Where to read about a deviation: the document and section its rule cites, then the rule's section of its protocol page. */
export function citationOf(deviation: Deviation): string {
  return `see ${deviation.source.doc}, ${deviation.source.section}; ${rulePage(deviation.rule).link}`;
}
