const BASE = 'http://mock.invalid';
/** Segments of letters, digits, `_`, `-` and `~`, no query: a path URL gives back as it is. */
const PLAIN_PATH = /^(?:\/[\w~-]+)*\/?$/;

/**
 * A request's path and query, parsed by URL only when it has to be: most requests name a plain
 * path, and parsing each with URL cost more than routing it.
 */
export class RequestTarget {
  readonly pathname: string;
  readonly #raw: string;
  #url: URL | undefined;

  constructor(raw: string) {
    this.#raw = raw;
    if (PLAIN_PATH.test(raw)) this.pathname = raw;
    else {
      this.#url = new URL(raw, BASE);
      this.pathname = this.#url.pathname;
    }
  }

  /** `?` and the query, or '' when there is none. */
  get search(): string {
    return this.#url?.search ?? '';
  }

  get url(): URL {
    return (this.#url ??= new URL(this.#raw, BASE));
  }
}
