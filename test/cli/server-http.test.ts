/**
 * `ut-tls server --http` answers an HTTPS client with a page describing the connection, as
 * gnutls-serv --http does: wget (GnuTLS) at TLS 1.0 with 3DES, and with the mandatory AP suite RC4.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { startCliServer } from '../helpers/peers.js';
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
