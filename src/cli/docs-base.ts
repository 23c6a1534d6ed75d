import { z } from 'zod';
import { ChatwireError } from '../core/errors.js';

const DocsBase = z.url({ protocol: /^(?:https?|file)$/ });

/**
 * CHATWIRE_DOCS_BASE: the URL under which a copy of the package's docs/protocols/ is served (e.g. a
 * repository's `blob/v0.1.0/`), for HTML reports read on another machine. Unset: the installed pages.
 */
export function docsBaseOf(env: NodeJS.ProcessEnv): URL | undefined {
  const raw = env['CHATWIRE_DOCS_BASE'];
  if (raw === undefined || raw === '') return undefined;
  const parsed = DocsBase.safeParse(raw);
  if (!parsed.success) {
    throw new ChatwireError('BAD_OPTION', `Failed to read CHATWIRE_DOCS_BASE: ${JSON.stringify(raw)} is not an http, https or file URL`, {
      hint: 'give the URL that docs/protocols/ is found under, e.g. https://github.com/OWNER/chatwire/blob/v0.1.0/, or unset it',
    });
  }
  // A base without its trailing slash would lose its last segment when the page's path is resolved against it.
  return new URL(parsed.data.endsWith('/') ? parsed.data : `${parsed.data}/`);
}
