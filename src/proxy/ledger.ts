import type { StreamEnd } from '../core/exchange.js';
import { timeLimitOf } from '../core/exchange.js';
import type { Deviation, RuleSource } from '../core/rule.js';
import { outcomeOf, runReportOf, totalsOf, whereOf, type CaseReport, type RunReport, type Totals } from '../report/model.js';
import { redactRecord } from '../mock/redact.js';

/**
 * Past this many, the oldest judged exchanges and deviations are dropped: passed exchanges first, so
 * a deviation is never lost to later clean traffic; the report's totals still count every exchange.
 */
export const MAX_KEPT = 10_000;

/** Request headers whose values are credentials: blanked wherever a deviation quotes them. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key'];
const MAX_SECRETS = 1_000;

/** One exchange that passed through the proxy, as judged when it ended. */
export interface JudgedExchange {
  readonly id: number;
  readonly method: string;
  /** The path and query the client asked for. */
  readonly path: string;
  readonly expect: string;
  readonly status: number | null;
  readonly frames: number;
  readonly end: StreamEnd;
  readonly durationMs: number;
  readonly deviations: readonly Deviation[];
}

/** A deviation as `GET /_chatwire/deviations` lists it. */
export interface DeviationEntry {
  readonly at: string;
  readonly exchange: number;
  readonly method: string;
  readonly path: string;
  readonly deviation: Deviation;
}

/** One line per deviation, for the live log: the exchange, the rule, where (frame and pointer), what. */
export function deviationLine(entry: DeviationEntry): string {
  const { deviation } = entry;
  const said = deviation.expected === undefined ? '' : ` (expected ${deviation.expected}${deviation.actual === undefined ? '' : `, got ${deviation.actual}`})`;
  return `#${entry.exchange} ${entry.method} ${entry.path}: ${deviation.severity} ${deviation.rule} at ${whereOf(deviation)}: ${deviation.message}${said}`;
}

/**
 * What the proxy has judged so far: every deviation (bounded, credentials blanked), and each
 * exchange as a case of a run report, so the usual reporters can write it at exit.
 */
export class Ledger {
  readonly #protocol: string;
  readonly #source: RuleSource;
  readonly #secrets: Set<string>;
  readonly #onDeviation: (entry: DeviationEntry) => void;
  readonly #cases: CaseReport[] = [];
  readonly #entries: DeviationEntry[] = [];
  readonly #startedAt = new Date().toISOString();
  /** The exchanges left out of the report, counted as its totals count them. */
  #left: Totals = { cases: 0, passed: 0, warned: 0, failed: 0, skipped: 0, errors: 0, warnings: 0, known: 0, stale: 0 };
  #total = 0;
  #next = 0;

  constructor(options: { protocol: string; doc: string; secrets?: readonly string[]; onDeviation: (entry: DeviationEntry) => void }) {
    this.#protocol = options.protocol;
    this.#source = { doc: options.doc, section: 'live traffic' };
    this.#secrets = new Set(options.secrets ?? []);
    this.#onDeviation = options.onDeviation;
  }

