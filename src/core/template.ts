/** Values a scenario or suite may name in its strings as `{{name}}`. */
export type TemplateVars = Readonly<Record<string, string>>;

export function fillTemplate(text: string, vars: TemplateVars): string {
  return text.includes('{{') ? text.replace(/\{\{(\w+)\}\}/g, (match, name: string) => vars[name] ?? match) : text;
}

/** A text cut once at its `{{name}}` holes, filled many times without scanning it again. */
export type CompiledTemplate = (vars: TemplateVars) => string;

/** `fillTemplate(text, vars)` as a function of `vars`: what a text filled on every request is compiled to. */
export function compileTemplate(text: string): CompiledTemplate {
  // split with a capturing group: literals at even indexes, hole names at odd ones.
  const parts = text.split(/\{\{(\w+)\}\}/);
  if (parts.length === 1) return () => text;
  // Joined, not concatenated: a concatenation is a rope that every socket write must flatten
  // again, which cost more than all the rest of an answer (see bench/README.md).
  return (vars) => {
    const out = parts.slice();
    for (let i = 1; i < out.length; i += 2) {
      const name = out[i] ?? '';
      out[i] = vars[name] ?? `{{${name}}}`;
    }
    return out.join('');
  };
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
