/**
 * The ut-tls command (dist/lib/cli.js) against GnuTLS peers: its output contract, echo, suite
 * restriction, refused handshakes, and exit codes.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { createCertificate, generateRsaKey } from '../../lib/x509/testca.js';
import { rmSync, writeFileSync } from 'node:fs';
import { GNUTLS_PRIORITY, runGnutlsClient, spawnCollected, startGnutlsServer, deadline, type SpawnedPeer } from '../helpers/peers.js';
import { repoRoot } from '../helpers/paths.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const CLI = join(repoRoot, 'dist', 'lib', 'cli.js');
const BOUNDED = { timeout: 20_000 };

/** Waits until `text` matches, polling the collected output; fails after ms. */
async function waitFor(get: () => string, re: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
  const end = Date.now() + ms;
  for (;;) {
    const m = get().match(re);
    if (m) return m;
    if (Date.now() > end) throw new Error(`timed out waiting for ${re} in ${JSON.stringify(get())}`);
    await deadline(25);
  }
}

async function cliServer(t: Test, extra: string[] = []): Promise<{ peer: SpawnedPeer; port: number }> {
  const peer = spawnCollected(t, process.execPath, [CLI, 'server', '--port', '0', '--key', pki.keyFile, '--cert', pki.certFile, ...extra]);
  const m = await waitFor(peer.stdout, /^listening on 127\.0\.0\.1:(\d+)\n/);
  return { peer, port: Number(m[1]) };
}

async function cliClient(t: Test, args: string[], input: string): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const peer = spawnCollected(t, process.execPath, [CLI, 'client', ...args]);
  peer.child.stdin!.end(input);
  const code = await Promise.race([peer.exited, deadline(15_000).then(() => 'timeout')]);
  return { code, stdout: peer.stdout(), stderr: peer.stderr() };
}

t.test('--help prints the usage and exits 0', BOUNDED, async (t) => {
  const peer = spawnCollected(t, process.execPath, [CLI, '--help']);
  t.equal(await peer.exited, 0);
  t.match(peer.stdout(), /ut-tls server --port PORT --key FILE --cert FILE/);
  t.match(peer.stdout(), /ut-tls client HOST:PORT/);
});

t.test('bad usage exits 2 with a message', BOUNDED, async (t) => {
  const peer = spawnCollected(t, process.execPath, [CLI, 'server', '--port', '0', '--bogus', 'x']);
  t.equal(await peer.exited, 2);
  t.match(peer.stderr(), /unknown option --bogus/);
});

t.test('replay is routed to lib/replay: usage, and one recorded transcript replays', BOUNDED, async (t) => {
  const usage = spawnCollected(t, process.execPath, [CLI, 'replay']);
  t.equal(await usage.exited, 2);
  t.match(usage.stderr(), /usage: ut-tls replay/);
  const one = spawnCollected(t, process.execPath, [CLI, 'replay', join(repoRoot, 'vectors', 'transcripts', 'server-node-aes256.json')]);
  t.equal(await one.exited, 0, one.stderr());
  t.match(one.stdout(), /1 passed, 0 failed/);
});

for (const suite of ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_RC4_128_SHA']) {
  t.test(`ut-tls server --echo with gnutls-cli, ${suite}`, BOUNDED, async (t) => {
    const { peer, port } = await cliServer(t, ['--echo']);
    const r = await runGnutlsClient(t, { port, caFile: pki.caFile, priority: GNUTLS_PRIORITY[suite]!, input: 'xcap ping\n' });
    t.equal(r.code, 0);
    t.match(r.stdout, /xcap ping/, 'echoed');
    await waitFor(peer.stderr, /handshake /);
    t.equal(peer.stderr(), `handshake suite=${suite} resumed=no servername=-\n`, 'one line per handshake');
    t.equal(peer.stdout().split('\n').filter(Boolean).length, 1, 'stdout holds only the listening line');
  });
}

t.test('ut-tls server --suites refuses other suites and says why', BOUNDED, async (t) => {
  const { peer, port } = await cliServer(t, ['--suites', 'DES-CBC3-SHA']);
  const r = await runGnutlsClient(t, { port, caFile: pki.caFile, priority: GNUTLS_PRIORITY['TLS_RSA_WITH_AES_128_CBC_SHA']!, input: 'x\n' });
  t.not(r.code, 0, 'gnutls-cli fails');
  const m = await waitFor(peer.stderr, /^refused .*\n/m);
  t.match(m[0], /^refused code=ERR_TLS_ALERT_HANDSHAKE_FAILURE alert=handshake_failure\(40\) reason=.+/);
});

t.test('ut-tls client with gnutls-serv --echo', BOUNDED, async (t) => {
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: GNUTLS_PRIORITY['TLS_RSA_WITH_AES_256_CBC_SHA']! });
  const r = await cliClient(t, [`127.0.0.1:${gs.port}`, '--ca', pki.caFile], 'line one\nline two\n');
  t.equal(r.code, 0, `exit 0 (stderr: ${r.stderr})`);
  t.equal(r.stdout, 'line one\nline two\n', 'stdin went through and came back');
  t.equal(r.stderr, 'protocol TLSv1 suite TLS_RSA_WITH_AES_256_CBC_SHA resumed: no\n');
});

t.test('ut-tls client --suites picks the suite (OpenSSL name accepted)', BOUNDED, async (t) => {
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: GNUTLS_PRIORITY['TLS_RSA_WITH_RC4_128_SHA']! });
  const r = await cliClient(t, [`127.0.0.1:${gs.port}`, '--ca', pki.caFile, '--suites', 'RC4-SHA,TLS_RSA_WITH_3DES_EDE_CBC_SHA'], 'x\n');
  t.equal(r.code, 0);
  t.match(r.stderr, /^protocol TLSv1 suite TLS_RSA_WITH_RC4_128_SHA resumed: no\n/);
});

t.test('ut-tls client: an untrusted server fails with the code and alert named; --insecure connects', BOUNDED, async (t) => {
  const key = await generateRsaKey(1024);
  const other = await createCertificate({ key: key.key, subject: { CN: 'unrelated CA' }, isCA: true });
  const otherFile = join(pki.dir, `other-ca-${process.pid}.pem`);
  writeFileSync(otherFile, other.pem);
  t.teardown(() => rmSync(otherFile, { force: true }));
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: GNUTLS_PRIORITY['TLS_RSA_WITH_3DES_EDE_CBC_SHA']! });
  const r = await cliClient(t, [`127.0.0.1:${gs.port}`, '--ca', otherFile], 'x\n');
  t.equal(r.code, 1);
  t.match(r.stderr, /^handshake failed code=UNABLE_TO_VERIFY_LEAF_SIGNATURE alert=unknown_ca\(48\) reason=/);
  t.equal(r.stdout, '');
  const insecure = await cliClient(t, [`127.0.0.1:${gs.port}`, '--ca', otherFile, '--insecure'], 'y\n');
  t.equal(insecure.code, 0);
  t.equal(insecure.stdout, 'y\n');
  t.match(insecure.stderr, /certificate not verified: UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
});

t.test('ut-tls client against ut-tls server: --servername is sent and logged', BOUNDED, async (t) => {
  const { peer, port } = await cliServer(t, ['--echo']);
  const r = await cliClient(t, [`127.0.0.1:${port}`, '--ca', pki.caFile, '--servername', 'localhost'], 'both ours\n');
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'both ours\n');
  await waitFor(peer.stderr, /handshake /);
  t.match(peer.stderr(), /^handshake suite=TLS_RSA_\w+ resumed=no servername=localhost\n$/);
});
