import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { protocolIds } from '../src/protocols/index.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(src);
const rel = (path: string): string => relative(root, path);

/** Every module a file imports, type-only and dynamic imports included, as source paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n;]*?from\s+'([^']+)'|import\('([^']+)'\)/g)].map(
    (match) => match[1] ?? match[2] ?? '',
  );
  return specifiers.filter((specifier) => specifier.startsWith('.')).map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
}

/** The import cycles among the files, each as the list of files around it (Tarjan's strongly connected components). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the shape of src/', () => {
  const graph = new Map(files.map((file) => [file, importsOf(file)]));

  it('reads imports the way the checks below need (a known edge is seen)', () => {
    expect(graph.get(join(src, 'suite/runner.ts'))).toContain(join(src, 'transports/index.ts'));
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['a']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b']]);
  });

  it('has no import cycle, type-only imports included', () => {
    expect(cycles(graph).map((cycle) => cycle.map(rel))).toEqual([]);
  });

  it('has no file over 300 lines', () => {
    const long = files.map((file) => ({ file: rel(file), lines: readFileSync(file, 'utf8').split('\n').length - 1 })).filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });

  it('names no protocol outside its own folder: a new protocol is folders only', () => {
    const ids = protocolIds();
    expect(ids.length).toBeGreaterThan(0);
    const shared = files.filter((file) => !ids.some((id) => file.startsWith(join(src, 'protocols', id) + '/')));
    const naming = shared.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const imported = importsOf(file).filter((target) => ids.some((id) => target.startsWith(join(src, 'protocols', id) + '/')));
      const quoted = ids.filter((id) => text.includes(`'${id}'`) || text.includes(`"${id}"`));
      return [...imported.map((target) => `${rel(file)} imports ${rel(target)}`), ...quoted.map((id) => `${rel(file)} names '${id}'`)];
    });
    expect(naming).toEqual([]);
  });
});
