import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import { TLSAlertError } from '../../lib/errors.js';
import { CIPHER_SUITES, suiteByName } from '../../lib/suites.js';
import { bytesEqual } from '../../lib/util/bytes.js';
import { seededRandom } from '../../lib/crypto/random.js';
import { createPureProvider } from '../../lib/crypto/pure.js';
import { handshake, makePair, type Delivery } from '../helpers/engine-pair.js';

const DHE_SUITES = CIPHER_SUITES.filter((s) => s.implemented && s.keyExchange === 'DHE_RSA').map((s) => s.name);

t.test('every implemented suite completes a full handshake and moves data both ways', async (t) => {
  // The RFC 4279 suites need PSK callbacks: test/engine/psk.test.ts runs each of them.
  const suites = CIPHER_SUITES.filter((s) => s.implemented && !s.nullCipher && !s.psk).map((s) => s.name);
  t.ok(suites.length >= 8, 'RSA and DHE_RSA suites with RC4, 3DES, AES-128, AES-256 (and MD5 variants)');
  for (const name of suites) {
    const p = await handshake({ cipherSuites: [name] }, { cipherSuites: [name] });
    t.same(p.client.errors, [], `${name}: client without error`);
    t.same(p.server.errors, [], `${name}: server without error`);
    t.ok(p.client.completed && p.server.completed, `${name}: both sides complete`);
    t.equal(p.client.conn.cipherSuite?.name, name);
    t.equal(p.server.conn.cipherSuite?.name, name);
    t.equal(p.client.conn.protocol, 'TLSv1');
    t.ok(bytesEqual(p.client.conn.finished!, p.server.conn.peerFinished!), `${name}: client Finished seen by server`);
    t.ok(bytesEqual(p.server.conn.finished!, p.client.conn.peerFinished!), `${name}: server Finished seen by client`);
    t.equal(p.client.conn.finished!.length, 12);
    p.client.conn.write(new TextEncoder().encode('PUT /xcap-root/ HTTP/1.1'));
    p.server.conn.write(new TextEncoder().encode('HTTP/1.1 200 OK'));
    p.flush();
    t.equal(new TextDecoder().decode(p.receivedBy(p.server)), 'PUT /xcap-root/ HTTP/1.1');
    t.equal(new TextDecoder().decode(p.receivedBy(p.client)), 'HTTP/1.1 200 OK');
  }
});

