import { protocolIds } from './index.js';

/** The folder of the protocol pages, relative to the package root (shipped in the package). */
const PAGES_DIR = 'docs/protocols';

/** The page for rules that belong to no protocol: transports, suites, load and latency. */
const COMMON_PAGE = 'common';

/** Where a rule is explained: its page, the anchor of its family's section, and the two joined. */
export interface RulePage {
  /** `docs/protocols/<page>.md`, relative to the package root. */
  readonly path: string;
  /** The family (the id without its last segment) with dots as hyphens: `ctai.stop.last` → `ctai-stop`. */
  readonly anchor: string;
  /** `docs/protocols/<page>.md#<anchor>`. */
  readonly link: string;
}

let known: readonly string[] | undefined;

/**
 * A rule's page and section. The page is the protocol whose id, followed by a dot, starts the
 * rule's id (so `fastgpt-py.…` is not `fastgpt`'s), else the common page.
 */
export function rulePage(ruleId: string, ids: readonly string[] = (known ??= protocolIds())): RulePage {
  const protocol = ids.find((id) => ruleId.startsWith(`${id}.`));
  const last = ruleId.lastIndexOf('.');
  const family = last === -1 ? ruleId : ruleId.slice(0, last);
  const path = `${PAGES_DIR}/${protocol ?? COMMON_PAGE}.md`;
  const anchor = family.replaceAll('.', '-');
  return { path, anchor, link: `${path}#${anchor}` };
}

/** The package root: src/protocols/ under the test runner, dist/protocols/ once built, both two levels down. */
const packageRoot = new URL('../../', import.meta.url);

/**
 * A rule's section as a URL: under `base` (where a copy of the package's pages is served), else the
 * page installed with this package (a file: URL, for reports read on the machine that wrote them).
 */
export function rulePageUrl(ruleId: string, base: URL = packageRoot): string {
  return new URL(rulePage(ruleId).link, base).href;
}
