/**
 * RFC 5705 exporters (exportKeyingMaterial) and the X509Certificate accessors, checked on the wire
 * against node:tls (OpenSSL) at the other end of the same connection, in both roles.
 */
import t, { type Test } from 'tap';
import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from '../../lib/index.js';
import { testPki } from '../helpers/pki.js';
import { GNUTLS_PRIORITY, runGnutlsClient } from '../helpers/peers.js';

const pki = await testPki();
const BOUNDED = { timeout: 15_000 };
const NODE_V1 = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' } as const;
const LABEL = 'EXPERIMENTAL-test';
const CTX = Buffer.from('per-connection context');

async function listening(t: Test, server: tls.Server | ReturnType<typeof createServer>): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

/** node:tls's types make `context` required; at run time it is optional (and differs from an empty one). */
interface Exporter {
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array;
}
const exporter = (s: tls.TLSSocket): Exporter => s as unknown as Exporter;

/** Both ends agree for each argument form; labels, contexts and "no context" vs "empty context" differ. */
function assertAgree(t: Test, ours: Exporter, theirs: Exporter): void {
  const a = ours.exportKeyingMaterial(32, LABEL, CTX);
  t.equal(a.length, 32);
  t.same(a, theirs.exportKeyingMaterial(32, LABEL, CTX), 'with context: both ends agree');
  t.same(ours.exportKeyingMaterial(32, LABEL), theirs.exportKeyingMaterial(32, LABEL), 'without context: both ends agree');
  t.same(ours.exportKeyingMaterial(32, LABEL, Buffer.alloc(0)), theirs.exportKeyingMaterial(32, LABEL, Buffer.alloc(0)), 'empty context agrees');
  t.same(ours.exportKeyingMaterial(100, 'EXPERIMENTAL-long'), theirs.exportKeyingMaterial(100, 'EXPERIMENTAL-long'), '100 bytes agree');
  t.notSame(ours.exportKeyingMaterial(32, LABEL), ours.exportKeyingMaterial(32, LABEL, Buffer.alloc(0)), 'no context differs from an empty one');
  t.notSame(ours.exportKeyingMaterial(32, 'EXPERIMENTAL-other', CTX), a, 'another label gives other output');
  t.notSame(ours.exportKeyingMaterial(32, LABEL, Buffer.from('other')), a, 'another context gives other output');
}

t.test('our client <-> node:tls server: exporters and certificates agree', BOUNDED, async (t) => {
  const server = tls.createServer({ key: pki.keyPem, cert: pki.certPem, ca: pki.caPem, requestCert: true, ...NODE_V1 }, (s) => s.resume());
  const port = await listening(t, server);
  const ours = connect({ host: 'localhost', port, ca: pki.caPem, key: pki.clientKeyPem, cert: pki.clientCertPem });
  const [[theirs]] = (await Promise.all([once(server, 'secureConnection'), once(ours, 'secureConnect')])) as [[tls.TLSSocket], unknown];
  t.teardown(() => ours.destroy());
  assertAgree(t, ours, exporter(theirs));

  const serverCert = new X509Certificate(pki.certPem);
  const clientCert = new X509Certificate(pki.clientCertPem);
  t.ok(ours.getPeerX509Certificate() instanceof X509Certificate);
  t.equal(ours.getPeerX509Certificate()?.fingerprint256, serverCert.fingerprint256, 'peer = the server leaf');
  t.equal(ours.getX509Certificate()?.fingerprint256, clientCert.fingerprint256, 'own = our client certificate');
  t.equal(theirs.getPeerX509Certificate()?.fingerprint256, clientCert.fingerprint256, 'node:tls saw the same client certificate');
});

t.test('node:tls client <-> our server: exporters and certificates agree', BOUNDED, async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => s.resume());
  const port = await listening(t, server);
  const theirs = tls.connect({ host: '127.0.0.1', port, ca: pki.caPem, ...NODE_V1 });
  const [[ours]] = (await Promise.all([once(server, 'secureConnection'), once(theirs, 'secureConnect')])) as [[TLSSocket], unknown];
  t.teardown(() => theirs.destroy());
  assertAgree(t, ours, exporter(theirs));

  const serverCert = new X509Certificate(pki.certPem);
  t.equal(ours.getX509Certificate()?.fingerprint256, serverCert.fingerprint256, 'own = the server leaf');
  t.equal(theirs.getPeerX509Certificate()?.fingerprint256, serverCert.fingerprint256);
  t.equal(ours.getPeerX509Certificate(), undefined, 'no client certificate: undefined, as node:tls');
  t.equal(theirs.getX509Certificate(), undefined, 'node:tls agrees: a client without a certificate has none');
});

