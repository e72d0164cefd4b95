/**
 * node:tls options are honoured or refused (lib/socket/known-options.ts): a misspelt option gets a
 * "did you mean", a node:tls option ut-tls does not implement is refused by name, minVersion /
 * maxVersion / secureProtocol are accepted when they allow TLSv1 and refused when they exclude it.
 * Accepted version options still handshake with node:tls.
 */
import t from 'tap';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { connect, createSecureContext, createServer, TLSSocket } from '../../lib/index.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const base = { key: pki.keyPem, cert: pki.certPem };
const bad = (option: string, message: RegExp) => ({ code: 'ERR_TLS_INVALID_CONFIG', option, message });

t.test('a misspelt option is refused with a hint', async (t) => {
  t.throws(() => createServer({ ...base, requestCrt: true } as never), bad('requestCrt', /unknown option; did you mean requestCert\?/));
  t.throws(() => createServer({ ...base, rejectUnauthorised: false } as never), bad('rejectUnauthorised', /did you mean rejectUnauthorized\?/));
  t.throws(() => connect({ port: 1, host: '127.0.0.1', serverName: 'x' } as never), bad('serverName', /did you mean servername\?/));
  t.throws(() => connect({ port: 1, host: '127.0.0.1', ca: pki.caPem, requestCert: true } as never), bad('requestCert', /it is a server option/));
  t.throws(() => createSecureContext({ ...base, passphras: 'x' } as never), bad('passphras', /did you mean passphrase\?/));
  t.throws(() => createServer({ ...base, contexts: [{ ...base, servernam: 'a' } as never] }), bad('contexts[0].servernam', /did you mean servername\?/));
  t.throws(() => new TLSSocket(new Duplex({ read() {}, write(_c, _e, cb) { cb(); } }), { isServer: true, ...base, sessionTimout: 5 } as never), bad('sessionTimout', /did you mean sessionTimeout\?/));
});

t.test('node:tls options ut-tls does not implement are refused by name', async (t) => {
  for (const [name, value, why] of [
    ['NPNProtocols', ['h2'], /NPN/],
    ['pfx', Buffer.alloc(1), /PKCS#12/],
    ['passphrase', 'secret', /encrypted private keys/],
    ['ecdhCurve', 'auto', /ECDHE/],
    ['honorCipherOrder', true, /own cipherSuites order/],
  ] as const) {
    t.throws(() => createServer({ ...base, [name]: value } as never), bad(name, new RegExp(`not supported by ut-tls.*${why.source}`)), name);
  }
  t.throws(() => connect({ port: 1, host: '127.0.0.1', ca: pki.caPem, family: 4 } as never), bad('family', /net\.connect\(\{ family \}\).*socket/));
  // undefined means absent, as in node:tls
  t.ok(createServer({ ...base, NPNProtocols: undefined } as never), 'an undefined value is no option');
});

t.test('minVersion / maxVersion / secureProtocol: accepted when they allow TLSv1', async (t) => {
  t.ok(createServer({ ...base, minVersion: 'TLSv1', maxVersion: 'TLSv1.3', secureProtocol: 'TLSv1_method' } as never));
  t.ok(createServer({ ...base, maxVersion: 'TLSv1' } as never));
  t.throws(() => createServer({ ...base, minVersion: 'TLSv1.2' } as never), bad('minVersion', /'TLSv1\.2' excludes TLSv1/));
  t.throws(() => connect({ port: 1, minVersion: 'TLSv1.1' } as never), bad('minVersion', /excludes TLSv1/));
  t.throws(() => createServer({ ...base, maxVersion: 'SSLv3' } as never), bad('maxVersion', /not a node:tls version/));
  t.throws(() => createServer({ ...base, secureProtocol: 'TLSv1_2_method' } as never), bad('secureProtocol', /use 'TLSv1_method'/));
});

t.test('with minVersion TLSv1 and secureProtocol TLSv1_method, node:tls connects', { timeout: 20_000 }, async (t) => {
  const server = createServer({ ...base, minVersion: 'TLSv1', secureProtocol: 'TLSv1_method' } as never, (s) => s.end('v1'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const c = tls.connect({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', ca: pki.caPem, servername: 'localhost', minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' });
  const chunks: Buffer[] = [];
  c.on('data', (d: Buffer) => chunks.push(d));
  await once(c, 'end');
  t.equal(Buffer.concat(chunks).toString(), 'v1');
});
