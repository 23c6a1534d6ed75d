/** One server's verdict: what it is, and what the built CLI said of it. */
export interface Verdict {
  readonly id: string;
  readonly expect: 'pass' | 'fail';
  readonly says: string;
  readonly breaks: string | undefined;
  readonly code: number | null;
  /** The rules that reported errors. */
  readonly rules: readonly string[];
  /** The rules that reported warnings. */
  readonly warnings: readonly string[];
  readonly ms: number;
  readonly stderr: string;
  readonly stdout: string;
}

export interface CorpusOptions {
  /** How many servers are checked at once. */
  readonly parallel?: number;
  /** Only these variants. */
  readonly only?: readonly string[];
  /** Extra CLI arguments. */
  readonly extra?: readonly string[];
  /** A run still going after this long is killed. */
  readonly killAfterMs?: number;
}

export function runCorpus(protocol: string, options?: CorpusOptions): Promise<Verdict[]>;
export function argsFor(protocol: string, server: { url: string; token?: string; vars?: Record<string, string> }, extra?: readonly string[]): string[];