t.test('a resumed connection exports from the resumed master secret (node:tls client, our server)', BOUNDED, async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => s.resume());
  const port = await listening(t, server);
  const opts = { host: '127.0.0.1', port, ca: pki.caPem, ...NODE_V1 };
  const first = tls.connect(opts);
  const [[s1]] = (await Promise.all([once(server, 'secureConnection'), once(first, 'session')])) as [[TLSSocket], unknown];
  t.teardown(() => first.destroy());
  const firstOut = s1.exportKeyingMaterial(32, LABEL);
  t.same(firstOut, exporter(first).exportKeyingMaterial(32, LABEL));
  const second = tls.connect({ ...opts, session: first.getSession() });
  const [[s2]] = (await Promise.all([once(server, 'secureConnection'), once(second, 'secureConnect')])) as [[TLSSocket], unknown];
  t.teardown(() => second.destroy());
  t.equal(s2.isSessionReused(), true, 'resumed');
  t.same(s2.exportKeyingMaterial(32, LABEL), exporter(second).exportKeyingMaterial(32, LABEL), 'resumed: both ends agree');
  t.notSame(s2.exportKeyingMaterial(32, LABEL), firstOut, 'new randoms: new output');
});

t.test('gnutls-cli --keymatexport agrees with our server', { timeout: 20_000 }, async (t) => {
  const suite = 'TLS_RSA_WITH_AES_128_CBC_SHA';
  const exported: string[] = [];
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    exported.push(s.exportKeyingMaterial(32, LABEL).toString('hex').toUpperCase());
    s.pipe(s);
  });
  const port = await listening(t, server);
  const r = await runGnutlsClient(t, {
    port,
    caFile: pki.caFile,
    priority: GNUTLS_PRIORITY[suite]!,
    input: 'x\n',
    extraArgs: [`--keymatexport=${LABEL}`, '--keymatexportsize=32'],
  });
  t.equal(r.code, 0, `gnutls-cli exit code (stderr: ${r.stderr.slice(-300)})`);
  t.equal(exported.length, 1);
  const printed = /Key material: ([0-9A-F]+)/i.exec(r.stdout + r.stderr)?.[1]?.toUpperCase();
  t.equal(printed, exported[0], 'gnutls-cli printed the same 32 bytes');
});

t.test('errors match node:tls', BOUNDED, async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => s.resume());
  const port = await listening(t, server);
  const ours = connect({ host: 'localhost', port, ca: pki.caPem });
  t.throws(() => ours.exportKeyingMaterial(32, LABEL), { code: 'ERR_TLS_INVALID_STATE' }, 'before the handshake');
  t.equal(ours.getPeerX509Certificate(), undefined, 'no peer certificate before the handshake');
  t.equal(ours.getX509Certificate(), undefined, 'a client without a certificate has none');
  await once(ours, 'secureConnect');
  t.teardown(() => ours.destroy());
  for (const label of ['client finished', 'server finished', 'master secret', 'extended master secret', 'key expansion', 'key expansion2']) {
    t.throws(() => ours.exportKeyingMaterial(32, label), { code: 'ERR_SSL_TLS_ILLEGAL_EXPORTER_LABEL' }, `reserved: ${label}`);
  }
  t.equal(ours.exportKeyingMaterial(8, 'master secre').length, 8, 'a label that merely shares a prefix is fine');
  t.throws(() => ours.exportKeyingMaterial(0, LABEL), { code: 'ERR_OUT_OF_RANGE', name: 'RangeError' });
  t.throws(() => ours.exportKeyingMaterial(1.5, LABEL), { code: 'ERR_OUT_OF_RANGE' });
  t.throws(() => ours.exportKeyingMaterial('8' as never, LABEL), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  t.throws(() => ours.exportKeyingMaterial(8, 5 as never), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => ours.exportKeyingMaterial(8, LABEL, 'ctx' as never), { code: 'ERR_INVALID_ARG_TYPE' });
  t.throws(() => ours.exportKeyingMaterial(8, LABEL, null as never), { code: 'ERR_INVALID_ARG_TYPE' });
});
