/**
 * Bad input at the engine level: every case ends with the right fatal alert on the wire and a typed
 * error, never an exception out of receive(), a hang, or state leaking into the next connection.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import type { TLSAlertError } from '../../lib/errors.js';
import { encodeClientHello } from '../../lib/messages/client-hello.js';
import { encodeHandshake } from '../../lib/messages/handshake.js';
import { HandshakeType } from '../../lib/messages/types.js';
import { encodeRecord } from '../../lib/record/framing.js';
import { concatBytes } from '../../lib/util/bytes.js';
import { handshake, makePair, sharedPki } from '../helpers/engine-pair.js';
import { assertFatalAlert, clientHelloRecord, lonelyServer } from '../helpers/raw-server.js';

t.test('a ClientHello offering SSL 3.0 gets protocol_version (70)', async (t) => {
  const s = await lonelyServer();
  s.conn.receive(clientHelloRecord({ version: 0x0300 }));
  assertFatalAlert(t, s.wire(), AlertDescription.protocol_version);
  t.equal((s.errors[0] as TLSAlertError).alert, AlertDescription.protocol_version);
  t.match(s.errors[0]!.message, /TS 33\.141 6/);
});

t.test('version tolerance: 3.2 and 3.3 are answered with 3.1', async (t) => {
  for (const version of [0x0302, 0x0303]) {
    const s = await lonelyServer();
    s.conn.receive(clientHelloRecord({ version }));
    const w = s.wire();
    t.equal(w[0], 22, 'a handshake record comes back');
    t.equal(w[5], HandshakeType.server_hello);
    t.same([w[9], w[10]], [3, 1], `ServerHello.server_version 3.1 for 0x${version.toString(16)}`);
    t.same(s.errors, []);
  }
});

t.test('garbage instead of a record gets unexpected_message at once', async (t) => {
  const s = await lonelyServer();
  s.conn.receive(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
  assertFatalAlert(t, s.wire(), AlertDescription.unexpected_message);
  t.ok(s.conn.closed);
  s.conn.receive(new Uint8Array([1, 2, 3]));
  t.equal(s.errors.length, 1, 'nothing more happens after the fatal alert');
});

t.test('an oversized record gets record_overflow (22) before its body arrives', async (t) => {
  const s = await lonelyServer();
  s.conn.receive(new Uint8Array([22, 3, 1, 0x48, 0x01]));
  assertFatalAlert(t, s.wire(), AlertDescription.record_overflow);
});

t.test('a ClientHello with trailing bytes after the extension block gets decode_error (50)', async (t) => {
  const s = await lonelyServer();
  const body = encodeClientHello({
    version: 0x0301,
    random: new Uint8Array(32),
    sessionId: new Uint8Array(0),
    cipherSuites: [0x000a],
    compressionMethods: [0],
    extensions: [{ type: 0x1234, data: new Uint8Array(0) }],
  });
  s.conn.receive(encodeRecord(22, 0x0301, encodeHandshake(1, concatBytes(body, new Uint8Array([0])))));
  assertFatalAlert(t, s.wire(), AlertDescription.decode_error);
});

t.test('unknown extensions and unknown suites in a ClientHello are ignored', async (t) => {
  const s = await lonelyServer();
  s.conn.receive(clientHelloRecord({ cipherSuites: [0xfefe, 0x000a, 0x5600], extensions: [{ type: 0x7777, data: new Uint8Array([1, 2]) }] }));
  const w = s.wire();
  t.equal(w[5], HandshakeType.server_hello);
  t.same(s.errors, []);
  const suiteOffset = 5 + 4 + 2 + 32 + 1 + w[5 + 4 + 2 + 32]!;
  t.same([w[suiteOffset], w[suiteOffset + 1]], [0x00, 0x0a], 'TLS_RSA_WITH_3DES_EDE_CBC_SHA chosen; TLS_FALLBACK_SCSV accepted silently');
});

t.test('the server answers the SCSV with an empty renegotiation_info (RFC 5746)', async (t) => {
  const s = await lonelyServer();
  s.conn.receive(clientHelloRecord({ cipherSuites: [0x000a, 0x00ff] }));
  t.ok(Buffer.from(s.wire()).includes(Buffer.from([0xff, 0x01, 0x00, 0x01, 0x00])), 'ff 01 00 01 00 in the ServerHello');
  const plain = await lonelyServer();
  plain.conn.receive(clientHelloRecord({ cipherSuites: [0x000a] }));
  t.notOk(Buffer.from(plain.wire()).includes(Buffer.from([0xff, 0x01, 0x00, 0x01, 0x00])), 'no extension without the signal');
  const bad = await lonelyServer();
  bad.conn.receive(clientHelloRecord({ extensions: [{ type: 0xff01, data: new Uint8Array([1, 0]) }] }));
  assertFatalAlert(t, bad.wire(), AlertDescription.handshake_failure);
});

t.test('messages out of order get unexpected_message (10)', async (t) => {
  // A Finished where the ClientHello belongs.
  const s = await lonelyServer();
  s.conn.receive(encodeRecord(22, 0x0301, encodeHandshake(HandshakeType.finished, new Uint8Array(12))));
  assertFatalAlert(t, s.wire(), AlertDescription.unexpected_message);
  // ChangeCipherSpec before the key exchange.
  const s2 = await lonelyServer();
  s2.conn.receive(clientHelloRecord());
  s2.conn.receive(encodeRecord(20, 0x0301, new Uint8Array([1])));
  assertFatalAlert(t, s2.wire(), AlertDescription.unexpected_message);
  // Application data before the handshake.
  const s3 = await lonelyServer();
  s3.conn.receive(encodeRecord(23, 0x0301, new Uint8Array([1, 2, 3])));
  assertFatalAlert(t, s3.wire(), AlertDescription.unexpected_message);
  // A second ClientHello while the first is being answered.
  const s4 = await lonelyServer();
  s4.conn.receive(clientHelloRecord());
  s4.conn.receive(clientHelloRecord());
  assertFatalAlert(t, s4.wire(), AlertDescription.unexpected_message);
});

t.test('a bit flipped in any protected record gives bad_record_mac (20)', async (t) => {
  for (const suite of ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA']) {
    const p = await handshake({ cipherSuites: [suite] });
    p.client.conn.write(new Uint8Array(50).fill(1));
    const record = p.client.queue.pop()!;
    p.client.queue.length = 0;
    const tampered = record.slice();
    tampered[tampered.length - 3]! ^= 0x40;
    p.server.conn.receive(tampered);
    t.equal((p.server.errors[0] as TLSAlertError)?.alert, AlertDescription.bad_record_mac, `${suite}: server refuses`);
    p.flush();
    t.equal(p.client.errors[0]?.code, 'ERR_TLS_ALERT_RECEIVED_BAD_RECORD_MAC', `${suite}: client hears why`);
  }
});

t.test('a replayed record (wrong sequence number) gives bad_record_mac', async (t) => {
  const p = await handshake({ cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'], splitRecords: false });
  p.client.conn.write(new Uint8Array([1, 2, 3]));
  const record = p.client.queue[0]!;
  p.flush();
  t.equal(p.receivedBy(p.server).length, 3);
  p.server.conn.receive(record);
  t.equal((p.server.errors[0] as TLSAlertError).alert, AlertDescription.bad_record_mac);
});

t.test('a tampered Finished fails the handshake on both sides', async (t) => {
  const p = await makePair({ cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] });
  p.client.conn.start();
  p.flush(); // would complete; instead redo with tampering of the server's last flight
  t.ok(p.client.completed);
  const q = await makePair({ cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] });
  q.client.conn.start();
  q.server.conn.receive(q.client.queue.shift()!); // ClientHello
  q.client.conn.receive(q.server.queue.shift()!); // ServerHello..Done
  const flight = q.client.queue.shift()!; // CKE, CCS, Finished
  const tampered = flight.slice();
  tampered[tampered.length - 1]! ^= 1; // inside the encrypted Finished (RC4: the MAC breaks)
  q.server.conn.receive(tampered);
  t.equal((q.server.errors[0] as TLSAlertError).alert, AlertDescription.bad_record_mac);
  t.notOk(q.server.completed);
});

t.test('a bad RSA premaster carries on and fails only at Finished, like any wrong key', async (t) => {
  const pki = await sharedPki();
  const q = await makePair({ cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'] });
  q.client.conn.start();
  q.server.conn.receive(q.client.queue.shift()!);
  q.client.conn.receive(q.server.queue.shift()!);
  const flight = q.client.queue.shift()!;
  // The ClientKeyExchange is the first handshake message of the flight: record(5) + header(4) + length(2) + ciphertext.
  const size = pki.server.key.size;
  const tampered = flight.slice();
  for (let i = 0; i < size; i++) tampered[5 + 4 + 2 + i] = (i * 31 + 7) & 0xff;
  q.server.conn.receive(tampered);
  const err = q.server.errors[0] as TLSAlertError;
  t.ok(err, 'the server fails');
  t.ok([AlertDescription.bad_record_mac, AlertDescription.decrypt_error].includes(err.alert as 20 | 51), `at Finished (alert ${err.alert}), not at the key exchange`);
  t.notOk(q.server.completed);
});

t.test('renegotiation is refused with a no_renegotiation warning and the connection goes on', async (t) => {
  const p = await handshake({ cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] });
  // The server sends a HelloRequest: the client declines with a warning.
  const serverSide = p.server.conn as unknown as { writeProtection: { seal(type: number, v: number, d: Uint8Array): Uint8Array } };
  p.client.conn.receive(serverSide.writeProtection.seal(22, 0x0301, encodeHandshake(HandshakeType.hello_request, new Uint8Array(0))));
  p.flush();
  t.same(p.server.warnings, [AlertDescription.no_renegotiation], 'the server hears no_renegotiation');
  p.client.conn.write(new Uint8Array([9]));
  p.flush();
  t.same([...p.receivedBy(p.server)], [9], 'data still flows');
  t.same(p.client.errors, []);
});

t.test('a fatal alert from the peer ends the connection with a typed error', async (t) => {
  const s = await lonelyServer();
  s.conn.receive(encodeRecord(21, 0x0301, new Uint8Array([2, 40])));
  t.equal(s.errors[0]?.code, 'ERR_TLS_ALERT_RECEIVED_HANDSHAKE_FAILURE');
  t.equal(s.wire().length, 0, 'no alert is sent back for a received fatal alert');
});

t.test('a failed handshake leaves nothing behind for the next connection', async (t) => {
  const bad = await handshake({ cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] }, { cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'] });
  t.ok(bad.server.errors.length === 1);
  const good = await handshake({ cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'] }, { cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'] });
  t.ok(good.client.completed && good.server.completed);
});

t.test('random garbage never throws out of receive()', async (t) => {
  let seed = 99;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let i = 0; i < 200; i++) {
    const s = await lonelyServer();
    const hello = clientHelloRecord();
    const mutated = hello.slice();
    const flips = 1 + (next() % 4);
    for (let j = 0; j < flips; j++) mutated[next() % mutated.length] = next() & 0xff;
    t.doesNotThrow(() => s.conn.receive(mutated));
  }
});
