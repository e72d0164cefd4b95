/**
 * ap.json's `tls` and per-host certificates on the wire: each virtual host's own certificate by
 * server_name (ut-tls UE, gnutls-cli --sni-hostname, curl --resolve), tls.sessionTimeout (0: never
 * resumed), tls.requestCert + tls.ca with the client-certificate authenticator, and TLS-level
 * configuration mistakes stopping the proxy with one line naming the ap.json key.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApConfigError, loadApConfig } from '../../lib/ap/config.js';
import { createProxy } from '../../lib/ap/proxy.js';
import { runGnutlsClient } from '../helpers/peers.js';
import { run } from '../http/helpers.js';
import { demoDir, startBackend, startProxy, twoHostConfig, writeConfig } from './helpers.js';
import { basic, ueGet } from './ue.js';

const BOUNDED = { timeout: 60_000 };
const ALICE = { authorization: basic('alice', 'alice-secret') };

t.test('per-host certificates by server_name: ut-tls UE, gnutls-cli --sni-hostname, curl --resolve', BOUNDED, async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const as2 = await startBackend(t, 'as2');
  const { port } = await startProxy(t, writeConfig(dir, twoHostConfig(as1.url, as2.url)));
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');

  const a = await ueGet({ port, ca, servername: 'as1.example.test' }, '/one', ALICE);
  t.equal(a.peerCN, 'as1.example.test', 'as1 serves as1.pem');
  t.match(a.body, /^as1 GET \/one/);
  const b = await ueGet({ port, ca, servername: 'as2.example.test' }, '/two', ALICE);
  t.equal(b.peerCN, 'as2.example.test', 'as2 serves its own certificate (as2.pem names only as2)');
  t.match(b.body, /^as2 GET \/two/);
  const none = await ueGet({ port, ca, servername: 'localhost' }, '/three', ALICE);
  t.equal(none.peerCN, 'as1.example.test', 'a name of the default host gets the default certificate');

  const priority = 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+3DES-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1';
  const g = await runGnutlsClient(t, {
    port,
    caFile: join(dir, 'ca.pem'),
    priority,
    input: `GET /g HTTP/1.1\r\nHost: as2.example.test\r\nAuthorization: ${ALICE.authorization}\r\nConnection: close\r\n\r\n`,
    extraArgs: ['--sni-hostname', 'as2.example.test', '--verify-hostname', 'as2.example.test'],
  });
  t.equal(g.code, 0, g.stderr);
  t.match(g.stdout, /as2 GET \/g/, 'gnutls-cli verified as2.pem for as2.example.test and reached AS 2');

  const c = await run(t, 'curl', [
    '-sS', '--tlsv1.0', '--tls-max', '1.0', '--ciphers', 'AES128-SHA:@SECLEVEL=0', '--cacert', join(dir, 'ca.pem'),
    '--resolve', `as2.example.test:${port}:127.0.0.1`, '-u', 'alice:alice-secret', `https://as2.example.test:${port}/c`,
  ]);
  t.equal(c.code, 0, c.stderr);
  t.match(String(c.stdout), /^as2 GET \/c/, 'curl verified as2.pem for as2.example.test');
  t.equal(as2.seen.length, 3);
  t.equal(as1.seen.length, 2);
});

t.test('tls.sessionTimeout: resumed by default, never with 0', BOUNDED, async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  for (const [timeout, expectResumed] of [[undefined, true], [0, false]] as const) {
    const { port } = await startProxy(t, writeConfig(dir, twoHostConfig(as1.url, as1.url, timeout === undefined ? {} : { tls: { sessionTimeout: timeout } }), `st-${timeout}.json`));
    const first = await ueGet({ port, ca, servername: 'as1.example.test' }, '/', ALICE);
    t.equal(first.resumed, false);
    const again = await ueGet({ port, ca, servername: 'as1.example.test', session: first.session! }, '/', ALICE);
    t.equal(again.resumed, expectResumed, `sessionTimeout ${timeout}: resumed ${expectResumed}`);
    t.equal(again.status, 200);
  }
});

t.test('tls.requestCert + tls.ca: the client-certificate authenticator asserts the certificate URI; no certificate: 403, handshake still done', BOUNDED, async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const cfg = twoHostConfig(as1.url, as1.url, { tls: { requestCert: true, ca: 'ca.pem' }, authenticator: { type: 'client-certificate' } });
  const { port } = await startProxy(t, writeConfig(dir, cfg));
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const ue = { key: readFileSync(join(dir, 'ue.key'), 'utf8'), cert: readFileSync(join(dir, 'ue.pem'), 'utf8') };
  const withCert = await ueGet({ port, ca, servername: 'as1.example.test', ...ue }, '/cert');
  t.equal(withCert.status, 200);
  t.equal(as1.seen[0]!.headers['x-3gpp-asserted-identity'], '"sip:alice@example.test"');
  const tel = await ueGet({ port, ca, servername: 'as1.example.test', ...ue }, '/cert', { 'x-3gpp-intended-identity': '"tel:+15550100"' });
  t.equal(tel.status, 200);
  t.equal(as1.seen[1]!.headers['x-3gpp-asserted-identity'], '"tel:+15550100"');
  const resumed = await ueGet({ port, ca, servername: 'as1.example.test', ...ue, session: withCert.session! }, '/resumed');
  t.equal(resumed.resumed, true);
  t.equal(resumed.status, 200, 'a resumed session keeps its verified chain');
  const without = await ueGet({ port, ca, servername: 'as1.example.test' }, '/nocert');
  t.equal(without.status, 403, 'TS 33.141 6.1.4: no certificate, the handshake goes on, the authenticator refuses');
  t.equal(as1.seen.length, 3, 'the refused request never reached the AS');
});

t.test('TLS-level mistakes in ap.json: one line naming the key', async (t) => {
  const dir = await demoDir(t);
  const make = (extra: Record<string, unknown>, name: string) => () => createProxy(loadApConfig(writeConfig(dir, twoHostConfig('http://127.0.0.1:1', 'http://127.0.0.1:2', extra), name)));
  t.throws(make({ tls: { ciphers: 'TLS_NO_SUCH_SUITE' } }, 'c.json'), { name: 'ApConfigError', message: new RegExp(`^${join(dir, 'c.json')}: tls\\.ciphers: [^\\n]*TLS_NO_SUCH_SUITE`) });
  t.throws(make({ tls: { ca: 'users.json' } }, 'ca.json'), { name: 'ApConfigError', message: new RegExp(`^${join(dir, 'ca.json')}: tls\\.ca: [^\\n]+$`) });
  t.throws(make({ tls: { requestCert: 'yes' } }, 'r.json'), ApConfigError, 'requestCert must be a boolean');
});
