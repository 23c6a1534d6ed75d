/**
 * Who may do what on the mock. With `--token` set, the mock is as closed as the servers it stands
 * for: a fault scenario that accepts a missing key does not open it to anyone (it applies only to a
 * request that shows the token in `x-chatwire-token`, or when the operator allowed such faults),
 * and the control endpoints (`/_chatwire/*`) need the token too.
 */
export const TOKEN_HEADER = 'x-chatwire-token';

/**
 * Sent by `chatwire run` on every request: its refusal cases break request rules on purpose, and a
 * mock shared with a user's client must not count them against that client.
 */
export const SUITE_HEADER = 'x-chatwire-suite';

export interface MockAccessOptions {
  /** The one bearer token protocols with auth accept; when unset, any non-empty token. */
  readonly token?: string | undefined;
  /** Fault scenarios that accept a missing key apply to any request, token or not (--allow-auth-faults). */
  readonly allowAuthFaults?: boolean | undefined;
}

type Headers = Readonly<Record<string, string | undefined>>;

function bearer(headers: Headers): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(headers['authorization'] ?? '');
  return match?.[1]?.trim() || undefined;
}

export class MockAccess {
  readonly token: string | undefined;
  readonly #allowAuthFaults: boolean;

  constructor(options: MockAccessOptions = {}) {
    this.token = options.token;
    this.#allowAuthFaults = options.allowAuthFaults === true;
  }

  /** Whether a request carries a key the mock accepts: the configured one, or any when none is. */
  auth(headers: Headers): 'ok' | 'missing' | 'wrong' {
    const sent = bearer(headers);
    if (sent === undefined) return 'missing';
    return this.token === undefined || sent === this.token ? 'ok' : 'wrong';
  }

  /** Whether a fault scenario that accepts a missing key may apply to this request. */
  mayWeakenAuth(headers: Headers): boolean {
    return this.token === undefined || this.#allowAuthFaults || headers[TOKEN_HEADER] === this.token;
  }

  /** Whether this request may use the control endpoints: always without a token, else only with it. */
  mayControl(headers: Headers): boolean {
    return this.token === undefined || headers[TOKEN_HEADER] === this.token || bearer(headers) === this.token;
  }
}
