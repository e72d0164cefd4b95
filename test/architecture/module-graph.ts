/**
 * The static import graph of compiled ES modules, read from the files themselves (no loader, no
 * bundler): every `import ... from`, `export ... from`, side-effect `import '...'` and literal
 * `import('...')` specifier, resolved the way Node resolves them for ESM (relative paths; bare names
 * through node_modules and the package's "exports"/"module"/"main"). Used to prove that an entry
 * point reaches no Node built-in, and by the vm runner to load the same graph into a bare context.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';

// Static forms only at the start of a statement (a string such as "import 'ut-tls'" in an error
// message is not an import); dynamic import() of a literal anywhere.
const SPECIFIER = /^\s*(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Strips comments so a specifier quoted in a doc comment is not taken for an import. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

export function importSpecifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of stripComments(source).matchAll(SPECIFIER)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

const BUILTINS = new Set(builtinModules);

/** `node:fs`, or a bare built-in name (`crypto`, `net`, `stream/web`) that Node maps to one. */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

function exportTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object') {
    const conds = entry as Record<string, unknown>;
    for (const c of ['browser', 'import', 'default']) {
      const t = exportTarget(conds[c]);
      if (t !== undefined) return t;
    }
  }
  return undefined;
}

/** Resolves a bare package specifier from `fromFile`, walking up to each node_modules. */
function resolvePackage(specifier: string, fromFile: string): string {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const subpath = '.' + specifier.slice(name.length);
  for (let dir = dirname(fromFile); ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', name);
    if (existsSync(join(pkgDir, 'package.json'))) {
      const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as Record<string, unknown>;
      const exportsField = pkg['exports'];
      let target: string | undefined;
      if (exportsField !== undefined) {
        const table = typeof exportsField === 'string' || !Object.keys(exportsField as object).some((k) => k.startsWith('.'))
          ? { '.': exportsField }
          : (exportsField as Record<string, unknown>);
        target = exportTarget(table[subpath]);
      } else if (subpath === '.') {
        target = (pkg['module'] ?? pkg['main'] ?? 'index.js') as string;
      } else {
        target = subpath;
      }
      if (target === undefined) throw new Error(`cannot resolve ${specifier} (from ${fromFile}): not in its "exports"`);
      return resolve(pkgDir, target);
    }
    if (dirname(dir) === dir) throw new Error(`cannot resolve ${specifier} from ${fromFile}: no node_modules has it`);
  }
}

export function resolveSpecifier(specifier: string, fromFile: string): string {
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/')) return resolve(dirname(fromFile), specifier);
  return resolvePackage(specifier, fromFile);
}

export interface ModuleGraph {
  /** Every file reached (absolute paths), the entry first. */
  files: string[];
  /** Node built-in specifiers reached, each with the file that imports it. */
  builtins: { specifier: string; importer: string }[];
  /** For each file, the chain of files that led to it (to report a path to a forbidden import). */
  parent: Map<string, string | undefined>;
}

export function walkModuleGraph(entry: string): ModuleGraph {
  const graph: ModuleGraph = { files: [], builtins: [], parent: new Map([[entry, undefined]]) };
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    graph.files.push(file);
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (isNodeBuiltin(spec)) {
        graph.builtins.push({ specifier: spec, importer: file });
        continue;
      }
      const target = resolveSpecifier(spec, file);
      if (!graph.parent.has(target)) {
        graph.parent.set(target, file);
        queue.push(target);
      }
    }
  }
  return graph;
}

/** entry -> ... -> file, for a readable failure message. */
export function importChain(graph: ModuleGraph, file: string): string[] {
  const chain: string[] = [];
  for (let f: string | undefined = file; f !== undefined; f = graph.parent.get(f)) chain.unshift(f);
  return chain;
}
