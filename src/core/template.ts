/** Values a scenario or suite may name in its strings as `{{name}}`. */
export type TemplateVars = Readonly<Record<string, string>>;

export function fillTemplate(text: string, vars: TemplateVars): string {
  return text.includes('{{') ? text.replace(/\{\{(\w+)\}\}/g, (match, name: string) => vars[name] ?? match) : text;
}

/** Fills every string inside a JSON value, keys excepted; the shape stays the same. */
export function fillJson<T>(value: T, vars: TemplateVars): T;
export function fillJson(value: unknown, vars: TemplateVars): unknown {
  if (typeof value === 'string') return fillTemplate(value, vars);
  if (Array.isArray(value)) return value.map((item: unknown) => fillJson(item, vars));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillJson(item, vars)]));
  }
  return value;
}
