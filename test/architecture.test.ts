import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/shared.js';

// The module rules of docs/architecture.md, checked on the sources: a module is entered only through its index.ts,
// and no import cycle exists between modules (nor between files).
const SRC = join(PROJECT_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of a file that load code at run time (`import type` and type-only lists are left out). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /^\s*(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/gm;
  for (const m of text.matchAll(re)) {
    if (m[4]) {
      specs.push(m[4]);
      continue;
    }
    if (m[1]) continue;
    const list = m[2] ?? '';
    const braces = /^\{([\s\S]*)\}$/.exec(list.trim());
    if (braces && braces[1]!.split(',').every((n) => !n.trim() || n.trim().startsWith('type '))) continue;
    specs.push(m[3]!);
  }
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

/** `model` for src/model/report.ts; `(root)` for src/index.ts. */
const moduleOf = (file: string) => {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? '(root)' : rel[0]!;
};

const files = sourceFiles(SRC);
const imports = new Map(files.map((f) => [f, runtimeImports(f)]));

describe('architecture', () => {
  it('modules are entered only through their index.ts (common/ and the CLI excepted)', () => {
    const deep: string[] = [];
    for (const [file, targets] of imports) {
      const from = moduleOf(file);
      for (const t of targets) {
        const to = moduleOf(t);
        // The CLI is the program at the edge, bundled on its own (dist/cli.js): it may load a module's inner file
        // lazily when the module's index would cost start-up time (the validate command's formatters).
        if (to === from || to === 'common' || to === '(root)' || from === '(root)' || from === 'cli')
          continue;
        if (relative(join(SRC, to), t) !== 'index.ts')
          deep.push(`${relative(SRC, file)} → ${relative(SRC, t)}`);
      }
    }
    expect(deep).toEqual([]);
  });

  it('no import cycle between modules', () => {
    const graph = new Map<string, Set<string>>();
    for (const [file, targets] of imports) {
      const from = moduleOf(file);
      if (from === '(root)' || from === 'cli') continue;
      for (const t of targets) {
        const to = moduleOf(t);
        if (to !== from && to !== '(root)') graph.set(from, (graph.get(from) ?? new Set()).add(to));
      }
    }
    expect(findCycle(graph)).toEqual([]);
  });

  it('no import cycle between files (the unbundled ESM build loads file by file)', () => {
    const graph = new Map(
      [...imports].map(([f, ts]) => [relative(SRC, f), new Set(ts.map((t) => relative(SRC, t)))]),
    );
    expect(findCycle(graph)).toEqual([]);
  });

  it('the cycle finder finds a cycle (so the two checks above can fail)', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);
    expect(findCycle(g)).toEqual(['a', 'b', 'c', 'a']);
  });
});

/** The first cycle found by depth-first search, as a path that ends where it starts; [] when there is none. */
function findCycle(graph: Map<string, Set<string>>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] => {
    if (state.get(n) === 'done') return [];
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const next of graph.get(n) ?? []) {
      const c = visit(next);
      if (c.length) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return [];
  };
  for (const n of [...graph.keys()].sort()) {
    const c = visit(n);
    if (c.length) return c;
  }
  return [];
}
