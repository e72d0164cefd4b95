/**
 * `ut-tls/gba` (lib/gba) is runtime-neutral like ut-tls/engine: nothing reachable from it imports a
 * Node built-in (a UE simulator in a browser or a worker derives Ks_NAF too). Checked on the compiled
 * files through node_modules, as engine-entry.test.ts does for the engine.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { importChain, walkModuleGraph } from './module-graph.js';

const here = dirname(fileURLToPath(import.meta.url));
const distLib = join(here, '..', '..', 'lib');
const rel = (f: string) => relative(join(distLib, '..'), f);

t.test('nothing reachable from ut-tls/gba imports a Node built-in', async (t) => {
  const graph = walkModuleGraph(join(distLib, 'gba', 'index.js'));
  const offenders = graph.builtins.map((b) => `${b.specifier} <- ${importChain(graph, b.importer).map(rel).join(' <- ')}`);
  t.same(offenders, [], 'no node: or bare built-in specifier');
  t.ok(graph.files.some((f) => f.endsWith('gba/kdf.js')), 'the graph contains the KDF');
  t.ok(graph.files.some((f) => f.includes('@noble/hashes')), 'and was followed into @noble/hashes');
  t.notOk(graph.files.some((f) => f.includes('/socket/')), 'the socket layer is not reachable');
});

t.test('package.json maps ut-tls/gba to lib/gba', async (t) => {
  const pkg = JSON.parse(readFileSync(join(distLib, '..', '..', 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  t.same(pkg.exports['./gba'], { types: './dist/lib/gba/index.d.ts', default: './dist/lib/gba/index.js' });
  const mod = (await import('ut-tls/gba')) as Record<string, unknown>;
  for (const name of ['gbaKdf', 'ksNaf', 'nafId', 'uaSharedKeyTls', 'formatBtid', 'parseBtid', 'gbaPskCallback', 'gbaClientPskCallback', 'GbaError']) {
    t.equal(typeof mod[name], 'function', `exports ${name}`);
  }
});
