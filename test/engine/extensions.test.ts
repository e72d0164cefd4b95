/**
 * RFC 3546 extensions, engine to engine, with the bytes on the wire checked against the RFC layouts.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import type { TLSAlertError } from '../../lib/errors.js';
import { sha1 } from '../../lib/crypto/hash.js';
import { bigIntToMinimalBytes } from '../../lib/crypto/bigint.js';
import { CertChainType } from '../../lib/messages/certificate-url.js';
import { HandshakeType } from '../../lib/messages/types.js';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { concatBytes } from '../../lib/util/bytes.js';
import { parseCertificate } from '../../lib/x509/certificate.js';
import { createTestPki } from '../helpers/testca.js';
import { handshake, makePair, sharedPki } from '../helpers/engine-pair.js';

/** Extensions (type -> data) of the first hello found in a plaintext flight. */
function helloExtensions(flight: Uint8Array): Map<number, Uint8Array> {
  const b = flight;
  let off = 5 + 4 + 2 + 32; // record header, handshake header, version, random
  off += 1 + b[off]!; // session id
  if (b[5] === HandshakeType.client_hello) {
    off += 2 + ((b[off]! << 8) | b[off + 1]!); // cipher suites
    off += 1 + b[off]!; // compression methods
  } else {
    off += 3; // cipher suite, compression method
  }
  const out = new Map<number, Uint8Array>();
  const end = off + 2 + ((b[off]! << 8) | b[off + 1]!);
  for (off += 2; off < end; ) {
    const type = (b[off]! << 8) | b[off + 1]!;
    const len = (b[off + 2]! << 8) | b[off + 3]!;
    out.set(type, b.subarray(off + 4, off + 4 + len));
    off += 4 + len;
  }
  return out;
}

/** Plaintext lengths of records in a wire capture, by content type. */
function recordLengths(wire: Uint8Array[], type: number): number[] {
  const all = concatBytes(...wire);
  const out: number[] = [];
  for (let off = 0; off + 5 <= all.length; off += 5 + ((all[off + 3]! << 8) | all[off + 4]!)) {
    if (all[off] === type) out.push((all[off + 3]! << 8) | all[off + 4]!);
  }
  return out;
}

t.test('server_name: the client sends its host name, never an IP literal', async (t) => {
  const p = await handshake({ servername: 'xcap.ims.example.org' });
  const ext = helloExtensions(p.client.wire[0]!).get(0)!;
  // ServerNameList length 0x0017, host_name(0), HostName length 0x0014, "xcap.ims.example.org"
  t.equal(Buffer.from(ext).toString('hex'), '00170000147863617' + '02e696d732e6578616d706c652e6f7267');
  t.equal(p.server.conn.servername, 'xcap.ims.example.org', 'the server sees the name');
  const ip = await handshake({ servername: '127.0.0.1' });
  t.notOk(helloExtensions(ip.client.wire[0]!).has(0), 'no server_name for 127.0.0.1');
});

