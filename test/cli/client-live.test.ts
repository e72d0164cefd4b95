/**
 * `ut-tls client` against a real gnutls-serv: --show-certs prints the chain it presents and the
 * verify result, --trace lists the handshake messages in order and never the master secret (taken
 * from the key-log file SSLKEYLOGFILE names), --reconnect 2 resumes twice.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GNUTLS_PRIORITY, runCliClient, startGnutlsServer, tempDir } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 60_000 };
const PRIORITY = GNUTLS_PRIORITY.TLS_RSA_WITH_3DES_EDE_CBC_SHA!;

t.test('--show-certs --trace --reconnect 2 with SSLKEYLOGFILE against gnutls-serv', BOUNDED, async (t) => {
  const server = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: PRIORITY });
  const keylog = join(tempDir(t, 'ut-tls-cli-'), 'keys.log');
  process.env.SSLKEYLOGFILE = keylog;
  let r;
  try {
    r = await runCliClient(
      t,
      [`127.0.0.1:${server.port}`, '--servername', 'localhost', '--ca', pki.caFile, '--show-certs', '--trace', '--reconnect', '2'],
      'ping\n',
      30_000,
      /ping\n/,
    );
  } finally {
    delete process.env.SSLKEYLOGFILE;
  }
  t.equal(r.code, 0, `client exited 0: ${r.stderr.slice(-500)}`);
  t.match(r.stdout, 'ping\n', 'the echo came back on stdout');

  // --show-certs: the chain gnutls-serv presents, and the verify result.
  t.match(r.stderr, /certificate 0: subject O=ut-tls test, CN=localhost\n/, 'the leaf subject');
  t.match(r.stderr, /\n {2}issuer: O=ut-tls test, CN=ut-tls test root CA\n/, 'the leaf issuer');
  t.match(r.stderr, /\n {2}validity: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n/, 'the validity');
  t.match(r.stderr, /\n {2}subjectAltName: DNS:localhost/, 'the SANs');
  t.match(r.stderr, /\n {2}sha256: ([0-9A-F]{2}:){31}[0-9A-F]{2}\n/, 'a SHA-256 fingerprint');
  t.match(r.stderr, /\nverify: ok\n/, 'the verify result');

  // --reconnect 2: three "protocol" lines, the second and third resumed.
  const lines = r.stderr.match(/^protocol .* resumed: (yes|no)$/gm) ?? [];
  t.same(lines.map((l) => l.endsWith('yes')), [false, true, true], 'first full, then resumed twice');

  // --trace: the full handshake's messages in order.
  const msgs = (r.stderr.match(/^trace {5}([A-Za-z]+)/gm) ?? []).map((m) => m.trim().split(/\s+/)[1]);
  const first = msgs.slice(0, msgs.indexOf('Finished', msgs.indexOf('Finished') + 1) + 1);
  t.same(
    first,
    ['ClientHello', 'ServerHello', 'Certificate', 'CertificateRequest', 'ServerHelloDone', 'Certificate', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished', 'ChangeCipherSpec', 'Finished'],
    'ClientHello ... Finished in order',
  );
  t.match(r.stderr, /^trace record \d+ sent client -> server/m, 'records of the client direction');
  t.match(r.stderr, /^trace record \d+ received server -> client/m, 'records of the server direction');
  t.match(r.stderr, /^trace {5}alert: warning close_notify/m, 'alerts');
  t.match(r.stderr, /^trace {5}application data: /m, 'application data records');

  // SSLKEYLOGFILE: one NSS CLIENT_RANDOM line per connection; the secret is never printed.
  const keyLines = readFileSync(keylog, 'utf8').trim().split('\n');
  t.equal(keyLines.length, 3, 'one key-log line per connection');
  for (const l of keyLines) t.match(l, /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/, 'NSS key-log format');
  const secret = keyLines[0]!.split(' ')[2]!;
  const all = (r.stdout + r.stderr).toLowerCase().replace(/[^0-9a-f]/g, '');
  t.notOk(all.includes(secret), 'the master secret appears nowhere in stdout or stderr');
  t.notOk(all.includes(secret.slice(0, 32)), 'not even its first half');
});

t.test('--show-certs of an untrusted chain reports the failure with its code', BOUNDED, async (t) => {
  const server = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: PRIORITY });
  // No --ca: Node's bundled roots do not know the test CA; --insecure lets the chain be shown.
  const r = await runCliClient(t, [`127.0.0.1:${server.port}`, '--servername', 'localhost', '--show-certs', '--insecure'], '', 30_000);
  t.match(r.stderr, /certificate 0: subject O=ut-tls test, CN=localhost\n/, 'the chain is shown');
  t.match(r.stderr, /\nverify: failed code=\S+/, 'the verify result names its code');
});
