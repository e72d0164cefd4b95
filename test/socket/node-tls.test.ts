/**
 * Interop with node:tls (OpenSSL 3) as client and as server. At TLS 1.0 OpenSSL 3 only offers the
 * AES-CBC suites, and only at security level 0.
 */
import t, { type Test } from 'tap';
import { CIPHER_SUITES } from '../../lib/suites.js';
import * as tls from 'node:tls';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from '../../lib/index.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 15_000 };
// The RSA AES suites (Node's OpenSSL 3 still has these for TLS 1.0), by RFC and OpenSSL name.
const SUITES = CIPHER_SUITES.filter((s) => s.keyExchange === 'RSA' && s.cipher.startsWith('AES')).map((s) => [s.name, s.openssl] as const);

async function listening(t: Test, server: tls.Server | ReturnType<typeof createServer>): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

const payload = Buffer.alloc(200_000, 0x5a);

for (const [suite, openssl] of SUITES) {
  t.test(`node:tls client -> our server, ${suite}`, BOUNDED, async (t) => {
    let serverSaw = '';
    const server = createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: [suite] }, (s) => {
      serverSaw = s.getCipher()!.standardName;
      s.pipe(s);
    });
    const port = await listening(t, server);
    const client = tls.connect({
      host: '127.0.0.1',
      port,
      ca: pki.caPem,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1',
      ciphers: `${openssl}:@SECLEVEL=0`,
    });
    await once(client, 'secureConnect');
    t.equal(client.getProtocol(), 'TLSv1');
    t.equal(client.getCipher().name, openssl);
    t.equal(client.authorized, true, 'node:tls verified our chain for 127.0.0.1');
    const chunks: Buffer[] = [];
    client.on('data', (d: Buffer) => {
      chunks.push(d);
      if (Buffer.concat(chunks).length >= payload.length) client.end();
    });
    client.write(payload);
    await once(client, 'close');
    t.same(Buffer.concat(chunks), payload, 'echoed intact');
    t.equal(serverSaw, suite);
  });

  t.test(`our client -> node:tls server, ${suite}`, BOUNDED, async (t) => {
    const server = tls.createServer(
      { key: pki.keyPem, cert: pki.certPem, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: `${openssl}:@SECLEVEL=0` },
      (s) => s.pipe(s),
    );
    const port = await listening(t, server);
    const client = connect({ host: 'localhost', port, ca: pki.caPem, cipherSuites: [suite] });
    const chunks: Buffer[] = [];
    client.on('data', (d: Buffer) => {
      chunks.push(d);
      if (Buffer.concat(chunks).length >= payload.length) client.end();
    });
    await once(client, 'secureConnect');
    t.equal(client.getCipher()?.standardName, suite);
    t.equal(client.authorized, true);
    client.write(payload);
    await new Promise((r) => client.once('close', r));
    t.same(Buffer.concat(chunks), payload, 'echoed intact');
  });
}

t.test('finished messages agree with node:tls', BOUNDED, async (t) => {
  const server = tls.createServer(
    { key: pki.keyPem, cert: pki.certPem, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' },
    (s) => s.end(),
  );
  const port = await listening(t, server);
  const ours = connect({ host: 'localhost', port, ca: pki.caPem });
  const [[serverSocket]] = (await Promise.all([once(server, 'secureConnection'), once(ours, 'secureConnect')])) as [[tls.TLSSocket], unknown];
  t.same(ours.getFinished(), serverSocket.getPeerFinished(), 'our Finished is what node:tls received');
  t.same(ours.getPeerFinished(), serverSocket.getFinished());
  ours.destroy();
});

t.test('node:tls resumes a session with our server', BOUNDED, async (t) => {
  const reused: boolean[] = [];
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    reused.push(s.isSessionReused());
    s.end('x');
  });
  const port = await listening(t, server);
  const opts = { host: '127.0.0.1', port, ca: pki.caPem, minVersion: 'TLSv1' as const, maxVersion: 'TLSv1' as const, ciphers: 'AES128-SHA:@SECLEVEL=0' };
  const first = tls.connect(opts);
  first.resume();
  await once(first, 'secureConnect');
  const session = first.getSession();
  await once(first, 'close');
  const second = tls.connect({ ...opts, session });
  second.resume();
  await once(second, 'secureConnect');
  t.equal(second.isSessionReused(), true, 'node:tls reports a resumed session');
  await once(second, 'close');
  t.same(reused, [false, true]);
});