t.test('server_name: virtual hosts on one AP pick the certificate per name (TS 33.141 Annex A)', async (t) => {
  const other = await createTestPki({ names: ['presence.example.org'] });
  const ctx = { names: ['presence.example.org', '*.xcap.example.org'], certificateChain: other.chain, privateKey: other.server.key };
  const a = await handshake({ servername: 'presence.example.org', insecureSkipVerify: true }, { contexts: [ctx] });
  t.same(parseCertificate(a.client.conn.peerCertificates[0]!).subject.object.CN, 'presence.example.org', 'the named host certificate');
  t.equal(helloExtensions(a.server.wire[0]!).get(0)?.length, 0, 'an empty server_name in the ServerHello');
  const w = await handshake({ servername: 'ue1.XCAP.example.org', insecureSkipVerify: true }, { contexts: [ctx] });
  t.same(parseCertificate(w.client.conn.peerCertificates[0]!).subject.object.CN, 'presence.example.org', 'wildcard, case-insensitive');
  const def = await handshake({ servername: 'localhost' }, { contexts: [ctx] });
  t.same(parseCertificate(def.client.conn.peerCertificates[0]!).subject.object.CN, 'localhost', "the default certificate's own names count");
  t.equal(helloExtensions(def.server.wire[0]!).get(0)?.length, 0, 'and the name is acknowledged');
  const ignored = await handshake({ servername: 'other.example.net', insecureSkipVerify: true }, { contexts: [ctx], unrecognizedName: 'ignore' });
  t.same(parseCertificate(ignored.client.conn.peerCertificates[0]!).subject.object.CN, 'localhost', 'the default host otherwise');
  t.notOk(helloExtensions(ignored.server.wire[0]!).has(0), 'no server_name answer for a name not used');
  t.same(ignored.client.warnings, [], "no alert with unrecognizedName: 'ignore'");
  const warn = await handshake({ servername: 'unknown.example.org', insecureSkipVerify: true }, { contexts: [ctx] });
  t.same(warn.client.warnings, [AlertDescription.unrecognized_name], 'unrecognized_name warning by default');
  t.ok(warn.client.completed);
  const fatal = await handshake({ servername: 'unknown.example.org', insecureSkipVerify: true }, { contexts: [ctx], unrecognizedName: 'fatal' });
  t.equal((fatal.server.errors[0] as TLSAlertError).alert, AlertDescription.unrecognized_name);
  t.equal(fatal.client.errors[0]?.code, 'ERR_TLS_ALERT_RECEIVED_UNRECOGNIZED_NAME');
  const cb = await handshake({ servername: 'async.example.org', insecureSkipVerify: true }, { selectContext: async (name) => (name === 'async.example.org' ? ctx : undefined) });
  t.notOk(cb.client.completed, 'waiting for the callback');
  await new Promise((r) => setImmediate(r));
  cb.flush();
  t.ok(cb.client.completed, 'an asynchronous SNI callback');
  t.same(parseCertificate(cb.client.conn.peerCertificates[0]!).subject.object.CN, 'presence.example.org');
});

t.test('max_fragment_length: both sides fragment at the agreed size, handshake included', async (t) => {
  for (const size of [512, 1024, 2048, 4096] as const) {
    const p = await handshake({ maxFragmentLength: size, cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] });
    t.ok(p.client.completed, `${size}: completes`);
    const code = Math.log2(size) - 8;
    t.same([...helloExtensions(p.client.wire[0]!).get(1)!], [code], `${size}: ClientHello asks for code ${code}`);
    t.same([...helloExtensions(p.server.wire[0]!).get(1)!], [code], `${size}: ServerHello echoes it`);
    t.ok(recordLengths(p.server.wire, 22).every((l) => l <= size), `${size}: server handshake records within the limit`);
    p.client.wire.length = 0;
    p.server.wire.length = 0;
    p.client.conn.write(new Uint8Array(10000));
    p.server.conn.write(new Uint8Array(10000));
    p.flush();
    t.ok(recordLengths(p.client.wire, 23).every((l) => l <= size + 20), `${size}: client data records within the limit (+MAC)`);
    t.ok(recordLengths(p.server.wire, 23).every((l) => l <= size + 20), `${size}: server data records within the limit (+MAC)`);
    t.equal(p.receivedBy(p.server).length, 10000);
  }
});

t.test('max_fragment_length: a larger record after agreement is record_overflow', async (t) => {
  const p = await handshake({ maxFragmentLength: 512, cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] });
  const server = p.server.conn as unknown as { maxFragment: number };
  server.maxFragment = 16384; // a misbehaving peer that ignores the agreement
  p.server.conn.write(new Uint8Array(600));
  p.flush();
  t.equal((p.client.errors[0] as TLSAlertError).alert, AlertDescription.record_overflow);
});