  /**
   * Learns the credentials a request carries (Authorization, cookies, API keys), so that a
   * deviation quoting them, in any frame, shows them blanked. The most recent MAX_SECRETS are kept.
   */
  learn(headers: Readonly<Record<string, string>>): void {
    for (const name of CREDENTIAL_HEADERS) {
      const value = headers[name];
      if (value === undefined) continue;
      for (const secret of [value.trim(), value.replace(/^(?:Bearer|Basic)\s+/i, '').trim()]) {
        if (secret.length < 4 || this.#secrets.has(secret)) continue;
        this.#secrets.add(secret);
        if (this.#secrets.size > MAX_SECRETS) this.#secrets.delete(this.#secrets.values().next().value ?? '');
      }
    }
  }

  /** A number for the next exchange: the live lines, the report and a recording name it. */
  nextId(): number {
    return this.#next++;
  }

  /** A deviation the moment it is found: kept for `/_chatwire/deviations` and printed; returned with credentials blanked. */
  found(exchange: Pick<JudgedExchange, 'id' | 'method' | 'path'>, found: Deviation): Deviation {
    const deviation = this.#redacted(exchange, found);
    const entry: DeviationEntry = { at: new Date().toISOString(), exchange: exchange.id, method: exchange.method, path: exchange.path, deviation };
    this.#total++;
    this.#entries.push(entry);
    if (this.#entries.length > MAX_KEPT) this.#entries.shift();
    this.#onDeviation(entry);
    return deviation;
  }

  /**
   * One message judged on its own, not an answer (a request sent with a wrong method, an event no
   * handler listens to, an event to a bystander): each deviation is found, and kept as a case.
   */
  addAlone(method: string, path: string, expect: string, deviations: readonly Deviation[], frames = 0): void {
    if (deviations.length === 0) return;
    const exchange = { id: this.nextId(), method, path };
    const found = deviations.map((deviation) => this.found(exchange, deviation));
    this.add({ ...exchange, expect, status: null, frames, end: { type: 'closed', atMs: 0 }, durationMs: 0, deviations: found });
  }

  /** An exchange that ended, with the deviations `found` returned for it: a case of the report. */
  add(exchange: JudgedExchange): void {
    const { deviations } = exchange;
    const name = `#${exchange.id} ${exchange.method} ${exchange.path}`;
    this.#cases.push({
      protocol: this.#protocol,
      name,
      title: `${exchange.expect} exchange seen by the proxy`,
      source: this.#source,
      outcome: outcomeOf(deviations),
      durationMs: Math.round(exchange.durationMs),
      steps: [
        {
          index: 0,
          method: exchange.method,
          url: exchange.path,
          expect: exchange.expect,
          status: exchange.status,
          frames: exchange.frames,
          end: exchange.end.type,
          ...timeLimitOf(exchange.end),
          durationMs: Math.round(exchange.durationMs),
          deviations,
        },
      ],
    });
    if (this.#cases.length > MAX_KEPT) {
      const oldestPassed = this.#cases.findIndex((c) => c.outcome === 'passed');
      const [left] = this.#cases.splice(Math.max(0, oldestPassed), 1);
      if (left !== undefined) this.#leave(left);
    }
  }

  #leave(left: CaseReport): void {
    this.#left = sumTotals(this.#left, totalsOf([left]));
  }

  /** What `GET /_chatwire/deviations` answers. */
  deviations(): { readonly total: number; readonly kept: number; readonly deviations: readonly DeviationEntry[] } {
    return { total: this.#total, kept: this.#entries.length, deviations: this.#entries };
  }

  report(target: string, strict: boolean): RunReport {
    return runReportOf({
      target,
      embeddedMock: false,
      strict,
      startedAt: this.#startedAt,
      durationMs: Math.round(Date.now() - Date.parse(this.#startedAt)),
      cases: this.#cases,
      totals: sumTotals(totalsOf(this.#cases), this.#left),
    });
  }

  /** Exchanges left out of the report (the oldest passed ones first) because more than MAX_KEPT were judged. */
  get dropped(): number {
    return this.#left.cases;
  }

  #redacted(exchange: Pick<JudgedExchange, 'method' | 'path'>, deviation: Deviation): Deviation {
    // The mock's redaction: a deviation quotes what passed, and what passed may carry credentials.
    return redactRecord({ at: '', protocol: this.#protocol, method: exchange.method, path: exchange.path, deviation }, [...this.#secrets]).deviation;
  }
}

function sumTotals(a: Totals, b: Totals): Totals {
  return {
    cases: a.cases + b.cases,
    passed: a.passed + b.passed,
    warned: a.warned + b.warned,
    failed: a.failed + b.failed,
    skipped: a.skipped + b.skipped,
    errors: a.errors + b.errors,
    warnings: a.warnings + b.warnings,
    known: a.known + b.known,
    stale: a.stale + b.stale,
  };
}
