/**
 * The key in use, and two keys that only look like it, for cases that check a server compares
 * keys whole and exactly: `tokenCut` lacks the last character (a server that accepts any leading
 * part of its key serves it); `tokenCase` has its letters' case swapped (a server that compares
 * without case serves it). A key with no ASCII letters has no case to swap: `tokenCase` is then the key
 * with its last character changed, so that it still differs.
 */
export function tokenVars(token: string): Record<'token' | 'tokenCut' | 'tokenCase', string> {
  // ASCII letters only: a header value must stay within what HTTP carries (ÿ upper-cased is not).
  const swapped = token.replace(/[A-Za-z]/g, (char) => (char >= 'a' ? char.toUpperCase() : char.toLowerCase()));
  const tokenCase = swapped === token ? `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}` : swapped;
  return { token, tokenCut: token.slice(0, -1), tokenCase };
}

/** The names of tokenVars, which every run that has a key provides. */
export const TOKEN_VARS: readonly string[] = ['token', 'tokenCut', 'tokenCase'];

/**
 * What a user passes for the variables a case lacks: `--token` once for the key and the near keys
 * made from it, `--var` with the suite's description for each other one.
 */
export function neededFlags(missing: readonly string[], variables: Readonly<Record<string, { readonly description?: string | undefined }>>): string {
  const keyed = missing.some((name) => TOKEN_VARS.includes(name));
  const others = missing.filter((name) => !TOKEN_VARS.includes(name));
  const flags = others.map((name) => `--var ${name}=… (${variables[name]?.description ?? 'not declared by the suite'})`);
  return [...(keyed ? ['--token … (the key the server expects)'] : []), ...flags].join('; ');
}