t.test('max_fragment_length: an invalid value is illegal_parameter; it persists across resumption', async (t) => {
  const store = new MemorySessionStore();
  const first = await handshake({ maxFragmentLength: 1024 }, { sessionStore: store });
  const session = first.client.sessions[0]!;
  t.equal(session.maxFragmentLength, 1024);
  const again = await handshake({ session }, { sessionStore: store });
  t.ok(again.server.conn.resumed);
  again.server.wire.length = 0;
  again.server.conn.write(new Uint8Array(3000));
  again.flush();
  t.ok(recordLengths(again.server.wire, 23).every((l) => l <= 1024 + 48), 'the resumed session keeps the 1024-byte limit');
  await t.rejects(makePair({ maxFragmentLength: 777 as 512 }), { code: 'ERR_TLS_INVALID_CONFIG' });
});

t.test('truncated_hmac: 80-bit MACs only when the server agrees (off by default)', async (t) => {
  const off = await handshake({ truncatedHmac: true, cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] });
  t.notOk(helloExtensions(off.server.wire[0]!).has(4), 'default server does not agree');
  off.client.wire.length = 0;
  off.client.conn.write(new Uint8Array(100));
  t.same(recordLengths(off.client.wire, 23), [120], 'full 20-byte MAC');
  const on = await handshake({ truncatedHmac: true, cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] }, { truncatedHmac: true });
  t.equal(helloExtensions(on.server.wire[0]!).get(4)?.length, 0, 'empty truncated_hmac in the ServerHello');
  on.client.wire.length = 0;
  on.client.conn.write(new Uint8Array(100));
  on.flush();
  t.same(recordLengths(on.client.wire, 23), [110], '10-byte MAC');
  t.equal(on.receivedBy(on.server).length, 100);
});

t.test('status_request: the server staples a configured OCSP response in CertificateStatus', async (t) => {
  const ocsp = new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x00]); // OCSPResponse { responseStatus successful } (no body)
  const p = await handshake({ requestOCSP: true }, { ocspResponse: ocsp });
  t.ok(p.client.completed);
  t.same([...p.client.conn.ocspResponse!], [...ocsp], 'the client exposes the response');
  // status_request in the ClientHello: status_type ocsp(1), empty responder list, empty extensions.
  t.same([...helloExtensions(p.client.wire[0]!).get(5)!], [1, 0, 0, 0, 0]);
  const rejected = await handshake({ requestOCSP: true, verifyOCSP: () => false }, { ocspResponse: ocsp });
  t.equal((rejected.client.errors[0] as TLSAlertError).alert, AlertDescription.bad_certificate_status_response);
  const none = await handshake({ requestOCSP: true });
  t.equal(none.client.conn.ocspResponse, null, 'no response configured: nothing stapled');
  t.notOk(helloExtensions(none.server.wire[0]!).has(5));
});

t.test('trusted_ca_keys: the server picks the chain the client trusts', async (t) => {
  // Without server_name (which takes precedence) both chains would do; the client's trust decides.
  const pki = await sharedPki();
  const other = await createTestPki({ names: ['localhost'] });
  const ctx = { certificateChain: [...other.chain, other.root.der], privateKey: other.server.key };
  const byCert = await handshake({ servername: undefined, serverIdentity: 'localhost', trustedCaKeys: [{ type: 3, sha1Hash: sha1(other.root.der) }] }, { contexts: [ctx] });
  t.equal(Buffer.from(byCert.client.conn.peerCertificates[0]!).compare(Buffer.from(other.chain[0]!)), 0, 'cert_sha1_hash selects the other chain');
  t.equal(helloExtensions(byCert.server.wire[0]!).get(3)?.length, 0, 'empty trusted_ca_keys in the ServerHello');
  const byKey = await handshake({ servername: undefined, serverIdentity: 'localhost', trustedCaKeys: [{ type: 1, sha1Hash: sha1(bigIntToMinimalBytes(other.root.publicKey.n)) }] }, { contexts: [ctx] });
  t.equal(Buffer.from(byKey.client.conn.peerCertificates[0]!).compare(Buffer.from(other.chain[0]!)), 0, 'key_sha1_hash selects it too');
  const byName = await handshake({ servername: undefined, serverIdentity: 'localhost', trustedCaKeys: [{ type: 2, distinguishedName: pki.root.cert.subject.der }] }, { contexts: [ctx] });
  t.equal(Buffer.from(byName.client.conn.peerCertificates[0]!).compare(Buffer.from(pki.chain[0]!)), 0, 'x509_name of the default root keeps the default');
  const unknown = await handshake({ servername: undefined, serverIdentity: 'localhost', trustedCaKeys: [{ type: 3, sha1Hash: new Uint8Array(20) }] }, { contexts: [ctx] });
  t.ok(unknown.client.completed, 'no match: the default chain, no acknowledgement');
  t.notOk(helloExtensions(unknown.server.wire[0]!).has(3));
});

