/**
 * Issue 20: RFC 4279 on the wire with GnuTLS 3.7, both ways, for each of the 12 PSK suites:
 * `gnutls-serv --pskpasswd FILE --pskhint 3GPP-bootstrapping` against our client (API), and
 * `gnutls-cli --pskusername U --pskkey HEX` against our server (API). The hint arrives; a wrong key
 * fails with the same alert as an unknown identity. The CLI runs are in test/cli/psk-cli.test.ts.
 */
import t from 'tap';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect, createServer, CIPHER_SUITES, type TLSSocket } from '../../lib/index.js';
import { deadline, gnutlsDhParams, runGnutlsClient, spawnCollected, startGnutlsServer, tempDir, waitForOutput, type Teardown } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const dir = tempDir(t);
const dhparams = gnutlsDhParams(dir);
const IDENTITY = 'AQIDBAUGBwgJCgsMDQ4PEA==@bsf.example.org';
const KEY_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const KEY = Buffer.from(KEY_HEX, 'hex');
const pskFile = join(dir, 'psk.passwd');
writeFileSync(pskFile, `other:0102030405060708\n${IDENTITY}:${KEY_HEX}\n`);

const KX: Record<string, string> = { PSK: 'PSK', DHE_PSK: 'DHE-PSK', RSA_PSK: 'RSA-PSK' };
const CIPHER: Record<string, string> = { RC4_128: 'ARCFOUR-128', '3DES_EDE_CBC': '3DES-CBC', AES_128_CBC: 'AES-128-CBC', AES_256_CBC: 'AES-256-CBC' };
export const PSK_SUITES = CIPHER_SUITES.filter((s) => s.psk);
/** The GnuTLS priority string for exactly one RFC 4279 suite at TLS 1.0. */
export const priorityOf = (kx: string, cipher: string): string =>
  `NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+${CIPHER[cipher]}:-KX-ALL:+${KX[kx]}:-MAC-ALL:+SHA1:%COMPAT`;

/** Key exchanges whose gnutls-cli client crashes (GnuTLS 3.7.9, DHE-PSK at TLS 1.0). */
const GNUTLS_CLIENT_CRASHES = ['DHE_PSK'];

/** openssl s_client with a PSK at TLS 1.0: sends `line` and keeps stdin open a moment for the echo. */
async function runOpenSslPskClient(t: Teardown, port: number, cipher: string, line: string) {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1', '-cipher', `${cipher}@SECLEVEL=0`, '-psk_identity', IDENTITY, '-psk', KEY_HEX, '-quiet', '-no_ign_eof', ...(cipher.includes('RC4') ? ['-provider', 'legacy', '-provider', 'default'] : [])];
  const peer = spawnCollected(t, 'openssl', args, port);
  peer.child.stdin!.write(line);
  await waitForOutput(peer.stdout, new RegExp(line.trim()), 10_000).catch(() => undefined);
  peer.child.stdin!.end();
  const code = await Promise.race([peer.exited, deadline(10_000).then(() => 'timeout')]);
  return { code, stdout: peer.stdout(), stderr: peer.stderr() };
}

async function gnutlsServer(t: Teardown, priority: string) {
  return startGnutlsServer(t, {
    certFile: pki.certFile,
    keyFile: pki.keyFile,
    priority,
    extraArgs: ['--pskpasswd', pskFile, '--pskhint', '3GPP-bootstrapping', '--dhparams', dhparams],
  });
}

/** Connects with a PSK; resolves with the hint seen and the suite, or the error. */
function pskClient(port: number, suite: string, identity: string, key: Buffer): Promise<{ hints: (string | null)[]; socket: TLSSocket; error?: Error }> {
  const hints: (string | null)[] = [];
  const socket = connect({
    host: '127.0.0.1',
    port,
    ca: pki.caPem,
    servername: 'localhost',
    cipherSuites: [suite],
    pskCallback: (hint) => {
      hints.push(hint);
      return { identity, psk: key };
    },
  });
  return new Promise((resolve) => {
    socket.once('secureConnect', () => resolve({ hints, socket }));
    socket.once('error', (error) => resolve({ hints, socket, error }));
  });
}

