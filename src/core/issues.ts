import { z } from 'zod';

/** One problem with an input, at a JSON pointer, in words a user can act on. */
export interface InputProblem {
  readonly pointer: string;
  readonly message: string;
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** The schema itself, under the wrappers that do not change what a value must look like. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (let depth = 0; depth < 20 && current !== undefined; depth++) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
  return current;
}

/** The schema a value at `path` below `schema` is checked by, when one can tell without the value. */
function schemaAt(schema: z.ZodType | undefined, path: Path): z.ZodType | undefined {
  let current = schema;
  for (const key of path) {
    const plain = unwrap(current);
    if (plain instanceof z.ZodObject) current = (plain.shape as Record<string, z.ZodType>)[String(key)];
    else if (plain instanceof z.ZodArray) current = plain.element as z.ZodType;
    else if (plain instanceof z.ZodRecord) current = plain.valueType as z.ZodType;
    else return undefined;
  }
  return current;
}

/** What a union's branch is called in a message: its title, else the keys it takes. */
function branchName(branch: z.ZodType | undefined): string {
  const title = branch?.meta()?.title;
  if (typeof title === 'string') return title;
  const plain = unwrap(branch);
  if (plain instanceof z.ZodObject) return `an object with ${Object.keys(plain.shape).join(', ')}`;
  return 'one of its forms';
}

/** How far a branch is from the value: a misspelt key or a wrong type counts one each. */
function distance(issues: readonly Issue[]): number {
  return issues.reduce((sum, issue) => sum + (issue.code === 'unrecognized_keys' ? issue.keys.length : 1), 0);
}

function pointerOf(path: Path): string {
  return path.map((part) => `/${String(part)}`).join('');
}

/** zod's words, without its "Invalid input" preamble, and with the keys an object does take. */
function wording(issue: Issue, schema: z.ZodType | undefined, path: Path): string {
  if (issue.code === 'unrecognized_keys') {
    const plain = unwrap(schemaAt(schema, path));
    const known = plain instanceof z.ZodObject ? `: expected only ${Object.keys(plain.shape).join(', ')}` : '';
    return `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}${known}`;
  }
  if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message))
    return `missing: expected ${issue.expected === 'nonoptional' ? 'a value' : issue.expected}`;
  return issue.message.replace(/^Invalid input: /, '');
}

/**
 * The problems zod found, each at its JSON pointer. A value that fits no branch of a union is
 * reported against the branch it comes closest to (named), with that branch's own errors, rather
 * than as zod's bare "Invalid input".
 */
export function explainIssues(schema: z.ZodType, issues: readonly Issue[]): InputProblem[] {
  const problems: InputProblem[] = [];
  const visit = (issue: Issue, base: Path, root: z.ZodType | undefined, within: string, depth: number): void => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0 && depth < 10) {
      const union = unwrap(schemaAt(root, issue.path));
      const options: readonly z.ZodType[] = union instanceof z.ZodUnion ? (union.options as readonly z.ZodType[]) : [];
      let best = 0;
      issue.errors.forEach((branch, index) => {
        if (distance(branch) < distance(issue.errors[best] ?? [])) best = index;
      });
      const others = options.filter((_, index) => index !== best).map(branchName);
      const name = `read as ${branchName(options[best])}${others.length > 0 ? `, which it fits better than ${others.join(' or ')}` : ''}`;
      for (const inner of issue.errors[best] ?? []) visit(inner, path, options[best], name, depth + 1);
      return;
    }
    const message = wording(issue, root, issue.path);
    problems.push({ pointer: pointerOf(path), message: within === '' ? message : `${message} (${within})` });
  };
  for (const issue of issues) visit(issue, [], schema, '', 0);
  return problems;
}
