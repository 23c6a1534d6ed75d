/** Every way chatwire itself can fail to do its job; stable so scripts can match on it. */
export type ErrorCode =
  | 'BAD_OPTION'
  | 'BAD_FILE'
  | 'UNKNOWN_PROTOCOL'
  | 'UNKNOWN_CASE'
  | 'UNKNOWN_SCENARIO'
  | 'TARGET_UNREACHABLE'
  | 'MISCONFIGURED'
  | 'RUN_TIME_LIMIT'
  | 'SERVER_START'
  | 'INTERNAL';

/**
 * The one error type chatwire throws. `message` reads "Failed to <verb> <subject>: <reason>";
 * `hint` says how to fix it.
 */
export class ChatwireError extends Error {
  override readonly name = 'ChatwireError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }

  /** One line for stderr: the message, then the hint. */
  toLine(): string {
    return this.hint === undefined ? this.message : `${this.message} (${this.hint})`;
  }
}

export function isChatwireError(value: unknown): value is ChatwireError {
  return value instanceof ChatwireError;
}

/** A short, single-line description of anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
