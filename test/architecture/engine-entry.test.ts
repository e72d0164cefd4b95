/**
 * `ut-tls/engine` (lib/engine-index.ts) must load in a runtime without Node: nothing reachable from
 * it may import a Node built-in. Checked on the compiled files, through the dependencies in
 * node_modules too, because that is what a bundler would follow.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { testPki } from '../helpers/pki.js';
import { importChain, importSpecifiers, isNodeBuiltin, walkModuleGraph } from './module-graph.js';

const here = dirname(fileURLToPath(import.meta.url));
const distLib = join(here, '..', '..', 'lib');
const entry = join(distLib, 'engine-index.js');
const rel = (f: string) => relative(join(distLib, '..'), f);

t.test('the specifier scanner sees imports, re-exports and dynamic imports, not comments', async (t) => {
  const src = [
    "import { a } from './a.js';",
    "export { b } from \"./b.js\";",
    "export * from './c.js';",
    "import './d.js';",
    "const e = await import('node:fs');",
    "// import x from 'node:net';",
    "/* export * from 'stream'; */",
    "throw new Error(\"import 'ut-tls' first\");",
  ].join('\n');
  t.same(importSpecifiers(src), ['./a.js', './b.js', './c.js', './d.js', 'node:fs']);
  t.ok(isNodeBuiltin('node:crypto'));
  t.ok(isNodeBuiltin('crypto'));
  t.ok(isNodeBuiltin('stream/web'));
  t.notOk(isNodeBuiltin('@noble/hashes/sha2.js'));
});

t.test('the walker does find a node: import (the root entry reaches node:net)', async (t) => {
  const graph = walkModuleGraph(join(distLib, 'index.js'));
  t.ok(graph.builtins.some((b) => b.specifier === 'node:net'), 'root index reaches node:net');
});

t.test('nothing reachable from ut-tls/engine imports a Node built-in', async (t) => {
  const graph = walkModuleGraph(entry);
  const offenders = graph.builtins.map((b) => `${b.specifier} <- ${importChain(graph, b.importer).map(rel).join(' <- ')}`);
  t.same(offenders, [], 'no node: or bare built-in specifier');
  t.ok(graph.files.some((f) => f.endsWith('engine/connection.js')), 'the graph contains the engine');
  t.ok(graph.files.some((f) => f.includes('node_modules')), 'the graph was followed into dependencies');
  t.notOk(graph.files.some((f) => f.endsWith('crypto/native.js')), 'the node:crypto provider is not reachable');
  t.notOk(graph.files.some((f) => f.includes('/socket/')), 'the socket layer is not reachable');
});

t.test('package.json maps ut-tls/engine to this entry, and it exports the core', async (t) => {
  const pkg = JSON.parse(readFileSync(join(distLib, '..', '..', 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
  t.same(pkg.exports['./engine'], { types: './dist/lib/engine-index.d.ts', default: './dist/lib/engine-index.js' });
  const mod = (await import('ut-tls/engine')) as Record<string, unknown>;
  for (const name of ['Connection', 'TLSAlertError', 'TLSConfigError', 'AlertDescription', 'CIPHER_SUITES', 'verifyServerChain', 'parsePrivateKey', 'pemDecode', 'pureProvider']) {
    t.equal(typeof mod[name] === 'undefined', false, `exports ${name}`);
  }
  t.equal(typeof mod['Connection'], 'function');
});

/** Runs engine-vm-runner.js on `entryFile` in a child node (vm.SourceTextModule needs the flag). */
async function runInBareContext(entryFile: string) {
  const pki = await testPki();
  return spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', join(here, 'engine-vm-runner.js'), entryFile], {
    input: JSON.stringify({ caPem: pki.caPem, certPem: pki.certPem, keyPem: pki.keyPem }),
    encoding: 'utf8',
    timeout: 60_000,
  });
}

t.test('a 3DES handshake from ut-tls/engine alone completes in a vm context without process, require or Buffer', async (t) => {
  const run = await runInBareContext(entry);
  t.equal(run.status, 0, `runner exits 0 (stderr: ${run.stderr})`);
  const log = JSON.parse(run.stdout) as Record<string, unknown>;
  t.same(log['globals'], { process: 'undefined', require: 'undefined', Buffer: 'undefined' }, 'no Node globals in the context');
  t.same(log['errors'], []);
  t.equal(log['clientComplete'], true);
  t.equal(log['serverComplete'], true);
  t.equal(log['suite'], 'TLS_RSA_WITH_3DES_EDE_CBC_SHA');
  t.same(log['verdict'], { authorized: true }, 'the client verified the chain in the context');
  t.equal(log['received'], 'hello over 3DES', 'application data crossed');
});

t.test('the same runner refuses the root entry, which needs node: modules', async (t) => {
  const run = await runInBareContext(join(distLib, 'index.js'));
  t.not(run.status, 0);
  t.match(run.stderr, /cannot resolve node:/);
});
