import { fillTemplate, type TemplateVars } from '../core/template.js';

/**
 * The headers a step sends: `base` (the run's: key, -H), then the step's own, filled with the case's
 * values. A step header set to "" is not sent at all (to call without the key the run otherwise sends).
 */
export function stepHeaders(
  base: Readonly<Record<string, string>>,
  own: Readonly<Record<string, string>> | undefined,
  vars: TemplateVars,
): Record<string, string> {
  const headers: Record<string, string> = { ...base };
  for (const [name, value] of Object.entries(own ?? {})) {
    const filled = fillTemplate(value, vars);
    if (filled === '') delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = filled;
  }
  return headers;
}
