/**
 * Issue 19 item 4: rules and types live in their layer. Reads the import lines of lib/**\/*.ts and checks
 * who may import whom, so an upward import (session/x509 -> engine, policy -> socket/http) or a circle
 * among policy, session and x509 fails here instead of creeping back in.
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const LIB = join(repoRoot, 'lib');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every module specifier of static imports, re-exports and dynamic imports (multi-line imports too). */
export function specifiers(source: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;
  for (let m = re.exec(source); m; m = re.exec(source)) out.push(m[1]!);
  return out;
}

/** lib-relative module paths ("session/codec.ts") mapped to the lib modules they import. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(LIB)) {
    const deps = specifiers(readFileSync(file, 'utf8'))
      .filter((s) => s.startsWith('.'))
      .map((s) => relative(LIB, resolve(dirname(file), s)).replace(/\.js$/, '.ts'));
    graph.set(relative(LIB, file), deps);
  }
  return graph;
}

const graph = importGraph();
const inDir = (dirs: string[]) => (m: string) => dirs.some((d) => m.startsWith(`${d}/`));

/** A circle among the modules `keep` selects, as "a -> b -> a", or null. */
function findCircle(keep: (m: string) => boolean, g: Map<string, string[]> = graph): string | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (m: string): string | null => {
    if (state.get(m) === 'done') return null;
    if (state.get(m) === 'open') return [...stack.slice(stack.indexOf(m)), m].join(' -> ');
    state.set(m, 'open');
    stack.push(m);
    for (const d of g.get(m) ?? []) {
      if (!keep(d)) continue;
      const found = visit(d);
      if (found) return found;
    }
    stack.pop();
    state.set(m, 'done');
    return null;
  };
  for (const m of g.keys()) {
    if (!keep(m)) continue;
    const found = visit(m);
    if (found) return found;
  }
  return null;
}

function importsInto(from: string[], to: string[]): string[] {
  const isFrom = inDir(from);
  const isTo = inDir(to);
  return [...graph].flatMap(([m, deps]) => (isFrom(m) ? deps.filter(isTo).map((d) => `${m} -> ${d}`) : []));
}

t.test('the scanner sees the modules and their imports', async (t) => {
  t.ok(graph.has('policy/session-lifetime.ts'), 'policy/session-lifetime.ts is scanned');
  t.ok(graph.get('session/memory-store.ts')?.includes('policy/session-lifetime.ts'), 'memory-store imports the lifetime rule');
  t.same(specifiers("import {\n  a,\n  b,\n} from './x.js';\nexport type { C } from '../y.js';\nimport './z.js';\nconst q = await import('./w.js');"),
    ['./x.js', '../y.js', './z.js', './w.js'], 'multi-line, re-export, side-effect and dynamic imports are found');
  const fake = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
  t.equal(findCircle(() => true, fake), 'a.ts -> b.ts -> c.ts -> a.ts', 'the circle finder names a circle');
  t.equal(findCircle((m) => m !== 'c.ts', fake), null, 'and ignores modules outside the selection');
});

t.test('no import circle among lib/policy, lib/session and lib/x509', async (t) => {
  t.equal(findCircle(inDir(['policy', 'session', 'x509'])), null);
});

t.test('lib/policy imports nothing from lib/socket or lib/http', async (t) => {
  t.same(importsInto(['policy'], ['socket', 'http']), []);
});

t.test('lib/session and lib/x509 import nothing from lib/engine (their types live in session/types.ts, x509/types.ts)', async (t) => {
  t.same(importsInto(['session', 'x509'], ['engine']), []);
});

t.test('the 24-hour rule of TS 33.141 7.1 has one home: 86400 appears in no other lib module', async (t) => {
  const others = tsFiles(LIB)
    .filter((f) => relative(LIB, f) !== join('policy', 'session-lifetime.ts'))
    .filter((f) => /\b86_?400\b(?!_)/.test(readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')))
    .map((f) => relative(LIB, f));
  t.same(others, []);
});
