/**
 * The ut-tls command (dist/lib/cli.js) against GnuTLS peers: its output contract, echo, suite
 * restriction, refused handshakes, and exit codes.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { createCertificate, generateRsaKey } from '../helpers/testca.js';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { decodeSession } from '../../lib/session/codec.js';
import { GNUTLS_PRIORITY, runGnutlsClient, spawnCollected, startGnutlsServer, deadline, waitForOutput, withoutPeer, type SpawnedPeer } from '../helpers/peers.js';
import { repoRoot } from '../helpers/paths.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const CLI = join(repoRoot, 'dist', 'lib', 'cli.js');
const BOUNDED = { timeout: 20_000 };

/** Waits until `text` matches, polling the collected output; fails after ms. */
const waitFor = waitForOutput;

async function cliServer(t: Test, extra: string[] = []): Promise<{ peer: SpawnedPeer; port: number }> {
  const peer = spawnCollected(t, process.execPath, [CLI, 'server', '--port', '0', '--key', pki.keyFile, '--cert', pki.certFile, ...extra]);
  const m = await waitFor(peer.stdout, /^listening on 127\.0\.0\.1:(\d+)\n/);
  return { peer, port: Number(m[1]) };
}

/**
 * With `echoed`, stdin stays open until the input came back (kept from when the server answered a
 * close_notify at once; it now answers after its reply, see the --crypto test below).
 */
async function cliClient(t: Test, args: string[], input: string, echoed = false): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const peer = spawnCollected(t, process.execPath, [CLI, 'client', ...args]);
  if (echoed) {
    peer.child.stdin!.write(input);
    void waitFor(peer.stdout, new RegExp(`${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), 15_000).then(
      () => peer.child.stdin!.end(),
      () => peer.child.stdin!.end(),
    );
  } else {
    peer.child.stdin!.end(input);
  }
  const code = await Promise.race([peer.exited, deadline(15_000).then(() => 'timeout')]);
  return { code, stdout: peer.stdout(), stderr: withoutPeer(peer.stderr()) };
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
  t.match(withoutPeer(peer.stderr()), /unknown option --bogus/);
});

t.test('replay is routed to lib/replay: usage, and one recorded transcript replays', BOUNDED, async (t) => {
  const usage = spawnCollected(t, process.execPath, [CLI, 'replay']);
  t.equal(await usage.exited, 2);
  t.match(withoutPeer(usage.stderr()), /^ut-tls replay: FILE\|DIR required; see ut-tls replay --help\n$/);
  const one = spawnCollected(t, process.execPath, [CLI, 'replay', join(repoRoot, 'vectors', 'transcripts', 'server-node-aes256.json')]);
  t.equal(await one.exited, 0, withoutPeer(one.stderr()));
  t.match(one.stdout(), /1 passed, 0 failed/);
});

for (const suite of ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_RC4_128_SHA']) {
  t.test(`ut-tls server --echo with gnutls-cli, ${suite}`, BOUNDED, async (t) => {
    const { peer, port } = await cliServer(t, ['--echo']);
    const r = await runGnutlsClient(t, { port, caFile: pki.caFile, priority: GNUTLS_PRIORITY[suite]!, input: 'xcap ping\n' });
    t.equal(r.code, 0);
    t.match(r.stdout, /xcap ping/, 'echoed');
    await waitFor(() => withoutPeer(peer.stderr()), /handshake /);
    t.equal(withoutPeer(peer.stderr()), `handshake suite=${suite} resumed=no servername=-\n`, 'one line per handshake');
    t.equal(peer.stdout().split('\n').filter(Boolean).length, 1, 'stdout holds only the listening line');
  });
}

t.test('ut-tls server --suites refuses other suites and says why', BOUNDED, async (t) => {
  const { peer, port } = await cliServer(t, ['--suites', 'DES-CBC3-SHA']);
  const r = await runGnutlsClient(t, { port, caFile: pki.caFile, priority: GNUTLS_PRIORITY['TLS_RSA_WITH_AES_128_CBC_SHA']!, input: 'x\n' });
  t.not(r.code, 0, 'gnutls-cli fails');
  const m = await waitFor(() => withoutPeer(peer.stderr()), /^refused .*\n/m);
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
  const r = await cliClient(t, [`127.0.0.1:${port}`, '--ca', pki.caFile, '--servername', 'localhost'], 'both ours\n', true);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'both ours\n');
  await waitFor(() => withoutPeer(peer.stderr()), /handshake /);
  t.match(withoutPeer(peer.stderr()), /^handshake suite=TLS_RSA_\w+ resumed=no servername=localhost\n$/);
});

t.test('--crypto pure|native on both ends; data and close_notify in one read still get their echo', BOUNDED, async (t) => {
  for (const [server, client] of [['pure', 'native'], ['native', 'pure']]) {
    const { peer, port } = await cliServer(t, ['--echo', '--crypto', server!, '--suites', 'AES128-SHA,DES-CBC3-SHA']);
    for (let i = 0; i < 3; i++) {
      // stdin ends at once: the client sends its data and close_notify back to back.
      const r = await cliClient(t, [`127.0.0.1:${port}`, '--ca', pki.caFile, '--servername', 'localhost', '--suites', 'AES128-SHA', '--crypto', client!], `ping ${i}\n`);
      t.equal(r.code, 0, r.stderr);
      t.equal(r.stdout, `ping ${i}\n`, `server ${server}, client ${client}: the echo arrives before the server's close_notify`);
    }
    peer.child.kill();
  }
  const strict = await cliClient(t, ['127.0.0.1:9', '--crypto', 'native', '--suites', 'RC4-SHA'], '');
  t.equal(strict.code, 1);
  t.match(strict.stderr, /crypto: 'native' cannot run rc4/, 'native refuses a suite OpenSSL 3 cannot run, before connecting');
});

