/**
 * RFC 7627 EMS and RFC 7366 EtM on real sockets (127.0.0.1) against node:tls (OpenSSL, which
 * negotiates both at TLS 1.0): both directions, data through, and what each side's session records.
 * (Node's OpenSSL has no 3DES or RC4; RC4 without EtM is in test/engine/ems-etm.test.ts.) (A wrong session hash or EtM record would fail the Finished or the first record.)
 */
import t from 'tap';
import { once } from 'node:events';
import * as tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from '../../lib/index.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 30_000 };

for (const [ciphers, etm] of [['AES128-SHA', true], ['AES256-SHA', true]] as const) {
  t.test(`node:tls client (${ciphers}) -> ut-tls server: EMS yes, EtM ${etm ? 'yes' : 'no'}`, BOUNDED, async (t) => {
    const sockets: TLSSocket[] = [];
    const server = createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: undefined }, (s) => {
      sockets.push(s);
      s.on('error', () => {});
      s.pipe(s);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.teardown(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as AddressInfo).port;
    const c = tls.connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost', minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: `${ciphers}@SECLEVEL=0` });
    await once(c, 'secureConnect');
    c.write('ping');
    const [echo] = (await once(c, 'data')) as [Buffer];
    t.equal(echo.toString(), 'ping');
    const s = sockets[0]!.getSession()!;
    t.equal(s.extendedMasterSecret, true, 'server session: EMS');
    t.equal(s.encryptThenMac === true, etm, 'server session: EtM');
    c.end();
    await once(c, 'close');
  });

  t.test(`ut-tls client (${ciphers}) -> node:tls server: EMS yes, EtM ${etm ? 'yes' : 'no'}`, BOUNDED, async (t) => {
    const server = tls.createServer({ key: pki.keyPem, cert: pki.certPem, minVersion: 'TLSv1', ciphers: `${ciphers}@SECLEVEL=0` }, (s) => s.pipe(s));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.teardown(() => new Promise<void>((r) => server.close(() => r())));
    const port = (server.address() as AddressInfo).port;
    const name = { 'AES128-SHA': 'TLS_RSA_WITH_AES_128_CBC_SHA', 'AES256-SHA': 'TLS_RSA_WITH_AES_256_CBC_SHA' }[ciphers];
    const c = connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost', cipherSuites: [name] });
    c.on('error', () => {});
    await once(c, 'secureConnect');
    c.write('pong');
    // 1/n-1 splitting: the echo may come back in two pieces.
    let got = '';
    for (let i = 0; i < 4 && got.length < 4; i++) got += ((await once(c, 'data')) as [Buffer])[0].toString();
    t.equal(got, 'pong');
    const s = c.getSession()!;
    t.equal(s.extendedMasterSecret, true, 'client session: EMS');
    t.equal(s.encryptThenMac === true, etm, 'client session: EtM');
    c.end();
    await once(c, 'close');
  });
}

t.test('CLI: ut-tls client -> ut-tls server reports ems/etm; server --no-etm turns EtM off', BOUNDED, async (t) => {
  const { startCliServer, runCliClient } = await import('../helpers/peers.js');
  const on = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo']);
  const a = await runCliClient(t, [`127.0.0.1:${on.port}`, '--ca', pki.caFile, '--require-ems'], 'hi\n');
  t.match(a.stderr, /^ems: yes etm: yes ticket: no$/m);
  const off = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--no-etm']);
  const b = await runCliClient(t, [`127.0.0.1:${off.port}`, '--ca', pki.caFile, '--require-ems'], 'hi\n');
  t.match(b.stderr, /^ems: yes etm: no ticket: no$/m);
});