for (const suite of PSK_SUITES) {
  t.test(`our client -> gnutls-serv --pskpasswd, ${suite.name}`, { timeout: 20_000 }, async (t) => {
    const peer = await gnutlsServer(t, priorityOf(suite.keyExchange, suite.cipher));
    const { hints, socket, error } = await pskClient(peer.port, suite.name, IDENTITY, KEY);
    t.error(error, 'handshake');
    t.equal(socket.getCipher()?.standardName, suite.name);
    t.same(hints, ['3GPP-bootstrapping'], 'the hint arrives');
    t.equal(socket.authorized, true, suite.serverKeyUsage === null ? 'authenticated by the PSK' : 'chain verified (and the PSK)');
    const line = `hello over ${suite.name}\n`;
    socket.write(line);
    let got = '';
    for await (const d of socket) {
      got += String(d);
      if (got.includes('\n')) break;
    }
    t.equal(got, line, 'echoed');
    socket.destroy();
  });

  // No peer for these two in this direction: gnutls-cli crashes on DHE-PSK, and the system OpenSSL 3
  // has no 3DES or RC4 suites at all (`openssl ciphers -V ALL@SECLEVEL=0`); docs/psk.md lists them.
  if (GNUTLS_CLIENT_CRASHES.includes(suite.keyExchange) && !suite.cipher.startsWith('AES')) continue;
  t.test(`${GNUTLS_CLIENT_CRASHES.includes(suite.keyExchange) ? 'openssl s_client -psk' : 'gnutls-cli --pskusername'} -> our server, ${suite.name}`, { timeout: 20_000 }, async (t) => {
    const identities: string[] = [];
    const server = createServer(
      {
        key: pki.keyPem,
        cert: pki.certPem,
        cipherSuites: [suite.name],
        pskIdentityHint: '3GPP-bootstrapping',
        pskCallback: (_socket, identity) => {
          identities.push(identity);
          return identity === IDENTITY ? KEY : null;
        },
      },
      (s) => s.pipe(s),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.teardown(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as AddressInfo).port;
    const line = `hello from the peer over ${suite.name}\n`;
    // gnutls-cli 3.7.9 crashes (SIGSEGV) as a DHE-PSK client at TLS 1.0, against gnutls-serv as well:
    // openssl s_client is the DHE_PSK peer in this direction.
    const r = GNUTLS_CLIENT_CRASHES.includes(suite.keyExchange)
      ? await runOpenSslPskClient(t, port, suite.openssl, line)
      : await runGnutlsClient(t, {
          port,
          caFile: pki.caFile,
          priority: priorityOf(suite.keyExchange, suite.cipher),
          input: line,
          extraArgs: ['--pskusername', IDENTITY, '--pskkey', KEY_HEX],
        });
    t.equal(r.code, 0, `peer exit code (stderr: ${r.stderr.slice(-300)})`);
    t.match(r.stdout, line.trim(), 'echoed line printed by the peer');
    t.same(identities, [IDENTITY], 'the identity arrives');
  });
}

t.test('gnutls-serv: a wrong key fails with the same alert as an unknown identity', { timeout: 20_000 }, async (t) => {
  const peer = await gnutlsServer(t, priorityOf('PSK', 'AES_128_CBC'));
  const wrong = await pskClient(peer.port, 'PSK-AES128-CBC-SHA', IDENTITY, Buffer.alloc(32, 0xee));
  const unknown = await pskClient(peer.port, 'PSK-AES128-CBC-SHA', 'nobody@bsf.example.org', KEY);
  t.ok(wrong.error && unknown.error, 'both fail');
  t.equal((wrong.error as { code?: string }).code, (unknown.error as { code?: string }).code, `same code: ${(wrong.error as { code?: string }).code}`);
});

t.test('our server: a wrong key and an unknown identity look the same to gnutls-cli', { timeout: 20_000 }, async (t) => {
  const server = createServer({ pskCallback: (_s, id) => (id === IDENTITY ? KEY : null), cipherSuites: ['PSK-AES128-CBC-SHA'] }, (s) => s.pipe(s));
  const errors: string[] = [];
  server.on('tlsClientError', (e: Error & { code?: string }) => errors.push(e.code ?? e.message));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  const run = (user: string, key: string) =>
    runGnutlsClient(t, { port, caFile: pki.caFile, priority: priorityOf('PSK', 'AES_128_CBC'), input: 'x\n', extraArgs: ['--pskusername', user, '--pskkey', key] });
  const wrong = await run(IDENTITY, 'ee'.repeat(32));
  const unknown = await run('nobody@bsf.example.org', KEY_HEX);
  t.not(wrong.code, 0);
  t.not(unknown.code, 0);
  const alertOf = (s: string) => /Error in handshake: (.*)|\*\*\* (.*)/.exec(s)?.[0] ?? s.slice(-200);
  t.equal(alertOf(wrong.stderr + wrong.stdout), alertOf(unknown.stderr + unknown.stdout), 'gnutls-cli reports the same failure');
  t.equal(errors.length, 2);
  t.equal(errors[0], errors[1], `the server sees the same error: ${errors[0]}`);
});
