/**
 * `ut-tls server --http` answers an HTTPS client with a page describing the connection, as
 * gnutls-serv --http does: wget (GnuTLS) at TLS 1.0 with 3DES, and with the mandatory AP suite RC4.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { runCliClient, startCliServer, waitForOutput } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 60_000 };

const SUITES = [
  ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', '3DES-CBC'],
  ['TLS_RSA_WITH_RC4_128_SHA', 'ARCFOUR-128'],
] as const;

for (const [suite, gnutlsCipher] of SUITES) {
  t.test(`server --http answers wget --secure-protocol=TLSv1 with a page naming ${suite}`, BOUNDED, async (t) => {
    const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--http']);
    const r = spawnSync(
      'wget',
      [
        '-q', '-O', '-', '--tries=1', '--timeout=15', '--secure-protocol=TLSv1', `--ca-certificate=${pki.caFile}`,
        `--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+${gnutlsCipher}`,
        `https://localhost:${server.port}/xcap-root/index?x=1`,
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    t.equal(r.status, 0, `wget succeeded: ${r.stderr}`);
    t.match(r.stdout, suite, 'the page names the negotiated suite');
    t.match(r.stdout, 'TLSv1', 'the page names the protocol version');
    t.match(r.stdout, 'GET /xcap-root/index?x=1', 'the page shows the request line');
    t.match(r.stdout, 'localhost', 'the page shows the SNI name wget sent');
  });
}

t.test('server --http --request-cert: the page names the verified client certificate curl (OpenSSL) sent, and its address', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--http', '--request-cert', '--ca', pki.caFile]);
  const r = spawnSync(
    'curl',
    [
      '-sS', '--max-time', '15', '--tlsv1.0', '--tls-max', '1.0', '--ciphers', 'AES128-SHA:@SECLEVEL=0', '--cacert', pki.caFile,
      '--cert', pki.clientCertFile, '--key', pki.clientKeyFile, `https://localhost:${server.port}/xcap-root/users`,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  t.equal(r.status, 0, `curl succeeded: ${r.stderr}`);
  t.match(r.stdout, '<tr><th>Client certificate</th><td>verified: O=ut-tls test, CN=ut-tls test client</td></tr>');
  t.match(r.stdout, '<tr><th>Session resumed</th><td>no</td></tr>');
  t.match(r.stdout, '<tr><th>Request line</th><td>GET /xcap-root/users HTTP/1.1</td></tr>');
  const address = /<tr><th>Client address<\/th><td>(127\.0\.0\.1:\d+)<\/td><\/tr>/.exec(r.stdout)?.[1];
  t.ok(address, 'the page names the client address');
  await waitForOutput(server.stderr, /^http peer=\S+ "GET \/xcap-root\/users HTTP\/1\.1" -> 200$/m);
  t.match(server.stderr(), new RegExp(`^http peer=${address} "GET /xcap-root/users HTTP/1\\.1" -> 200$`, 'm'), 'the same address as the log line');
});

t.test('server --http: a resumed connection (ut-tls client --reconnect 1 --ign-eof) gets a page saying so', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--http']);
  const r = await runCliClient(t, [`127.0.0.1:${server.port}`, '--ca', pki.caFile, '--servername', 'localhost', '--reconnect', '1', '--ign-eof'], 'GET /again HTTP/1.0\r\n\r\n', 30_000);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^HTTP\/1\.0 200 OK\r\n/, 'an HTTP/1.0 answer');
  t.match(r.stdout, '<tr><th>Session resumed</th><td>yes</td></tr>');
  t.match(r.stdout, '<tr><th>Request line</th><td>GET /again HTTP/1.0</td></tr>');
  t.match(r.stdout, '<tr><th>Client certificate</th><td>none</td></tr>');
  t.same(r.stderr.match(/resumed: (yes|no)/g), ['resumed: no', 'resumed: yes']);
});
