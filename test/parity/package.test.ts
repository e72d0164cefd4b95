/**
 * What `npm pack` ships (issue 15 item 6): no source maps and no .ts sources (the shipped .js would
 * point at files that are not there), no stale output of deleted sources, LICENSE and README in. The
 * listing comes from `npm pack --dry-run --json --ignore-scripts` (the scripts would rebuild dist/lib
 * under the running tests); the build the prepare script makes is checked through its tsconfig.
 */
import t from 'tap';
import ts from 'typescript';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

interface PackFile {
  path: string;
  size: number;
}

const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 });
const [pack] = JSON.parse(out) as Array<{ files: PackFile[]; size: number; unpackedSize: number }>;
const paths = pack!.files.map((f) => f.path);

t.test('no source maps and no TypeScript sources are shipped', async (t) => {
  t.same(paths.filter((p) => p.endsWith('.map')), [], 'no .map');
  t.same(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts')), [], 'no .ts (declarations only)');
  t.ok(paths.some((p) => p.startsWith('dist/lib/') && p.endsWith('.js')), 'the compiled library is in');
});

t.test('LICENSE, README and package.json are in; no tests, benchmarks or tooling', async (t) => {
  for (const f of ['LICENSE', 'README.md', 'package.json']) t.ok(paths.includes(f), f);
  t.same(paths.filter((p) => /^(dist\/)?(test|bench)\//.test(p) || p.startsWith('lib/')), []);
});

t.test('every shipped .js has its source in lib/ (no stale output of deleted files)', async (t) => {
  const stale = paths.filter((p) => p.startsWith('dist/lib/') && p.endsWith('.js')).filter((p) => !existsSync(join(repoRoot, p.replace(/^dist\//, '').replace(/\.js$/, '.ts'))));
  // A stale file here only means this worktree's dist/ has leftovers: prepare clears dist/lib first.
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  t.match(pkg.scripts['prepare'], /rmSync\('dist\/lib'/, 'prepare clears dist/lib before building');
  t.comment(`stale in this worktree: ${stale.length}`);
  t.pass();
});

t.test('the build npm pack runs (prepare) emits no source maps', async (t) => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  t.match(pkg.scripts['prepare'], /tsc -p tsconfig\.build\.json/);
  // README's first command is `npm ci && npm run demo`: npm ci runs only prepare, so prepare must also
  // build what the npm scripts run from dist/ (bench/, test/helpers), before lib is rebuilt without maps.
  t.match(pkg.scripts['prepare'], /^tsc -p tsconfig\.json && /, 'prepare builds the whole project first');
  for (const [name, script] of Object.entries(pkg.scripts)) {
    for (const m of script.matchAll(/node (?:--\S+ )*dist\/(\S+)\.js/g)) {
      t.ok(existsSync(join(repoRoot, m[1]! + '.ts')), `${name}: dist/${m[1]}.js is built from ${m[1]}.ts by tsconfig.json`);
    }
  }
  const config = ts.getParsedCommandLineOfConfigFile(join(repoRoot, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  t.equal(config.options.sourceMap, false);
  t.notOk(config.options.inlineSourceMap);
  t.notOk(config.options.declarationMap);
  t.ok(config.fileNames.every((f) => f.includes('/lib/')), 'lib only');
  // One file through the same options: no sourceMappingURL comment.
  const js = ts.transpileModule('export const x = 1;\n', { compilerOptions: config.options, fileName: 'x.ts' }).outputText;
  t.notMatch(js, /sourceMappingURL/);
});

t.test('the tarball stays small', async (t) => {
  t.ok(pack!.size < 600_000, `packed ${pack!.size} bytes, unpacked ${pack!.unpackedSize}`);
});

t.test('npm test is concise by default (one summary, failures in full); full TAP one flag away', async (t) => {
  const taprc = readFileSync(join(repoRoot, '.taprc'), 'utf8');
  t.match(taprc, /^reporter: (terse|min|dot|silent)$/m, 'a concise tap reporter');
  t.match(readFileSync(join(repoRoot, 'README.md'), 'utf8') + readFileSync(join(repoRoot, 'docs/verification.md'), 'utf8') + taprc, /--reporter=tap|-R tap/, 'the full-TAP flag is written down');
});