t.test('NULL-encryption suite with a MAC only when the server explicitly allows it', async (t) => {
  const p = await handshake(
    { cipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_NULL_SHA'], allowNullEncryption: true },
    { cipherSuites: ['TLS_RSA_WITH_NULL_SHA'], allowNullEncryption: true },
  );
  t.equal(p.server.conn.cipherSuite?.name, 'TLS_RSA_WITH_NULL_SHA');
  p.client.conn.write(new Uint8Array([1, 2, 3]));
  p.flush();
  t.same([...p.receivedBy(p.server)], [1, 2, 3]);
});

for (const mode of ['bytewise', 'random'] as Delivery[]) {
  t.test(`handshake and data with input fed ${mode}`, async (t) => {
    for (const name of ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA']) {
      const p = await handshake({ cipherSuites: [name] }, { cipherSuites: [name] }, mode);
      t.ok(p.client.completed && p.server.completed, `${name} completes`);
      const data = new Uint8Array(40000).map((_, i) => i & 0xff);
      p.client.conn.write(data);
      p.flush(mode);
      t.ok(bytesEqual(p.receivedBy(p.server), data), `${name}: 40000 bytes arrive intact`);
    }
  });
}

t.test('every write size at the record edges, for a block and a stream cipher', async (t) => {
  const sizes = [0, 1, 2, 16383, 16384, 16385, 32767, 32768, 32769, 49152, 49153];
  for (const name of ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_RC4_128_SHA']) {
    const p = await handshake({ cipherSuites: [name] });
    for (const size of sizes) {
      const data = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
      p.client.received.length = 0;
      p.server.received.length = 0;
      p.client.conn.write(data);
      p.server.conn.write(data);
      p.flush();
      t.ok(bytesEqual(p.receivedBy(p.server), data), `${name}: ${size} bytes client -> server`);
      t.ok(bytesEqual(p.receivedBy(p.client), data), `${name}: ${size} bytes server -> client`);
    }
    t.same(p.client.errors, []);
  }
});

t.test('1/n-1 record splitting: on for the client with CBC, off for the server and for RC4', async (t) => {
  const recordLengths = (wire: Uint8Array[]): number[] => {
    const all = Buffer.concat(wire);
    const out: number[] = [];
    for (let off = 0; off + 5 <= all.length; off += 5 + all.readUInt16BE(off + 3)) if (all[off] === 23) out.push(all.readUInt16BE(off + 3));
    return out;
  };
  // MAC-then-encrypt lengths below; encrypt-then-MAC splits the same way (test/engine/ems-etm.test.ts).
  const p = await handshake({ cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'], encryptThenMac: false });
  p.client.wire.length = 0;
  p.server.wire.length = 0;
  p.client.conn.write(new Uint8Array(100));
  p.server.conn.write(new Uint8Array(100));
  // AES-128 + HMAC-SHA1: 1 byte + 20 MAC + padding -> 32; 99 + 20 + padding -> 128; 100 + 20 + padding -> 128.
  t.same(recordLengths(p.client.wire), [32, 128], 'client: a 1-byte record, then the other 99 bytes');
  t.same(recordLengths(p.server.wire), [128], 'server: one record');
  const off = await handshake({ cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'], splitRecords: false });
  off.client.wire.length = 0;
  off.client.conn.write(new Uint8Array(100));
  t.equal(recordLengths(off.client.wire).length, 1, 'splitting can be turned off');
  const rc4 = await handshake({ cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] });
  rc4.client.wire.length = 0;
  rc4.client.conn.write(new Uint8Array(100));
  t.equal(recordLengths(rc4.client.wire).length, 1, 'no splitting for a stream cipher');
});

t.test('the default suites follow the profile: UE offers 3DES first, AP prefers AES-256', async (t) => {
  const p = await handshake();
  t.equal(p.server.conn.cipherSuite?.name, 'TLS_RSA_WITH_AES_256_CBC_SHA');
  const clientHello = p.client.wire[0]!;
  // record(5) + handshake header(4) + version(2) + random(32) + session id length(1) + suites length(2)
  const suitesOffset = 5 + 4 + 2 + 32 + 1 + clientHello[5 + 4 + 2 + 32]! + 2;
  t.equal((clientHello[suitesOffset]! << 8) | clientHello[suitesOffset + 1]!, 0x000a, 'first offered suite is TLS_RSA_WITH_3DES_EDE_CBC_SHA');
  const rc4Only = await handshake({ cipherSuites: ['RC4-SHA'] });
  t.equal(rc4Only.server.conn.cipherSuite?.name, 'TLS_RSA_WITH_RC4_128_SHA', 'the AP accepts RC4 (TS 33.141 6.2) and OpenSSL names work');
});

t.test('deterministic with a seeded random source', async (t) => {
  const wires: string[] = [];
  for (let i = 0; i < 2; i++) {
    const provider = createPureProvider({ random: seededRandom('client-seed') });
    const p = await makePair({ provider, cipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] });
    p.client.conn.start();
    wires.push(Buffer.from(p.client.wire[0]!).toString('hex'));
  }
  t.equal(wires[0], wires[1], 'same seed, same ClientHello bytes');
});

t.test('keylog line in NSS format carries the client random and master secret', async (t) => {
  const p = await handshake({ cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] });
  t.equal(p.client.keylog.length, 1);
  t.match(p.client.keylog[0], /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
  t.equal(p.client.keylog[0], p.server.keylog[0], 'both sides derive the same master secret');
});

t.test('close_notify is answered with close_notify and ends both sides', async (t) => {
  const p = await handshake();
  p.client.conn.close();
  p.flush();
  t.ok(p.server.peerClosed, 'server saw the close');
  t.ok(p.client.peerClosed, 'client saw the answer');
  t.ok(p.client.conn.closed && p.server.conn.closed);
  t.throws(() => p.client.conn.write(new Uint8Array(1)), { code: 'ERR_TLS_NOT_CONNECTED' });
  t.same(p.client.errors, []);
  t.same(p.server.errors, []);
});

t.test('application data cannot be written before the handshake', async (t) => {
  const p = await makePair();
  p.client.conn.start();
  t.throws(() => p.client.conn.write(new Uint8Array(1)), { code: 'ERR_TLS_NOT_CONNECTED' });
});

t.test('DHE_RSA: the server signs its parameters with the certificate key', async (t) => {
  for (const name of DHE_SUITES) {
    const p = await handshake({ cipherSuites: [name] }, { cipherSuites: DHE_SUITES });
    t.equal(p.client.conn.cipherSuite?.name, name);
    t.same(p.client.errors, []);
  }
});

t.test('RSA suite list excludes anonymous and NULL-MAC suites at construction', async (t) => {
  await t.rejects(makePair({ cipherSuites: ['TLS_DH_anon_WITH_3DES_EDE_CBC_SHA'] }), { code: 'ERR_TLS_INVALID_CONFIG', message: /TS 33\.141 6\.3/ });
  await t.rejects(makePair({ cipherSuites: ['TLS_NULL_WITH_NULL_NULL'] }), { code: 'ERR_TLS_INVALID_CONFIG', message: /NULL integrity/ });
  await t.rejects(makePair({ cipherSuites: ['TLS_RSA_WITH_NULL_SHA'] }), { code: 'ERR_TLS_INVALID_CONFIG' });
  await t.rejects(makePair({}, { sessionTimeout: 86401 }), { code: 'ERR_TLS_INVALID_CONFIG', message: /7\.1/ });
  t.ok(suiteByName('DES-CBC3-SHA'));
});

t.test('an alert error names its alert and says who sent it', async (t) => {
  const p = await handshake({ cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] }, { cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'] });
  const serverErr = p.server.errors[0] as TLSAlertError;
  const clientErr = p.client.errors[0] as TLSAlertError;
  t.equal(serverErr.alert, AlertDescription.handshake_failure);
  t.equal(serverErr.code, 'ERR_TLS_ALERT_HANDSHAKE_FAILURE');
  t.equal(serverErr.sent, true);
  t.equal(clientErr.code, 'ERR_TLS_ALERT_RECEIVED_HANDSHAKE_FAILURE');
  t.equal(clientErr.sent, false);
  t.notOk(p.client.completed);
});
