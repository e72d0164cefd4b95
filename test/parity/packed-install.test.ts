/**
 * The newcomer check of issue 15 ("Done when", second bullet): the package as `npm pack` makes it,
 * installed in a scratch app with npm, used as a user would.
 *
 * 1. The tarball: lib/ and the shipped files are copied to a staging directory and built there with
 *    tsconfig.build.json (what the prepare script ships), then `npm pack --ignore-scripts` (prepare
 *    would rebuild dist/ of this worktree under the running tests).
 * 2. The install: `npm install --offline` of the tarball in an app without "type" (CommonJS by
 *    default). The dependencies come from the npm cache `npm ci` filled; when the cache lacks one
 *    (ENOTCACHED) the install is retried with --prefer-offline, which may ask the registry.
 * 3. The programs in test/parity/packed-app: an ESM program (PEM `contexts`, `addContext` with a
 *    wildcard, `SNICallback`, a mismatched key, a misspelt option, SSLKEYLOGFILE, real handshakes on
 *    127.0.0.1), a CommonJS `require('ut-tls')` program, and a TypeScript consumer type-checked
 *    with module node16, nodenext and bundler against the installed declarations, with the README's
 *    CommonJS form (dynamic import) and a static import from CommonJS (TS1479 with node16; allowed
 *    by nodenext since TypeScript 5.8, as Node 20.19+ can require(esm)).
 */
import t from 'tap';
import ts from 'typescript';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { createCertificate, createTestPki } from '../helpers/testca.js';

const run = promisify(execFile);
const BOUNDED = { timeout: 120_000 };
const SOURCES = join(repoRoot, 'test/parity/packed-app');
const work = mkdtempSync(join(tmpdir(), 'ut-tls-packed-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

// --- 1. the tarball, built as prepare builds it -------------------------------------------------
const stage = join(work, 'stage');
mkdirSync(stage);
for (const f of ['package.json', 'LICENSE', 'README.md', 'docs', 'lib', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(repoRoot, f), join(stage, f), { recursive: true });
symlinkSync(join(repoRoot, 'node_modules'), join(stage, 'node_modules'), 'dir');
const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: stage, timeout: 90_000 });
rmSync(join(stage, 'node_modules'));
const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: stage, timeout: 60_000 });
const [pack] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
const tarball = join(work, pack!.filename);

// --- 2. the install --------------------------------------------------------------------------------
const app = join(work, 'app');
mkdirSync(app);
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'newcomer-app', version: '1.0.0', private: true }));
const npmInstall = (mode: string) => run('npm', ['install', mode, '--no-audit', '--no-fund', '--no-save', tarball], { cwd: app, timeout: 90_000 });
let installMode = '--offline';
try {
  await npmInstall(installMode);
} catch (err) {
  if (!/ENOTCACHED|offline/i.test(String((err as { stderr?: string }).stderr ?? err))) throw err;
  installMode = '--prefer-offline';
  await npmInstall(installMode);
}
for (const f of readdirSync(SOURCES)) cpSync(join(SOURCES, f), join(app, f));

// Certificates: a default host (localhost), a.example.org, b.example.org and *.example.org on one
// key, and another key that matches none of them.
const pki = await createTestPki({ client: true });
const issuer = { cert: pki.root.cert, key: pki.root.key };
const leaf = (cn: string) => createCertificate({ key: pki.server.key, subject: { CN: cn }, issuer, dnsNames: [cn], extKeyUsage: ['serverAuth'] });
const [aCert, bCert, wildCert] = await Promise.all([leaf('a.example.org'), leaf('b.example.org'), leaf('*.example.org')]);
writeFileSync(join(app, 'fixtures.json'), JSON.stringify({
  ca: pki.caPem,
  key: pki.server.keyPem,
  localhostCert: pki.server.pem,
  aCert: aCert.pem,
  bCert: bCert.pem,
  wildCert: wildCert.pem,
  otherKey: pki.client!.keyPem,
}));

