/**
 * Server and client identities are checked when they are configured (lib/socket/config-check.ts):
 * a key that does not match the leaf, a CERTIFICATE block that is not a certificate, a chain out of
 * order, a keyUsage that allows none of the suites. Each is a TLSConfigError thrown by createServer()
 * / connect() that names the option and the PEM block; a good identity still handshakes.
 */
import t, { type Test } from 'tap';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, TLSConfigError } from '../../lib/index.js';
import { pemEncode } from '../../lib/x509/pem.js';
import { createCertificate, createTestPki } from '../helpers/testca.js';

const pki = await createTestPki({ intermediate: true, client: true });
const leafPem = pki.server.pem;
const interPem = pki.intermediate!.pem;
const keyPem = pki.server.keyPem;
const notACert = pemEncode(Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff), 'CERTIFICATE');

function configError(t: Test, fn: () => unknown, option: string, message: RegExp): void {
  try {
    fn();
    t.fail(`expected a TLSConfigError for ${option}`);
  } catch (err) {
    t.ok(err instanceof TLSConfigError, 'a TLSConfigError');
    t.equal((err as TLSConfigError).code, 'ERR_TLS_INVALID_CONFIG');
    t.equal((err as TLSConfigError).option, option, `names the option ${option}`);
    t.match((err as Error).message, message);
  }
}

t.test('a key that does not match the certificate is refused by createServer()', async (t) => {
  configError(t, () => createServer({ key: pki.client!.keyPem, cert: leafPem + interPem }), 'key', /key values mismatch.*cert PEM block #1.*CN=localhost/);
});

t.test('the key of the second certificate: told to put it first', async (t) => {
  configError(t, () => createServer({ key: keyPem, cert: interPem + leafPem }), 'key', /belongs to cert PEM block #2.*put that certificate first/);
});

t.test('a CERTIFICATE block that is not a certificate is refused, by position', async (t) => {
  configError(t, () => createServer({ key: keyPem, cert: notACert }), 'cert', /cert PEM block #1 is not an X\.509 certificate/);
  configError(t, () => createServer({ key: keyPem, cert: leafPem + notACert }), 'cert', /cert PEM block #2 is not an X\.509 certificate/);
  configError(t, () => createServer({ key: keyPem, cert: [leafPem, notACert] }), 'cert', /cert\[1\] PEM block #1/);
});

t.test('a key file passed as cert is refused with the fix', async (t) => {
  configError(t, () => createServer({ key: keyPem, cert: keyPem }), 'cert', /no "BEGIN CERTIFICATE" block.*found: PRIVATE KEY/);
});

t.test('a chain out of order is refused', async (t) => {
  // leaf, then a certificate that did not issue it (the root, which issued the intermediate).
  configError(t, () => createServer({ key: keyPem, cert: leafPem + pki.root.pem }), 'cert', /chain out of order: cert PEM block #2.*did not issue cert PEM block #1/);
  configError(t, () => createServer({ key: keyPem, cert: leafPem + pki.root.pem + interPem }), 'cert', /its issuer is cert PEM block #3/);
});

t.test("a keyUsage that allows none of the suites' key exchanges is refused", async (t) => {
  const signOnly = await createCertificate({
    key: pki.server.key,
    subject: { CN: 'localhost' },
    issuer: { cert: pki.intermediate!.cert, key: pki.intermediate!.key },
    keyUsage: ['digitalSignature'],
  });
  configError(t, () => createServer({ key: keyPem, cert: signOnly.pem, ciphers: 'AES128-SHA' }), 'cert', /keyUsage \(digitalSignature\).*RSA needs keyEncipherment/);
  // The same certificate serves DHE_RSA suites (it signs the parameters).
  const server = createServer({ key: keyPem, cert: signOnly.pem, ciphers: 'DHE-RSA-AES128-SHA' });
  t.ok(server, 'accepted for DHE_RSA');
});

t.test('the client certificate is checked by connect(), before any socket opens', async (t) => {
  configError(t, () => connect({ port: 1, host: '127.0.0.1', key: keyPem, cert: pki.client!.pem, ca: pki.caPem }), 'key', /key values mismatch/);
  configError(t, () => connect({ port: 1, host: '127.0.0.1', key: pki.client!.keyPem, cert: notACert, ca: pki.caPem }), 'cert', /not an X\.509 certificate/);
});

t.test('DER certificate and a good chain still handshake', { timeout: 20_000 }, async (t) => {
  const server = createServer({ key: keyPem, cert: [pki.server.der, pki.intermediate!.der] }, (s) => s.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const client = connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', servername: 'localhost', ca: pki.caPem });
  const chunks: Buffer[] = [];
  client.on('data', (d: Buffer) => chunks.push(d));
  await once(client, 'end');
  t.equal(Buffer.concat(chunks).toString(), 'ok');
  t.equal(client.authorized, true);
});

t.test('strictIdentity false serves an out-of-order chain but still refuses a mismatched key', async (t) => {
  t.ok(createServer({ key: keyPem, cert: leafPem + pki.root.pem, strictIdentity: false }), 'accepted');
  configError(t, () => createServer({ key: pki.client!.keyPem, cert: leafPem, strictIdentity: false }), 'key', /key values mismatch/);
});