// ---- the options added for the profile, sessions and extensions (issues 4-6) ----------------------

t.test('server --help and client --help list their own options only', BOUNDED, async (t) => {
  const server = spawnCollected(t, process.execPath, [CLI, 'server', '--help']);
  const client = spawnCollected(t, process.execPath, [CLI, 'client', '-h']);
  t.equal(await server.exited, 0);
  t.equal(await client.exited, 0);
  for (const option of [
    '--request-cert', '--require-cert', '--ca FILE', '--session-timeout SECS', '--sni NAME:KEY:CERT', '--unrecognized-name',
    '--ocsp-response FILE', '--renegotiation MODE', '--require-encryption-128', '--allow-null', '--truncated-hmac', '--dhe', '--dh-group',
  ]) {
    t.ok(server.stdout().includes(option), `server lists ${option}`);
  }
  for (const option of [
    '--sess-out FILE', '--sess-in FILE', '--max-fragment-length N', '--status-request', '--cert FILE', '--key FILE', '--insecure', '--servername',
  ]) {
    t.ok(client.stdout().includes(option), `client lists ${option}`);
  }
  t.notOk(client.stdout().includes('--sni'), 'client help has no server options');
  t.notOk(server.stdout().includes('--sess-in'), 'server help has no client options');
});

t.test('usage errors name the problem and exit 2', BOUNDED, async (t) => {
  const server = ['server', '--port', '0', '--key', pki.keyFile, '--cert', pki.certFile];
  const cases: [string[], RegExp][] = [
    [[...server, '--session-timeout', '86401'], /--session-timeout 86401: TS 33\.141 7\.1 allows at most 86400 seconds/],
    [[...server, '--session-timeout', '1h'], /--session-timeout expects whole seconds/],
    [[...server, '--renegotiation', 'legacy'], /--renegotiation must be refuse or secure, got "legacy"/],
    [[...server, '--request-cert', '--require-cert'], /give --request-cert or --require-cert, not both/],
    [[...server, '--dhe', '--suites', 'AES128-SHA'], /--dhe extends the default list/],
    [[...server, '--sni', 'ap.example.org'], /--sni expects NAME:KEYFILE:CERTFILE/],
    [[...server, '--dh-group', 'modp1024'], /--dh-group must be modp2048 or ffdhe2048 or ffdhe3072 or ffdhe4096 or ffdhe6144 or ffdhe8192/],
    [[...server, '--unrecognized-name', 'loud'], /--unrecognized-name must be ignore or warning or fatal/],
    [[...server, '--suites', 'AES128-SHA', '--suites', 'RC4-SHA'], /--suites given more than once/],
    [['client', '127.0.0.1:1', '--cert', pki.clientCertFile], /--cert and --key go together/],
    [['client', '127.0.0.1:1', '--max-fragment-length', '8192'], /--max-fragment-length must be 512, 1024, 2048 or 4096/],
  ];
  for (const [args, re] of cases) {
    const peer = spawnCollected(t, process.execPath, [CLI, ...args]);
    t.equal(await peer.exited, 2, args.slice(-2).join(' '));
    t.match(withoutPeer(peer.stderr()), re);
    t.equal(peer.stdout(), '', 'nothing on stdout');
  }
});