t.test('the tarball installs from the npm cache', async (t) => {
  t.ok(existsSync(join(app, 'node_modules/ut-tls/dist/lib/index.js')), `installed (npm install ${installMode})`);
  for (const dep of ['pkijs', 'asn1js', '@noble/ciphers', '@noble/hashes']) t.ok(existsSync(join(app, 'node_modules', dep, 'package.json')), `dependency ${dep}`);
  const files = pack!.files.map((f) => f.path);
  t.same(files.filter((p) => p.endsWith('.map') || (p.endsWith('.ts') && !p.endsWith('.d.ts'))), [], 'no maps, no sources');
  t.same(files.filter((p) => /^(test|bench|lib|vectors|\.ci)\//.test(p) || /^dist\/(test|bench)\//.test(p)), [], 'no tests, benchmarks, vectors or tooling');
  const js = readFileSync(join(app, 'node_modules/ut-tls/dist/lib/index.js'), 'utf8');
  t.notMatch(js, /sourceMappingURL/, 'the shipped .js names no map');
  t.ok(existsSync(join(app, 'node_modules/ut-tls/LICENSE')), 'LICENSE');
  const meta = JSON.parse(readFileSync(join(app, 'node_modules/ut-tls/package.json'), 'utf8')) as Record<string, unknown>;
  t.match(meta, { license: 'MIT', type: 'module', sideEffects: false, engines: { node: '>=20.19' } }, 'the metadata a registry page shows');
  t.ok((meta['keywords'] as string[]).includes('tls'), 'keywords');
  t.equal(meta['repository'], undefined, 'no repository: there is no public URL (docs/node-parity.md), none invented');
  t.ok(existsSync(join(app, 'node_modules/ut-tls/docs/examples/ap.json')), 'the AP example config the docs name');
});

t.test('ESM: PEM virtual hosts, addContext, SNICallback, refusals and SSLKEYLOGFILE, as documented', BOUNDED, async (t) => {
  const keylog = join(app, 'keys.log');
  const { stdout } = await run(process.execPath, ['main.mjs'], { cwd: app, timeout: 60_000, env: { ...process.env, SSLKEYLOGFILE: keylog } });
  const out = JSON.parse(stdout) as Record<string, unknown> & { keylogEvents: string[] };
  t.equal(out['contexts'], 'a.example.org', 'contexts: [{ servername, key, cert }] in PEM answers for its name');
  t.equal(out['addContext'], '*.example.org', 'addContext("*.example.org") answers for c.example.org');
  t.equal(out['addContextWins'], '*.example.org', 'addContext() entries are checked before contexts, latest first (node:tls order)');
  t.equal(out['defaultHost'], 'localhost', 'other names get the default certificate');
  t.equal(out['SNICallback'], 'b.example.org', 'SNICallback with a createSecureContext() result');
  t.equal(out['SNICallbackDefault'], 'localhost', 'SNICallback answering null: the default certificate');
  t.match(out['mismatchedKey'], { name: 'TLSConfigError', code: 'ERR_TLS_INVALID_CONFIG', option: 'key', isTLSConfigError: true }, 'a key that does not match the certificate is refused at createServer()');
  t.match((out['mismatchedKey'] as { message: string }).message, /key/);
  t.match(out['misspelt'], { code: 'ERR_TLS_INVALID_CONFIG', option: 'requestCrt', isTLSConfigError: true });
  t.match((out['misspelt'] as { message: string }).message, /requestCrt: unknown option; did you mean requestCert\?/, 'the documented hint');
  // Client and server run in the one process: each connection's line is appended by both roles.
  t.equal(out.keylogEvents.length, 6, 'six handshakes');
  const lines = readFileSync(keylog, 'latin1').split('\n').filter(Boolean);
  t.same(lines.slice().sort(), out.keylogEvents.flatMap((l) => [l, l]).sort(), 'SSLKEYLOGFILE has every line twice: client and server role');
  for (const l of lines) t.match(l, /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
});

t.test('CommonJS: require("ut-tls") works (Node 20.19+ require(esm))', BOUNDED, async (t) => {
  const { stdout } = await run(process.execPath, ['main.cjs'], { cwd: app, timeout: 60_000, env: { ...process.env, SSLKEYLOGFILE: '' } });
  t.same(JSON.parse(stdout), { protocol: 'TLSv1', data: 'hi', refused: { code: 'ERR_TLS_INVALID_CONFIG', isTLSConfigError: true } });
});

/** Type-checks `files` in the app with these module settings; the diagnostics as `file: TSnnnn`. */
function typeCheck(files: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(files.map((f) => join(app, f)), {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    typeRoots: [join(repoRoot, 'node_modules/@types')],
    ...options,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? `${d.file.fileName.slice(app.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '-'}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(0, 120)}`);
}

t.test('TypeScript module node16: ESM consumer clean, CommonJS with await import() clean, a static import TS1479', BOUNDED, async (t) => {
  const diags = typeCheck(['consumer.mts', 'consumer-cjs.cts', 'static-import.cts'], { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 });
  t.equal(diags.length, 1, diags.join('\n'));
  t.match(diags[0], /^static-import\.cts:2: TS1479 /, 'only the static import from CommonJS, as the README says');
});

t.test('TypeScript module nodenext: all three clean (TypeScript 5.8+ models require(esm))', BOUNDED, async (t) => {
  t.ok(Number(ts.versionMajorMinor) >= 5.8, `TypeScript ${ts.version}`);
  t.same(typeCheck(['consumer.mts', 'consumer-cjs.cts', 'static-import.cts'], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }), []);
});

t.test('TypeScript moduleResolution bundler: the consumer type-checks clean', BOUNDED, async (t) => {
  const diags = typeCheck(['consumer.mts'], { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler });
  t.same(diags, []);
});
