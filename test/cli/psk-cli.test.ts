/**
 * Issue 20 item 2: the CLI's PSK flags on the wire. `ut-tls client --psk-identity --psk-key` against
 * `gnutls-serv --pskpasswd --pskhint 3GPP-bootstrapping` (the hint is shown), `ut-tls client
 * --psk-file`, and `gnutls-cli --pskusername --pskkey` against `ut-tls server --psk-file` (with and
 * without a certificate); bad flags are usage errors (exit 2).
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gnutlsDhParams, runCliClient, runGnutlsClient, startCliServer, startGnutlsServer, tempDir } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const dir = tempDir(t);
const dhparams = gnutlsDhParams(dir);
const IDENTITY = 'AQIDBAUGBwgJCgsMDQ4PEA==@bsf.example.org';
const KEY_HEX = 'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf';
const pskFile = join(dir, 'psk.passwd');
writeFileSync(pskFile, `# identity:hexkey\nother:0102030405060708\n${IDENTITY}:${KEY_HEX}\n`);
const PRIORITY = (kx: string, cipher: string) => `NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+${cipher}:-KX-ALL:+${kx}:-MAC-ALL:+SHA1:%COMPAT`;

const CASES = [
  { suite: 'TLS_PSK_WITH_3DES_EDE_CBC_SHA', kx: 'PSK', cipher: '3DES-CBC' },
  { suite: 'TLS_PSK_WITH_AES_128_CBC_SHA', kx: 'PSK', cipher: 'AES-128-CBC' },
  { suite: 'TLS_DHE_PSK_WITH_AES_256_CBC_SHA', kx: 'DHE-PSK', cipher: 'AES-256-CBC' },
  { suite: 'TLS_RSA_PSK_WITH_AES_128_CBC_SHA', kx: 'RSA-PSK', cipher: 'AES-128-CBC' },
];

for (const c of CASES) {
  t.test(`ut-tls client --psk-identity --psk-key -> gnutls-serv --pskpasswd, ${c.suite}`, { timeout: 30_000 }, async (t) => {
    const peer = await startGnutlsServer(t, {
      certFile: pki.certFile,
      keyFile: pki.keyFile,
      priority: PRIORITY(c.kx, c.cipher),
      extraArgs: ['--pskpasswd', pskFile, '--pskhint', '3GPP-bootstrapping', '--dhparams', dhparams],
    });
    const r = await runCliClient(
      t,
      [`127.0.0.1:${peer.port}`, '--ca', pki.caFile, '--servername', 'localhost', '--suites', c.suite, '--psk-identity', IDENTITY, '--psk-key', KEY_HEX],
      'ping over psk\n',
      20_000,
      /ping over psk/,
    );
    t.equal(r.code, 0, r.stderr);
    t.match(r.stderr, `protocol TLSv1 suite ${c.suite} resumed: no\n`);
    t.match(r.stderr, `psk: identity ${JSON.stringify(IDENTITY)} hint "3GPP-bootstrapping"\n`, 'the hint received is shown');
    t.match(r.stdout, 'ping over psk', 'echoed');
  });
}

t.test('ut-tls client --psk-file takes the key of --psk-identity from a pskpasswd file', { timeout: 30_000 }, async (t) => {
  const peer = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: PRIORITY('PSK', 'AES-256-CBC'), extraArgs: ['--pskpasswd', pskFile] });
  const r = await runCliClient(t, [`127.0.0.1:${peer.port}`, '--suites', 'PSK-AES256-CBC-SHA', '--psk-identity', IDENTITY, '--psk-file', pskFile], 'x\n', 20_000, /x/);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, 'suite TLS_PSK_WITH_AES_256_CBC_SHA');
  t.match(r.stderr, 'hint none', 'gnutls-serv without --pskhint sends no hint');
});

t.test('gnutls-cli --pskusername -> ut-tls server --psk-file --psk-hint, no certificate', { timeout: 30_000 }, async (t) => {
  const server = await startCliServer(t, ['--psk-file', pskFile, '--psk-hint', '3GPP-bootstrapping', '--echo']);
  const r = await runGnutlsClient(t, {
    port: server.port,
    caFile: pki.caFile,
    priority: PRIORITY('PSK', '3DES-CBC'),
    input: 'hello psk\n',
    extraArgs: ['--pskusername', IDENTITY, '--pskkey', KEY_HEX],
  });
  t.equal(r.code, 0, r.stderr.slice(-300));
  t.match(r.stdout, 'hello psk');
  t.match(r.stdout + r.stderr, /3GPP-bootstrapping/, 'gnutls-cli saw the hint');
  t.match(server.stderr(), `suite=TLS_PSK_WITH_3DES_EDE_CBC_SHA resumed=no servername=- psk-identity=${JSON.stringify(IDENTITY)}`);
});

t.test('gnutls-cli -> ut-tls server --key --cert --psk-identity --psk-key: RSA_PSK', { timeout: 30_000 }, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--suites', 'RSA-PSK-AES256-CBC-SHA', '--psk-identity', 'ue', '--psk-key', KEY_HEX, '--echo']);
  const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority: PRIORITY('RSA-PSK', 'AES-256-CBC'), input: 'rsa psk\n', extraArgs: ['--pskusername', 'ue', '--pskkey', KEY_HEX] });
  t.equal(r.code, 0, r.stderr.slice(-300));
  t.match(r.stdout, 'rsa psk');
  t.match(server.stderr(), 'suite=TLS_RSA_PSK_WITH_AES_256_CBC_SHA');
});

t.test('PSK flag mistakes are usage errors (exit 2)', { timeout: 30_000 }, async (t) => {
  const bad = [
    ['127.0.0.1:1', '--psk-identity', 'ue', '--psk-key', 'abc'],
    ['127.0.0.1:1', '--psk-identity', 'ue', '--psk-key', 'zz'],
    ['127.0.0.1:1', '--psk-key', '00'],
    ['127.0.0.1:1', '--psk-identity', 'ue'],
    ['127.0.0.1:1', '--psk-identity', 'nobody', '--psk-file', pskFile],
  ];
  for (const args of bad) {
    const r = await runCliClient(t, args, '');
    t.equal(r.code, 2, `${args.join(' ')}: ${r.stderr.trim()}`);
  }
});