t.test('client_certificate_url: the AP fetches the UE certificate and checks its hash', async (t) => {
  const pki = await sharedPki();
  const der = pki.client!.der;
  const url = 'http://certs.example.org/ue.der';
  const fetched: string[] = [];
  const fetchCertificateUrl = async (u: string) => (fetched.push(u), der);
  const server = { requestCert: true, rejectUnauthorized: true, verifyPeer: () => ({ authorized: true }), fetchCertificateUrl };
  const client = { privateKey: pki.client!.key, certificateUrl: { chainType: CertChainType.individual_certs, urls: [{ url, hash: sha1(der) }] } };
  const p = await makePair(client, server);
  p.client.conn.start();
  p.flush();
  await new Promise((r) => setTimeout(r, 10));
  p.flush();
  t.ok(p.server.completed && p.client.completed, 'handshake completes');
  t.same(fetched, [url]);
  t.equal(p.server.conn.peerCertificates.length, 1);
  t.equal(helloExtensions(p.server.wire[0]!).get(2)?.length, 0, 'empty client_certificate_url in the ServerHello');

  const badHash = await makePair({ ...client, certificateUrl: { chainType: 0, urls: [{ url, hash: new Uint8Array(20) }] } }, server);
  badHash.client.conn.start();
  badHash.flush();
  await new Promise((r) => setTimeout(r, 10));
  badHash.flush();
  t.equal((badHash.server.errors[0] as TLSAlertError).alert, AlertDescription.bad_certificate_hash_value);
  t.equal(badHash.client.errors[0]?.code, 'ERR_TLS_ALERT_RECEIVED_BAD_CERTIFICATE_HASH_VALUE');

  const unreachable = await makePair(client, { ...server, fetchCertificateUrl: async () => Promise.reject(new Error('timeout')) });
  unreachable.client.conn.start();
  unreachable.flush();
  await new Promise((r) => setTimeout(r, 10));
  unreachable.flush();
  t.equal((unreachable.server.errors[0] as TLSAlertError).alert, AlertDescription.certificate_unobtainable);

  const notEnabled = await handshake(client, { requestCert: true, verifyPeer: () => ({ authorized: true }) });
  t.notOk(helloExtensions(notEnabled.server.wire[0]!).has(2), 'a server without a fetch function does not agree');
  t.ok(notEnabled.server.completed, 'and the client sends nothing (no chain configured): empty Certificate');
});

t.test('the client refuses an extension it did not ask for (unsupported_extension 110)', async (t) => {
  const p = await makePair({ servername: undefined, serverIdentity: 'localhost' });
  p.client.conn.start();
  const hello = p.client.queue.shift()!;
  p.server.conn.receive(hello);
  const flight = p.server.queue.shift()!.slice();
  // Turn the server's renegotiation_info (ff01) into type 0x0004.
  const idx = Buffer.from(flight).indexOf(Buffer.from([0xff, 0x01, 0x00, 0x01, 0x00]));
  t.ok(idx > 0);
  flight[idx] = 0x00;
  flight[idx + 1] = 0x04;
  // Lengths unchanged: a truncated_hmac (type 4) the client never asked for.
  p.client.conn.receive(flight);
  t.equal((p.client.errors[0] as TLSAlertError).alert, AlertDescription.unsupported_extension);
});