t.test('configuration errors exit 1 with the rule named (--allow-null needed for NULL suites, unreadable files)', BOUNDED, async (t) => {
  const base = ['server', '--port', '0', '--key', pki.keyFile, '--cert', pki.certFile];
  const nullSuite = spawnCollected(t, process.execPath, [CLI, ...base, '--suites', 'TLS_RSA_WITH_NULL_SHA']);
  t.equal(await nullSuite.exited, 1);
  t.match(withoutPeer(nullSuite.stderr()), /^ut-tls: code=ERR_TLS_INVALID_CONFIG alert=- reason=TLS_RSA_WITH_NULL_SHA: NULL encryption needs allowNullEncryption: true \(TS 33\.141 6\.2\)/);
  const missing = spawnCollected(t, process.execPath, [CLI, ...base, '--ocsp-response', join(pki.dir, 'no-such-ocsp.der')]);
  t.equal(await missing.exited, 1);
  t.match(withoutPeer(missing.stderr()), /--ocsp-response: cannot read .*no-such-ocsp\.der/);
  const sniKey = spawnCollected(t, process.execPath, [CLI, ...base, '--sni', `ap.example.org:${pki.certFile}:${pki.certFile}`]);
  t.equal(await sniKey.exited, 1);
  t.match(withoutPeer(sniKey.stderr()), /--sni ap\.example\.org key: /, 'a certificate where the key should be');
});

t.test('ut-tls client --cert/--key against ut-tls server --require-cert --ca: the handshake line says verified', BOUNDED, async (t) => {
  const { peer, port } = await cliServer(t, ['--echo', '--require-cert', '--ca', pki.caFile]);
  const r = await cliClient(t, [`127.0.0.1:${port}`, '--ca', pki.caFile, '--cert', pki.clientCertFile, '--key', pki.clientKeyFile], 'mutual\n', true);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'mutual\n');
  await waitFor(() => withoutPeer(peer.stderr()), /handshake /);
  t.equal(withoutPeer(peer.stderr()), 'handshake suite=TLS_RSA_WITH_AES_256_CBC_SHA resumed=no servername=- client-cert=verified\n');
  const anonymous = await cliClient(t, [`127.0.0.1:${port}`, '--ca', pki.caFile], 'x\n');
  t.equal(anonymous.code, 1);
  t.match(anonymous.stderr, /^handshake failed code=ERR_TLS_ALERT_RECEIVED_HANDSHAKE_FAILURE alert=handshake_failure\(40\)/);
  await waitFor(() => withoutPeer(peer.stderr()), /^refused /m);
  t.match(withoutPeer(peer.stderr()), /^refused code=ERR_TLS_ALERT_HANDSHAKE_FAILURE alert=handshake_failure\(40\) reason=TS 33\.141 6\.1\.4: client sent no certificate and the AP requires one/m);
});

t.test('ut-tls server --request-cert without --ca: an untrusted client certificate is let through, and said so', BOUNDED, async (t) => {
  // Without --ca the trust anchors are Node's root store, which does not know the test CA.
  const { peer, port } = await cliServer(t, ['--echo', '--request-cert']);
  const r = await cliClient(t, [`127.0.0.1:${port}`, '--ca', pki.caFile, '--cert', pki.clientCertFile, '--key', pki.clientKeyFile], 'x\n', true);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stdout, 'x\n');
  await waitFor(() => withoutPeer(peer.stderr()), /handshake /);
  t.match(withoutPeer(peer.stderr()), /^handshake suite=\S+ resumed=no servername=- client-cert=unverified:[A-Z_]+\n$/);
});

t.test('ut-tls client --sess-out rewrites the file after a resumed handshake; --sess-in with a broken file is refused', BOUNDED, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ut-tls-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ue.session');
  const { port } = await cliServer(t, ['--echo']);
  const first = await cliClient(t, [`127.0.0.1:${port}`, '--ca', pki.caFile, '--sess-out', file], '');
  t.equal(first.code, 0, first.stderr);
  const bytes = readFileSync(file);
  t.same([...bytes.subarray(0, 4)], [0x55, 0x54, 0x53, 0x01], 'the session/codec.ts format ("UTS", version 1)');
  t.equal(statSync(file).mode & 0o777, 0o600, 'private: it holds the master secret');
  const saved = decodeSession(new Uint8Array(bytes));
  t.equal(saved.cipherSuite, 0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA');
  t.equal(saved.peerCertificates.length, 1, 'with the AP certificate');
  rmSync(file);
  writeFileSync(join(dir, 'copy'), bytes);
  const again = await cliClient(t, [`127.0.0.1:${port}`, '--ca', pki.caFile, '--sess-in', join(dir, 'copy'), '--sess-out', file], '');
  t.match(again.stderr, /resumed: yes/);
  t.same(readFileSync(file), bytes, 'the same session, written again');
  writeFileSync(join(dir, 'broken'), bytes.subarray(0, 20));
  const broken = await cliClient(t, [`127.0.0.1:${port}`, '--sess-in', join(dir, 'broken')], '');
  t.equal(broken.code, 1);
  t.match(broken.stderr, /^ut-tls: code=ERR_TLS_INVALID_CONFIG alert=- reason=session: /);
});
