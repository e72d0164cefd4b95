/**
 * tlsfuzzer's test-extended-master-secret-extension.py (RFC 7627) against a real `ut-tls server`
 * process, conversation by conversation, with the bytes the script sends (client_version 3.3, the
 * suites and extensions it lists) and the answers it expects. The server runs as a tlsfuzzer run
 * would start it: `--http` (answers the GET), `--renegotiation secure` (the renegotiation probes),
 * `--dhe` (the DHE probe).
 *
 * Not TLS 1.0 probes, left out: "sanity sha384 prf", "extended master secret w/SHA384 PRF", "EMS with
 * session resume and SHA384 PRF" (TLS 1.2 GCM suite), "sanity TLSv1.1" and "extended master secret in
 * TLSv1.1" (they check ServerHello.version 3.2), "extended master secret w/ECDHE" (no ECDHE here).
 */
import t, { type Test } from 'tap';
import { AlertDescription, EXT, RENEGO_EXT, SUITE } from '../helpers/conformance.js';
import { abbreviatedHandshake, connectScripted, empty, expectServer, fullHandshake, getAndClose, renegotiationInfo, serverExtensions, startUtTlsServer, u16ListExtension } from '../helpers/conformance-wire.js';
import { testPki } from '../helpers/pki.js';
import { loadCertificates, loadPrivateKey } from '../../lib/socket/options.js';

const server = await startUtTlsServer(t, ['--http', '--renegotiation', 'secure', '--dhe']);
const port = server.port;
// test-extended-master-secret-extension-with-client-cert.py: a server asking for a client certificate.
const pki = await testPki();
const certServer = await startUtTlsServer(t, ['--http', '--request-cert', '--ca', pki.caFile]);
const clientChain = loadCertificates(pki.clientCertPem, 'client cert');
const clientKey = loadPrivateKey(pki.clientKeyPem, 'client key');

const FLIGHT = 'hs:2 hs:11 hs:14';
const FINISH = 'ccs hs:20';
const HTTP_ANSWER = /^data:\d+ alert:1\/0 close$/;
const GET_CRLF = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');
const EMS = empty(EXT.extended_master_secret);
const hello = (extensions: { type: number; data: Uint8Array }[], cipherSuites: number[] = [SUITE.RSA_AES_128]) => ({ version: 0x0303, cipherSuites, extensions });

async function sanity(t: Test) {
  const { c } = await connectScripted(t, port);
  const hs = await fullHandshake(c, hello([RENEGO_EXT]));
  t.same(hs, { flight: FLIGHT, finish: FINISH });
  t.same(serverExtensions(c), [EXT.renegotiation_info], 'ExpectServerHello(extensions={renegotiation_info})');
  t.match(await getAndClose(c), HTTP_ANSWER, 'ExpectApplicationData, then the close');
}

t.test('sanity', sanity);

t.test('extended master secret', async (t) => {
  const { c } = await connectScripted(t, port);
  const hs = await fullHandshake(c, hello([RENEGO_EXT, EMS]));
  t.same(hs, { flight: FLIGHT, finish: FINISH }, 'the Finished verify with the extended master secret');
  t.same(serverExtensions(c).sort(), [EXT.extended_master_secret, EXT.renegotiation_info]);
  t.match(await getAndClose(c), HTTP_ANSWER);
});

t.test('extended master secret w/DHE', async (t) => {
  const { c } = await connectScripted(t, port);
  const hs = await fullHandshake(c, hello([RENEGO_EXT, EMS], [SUITE.DHE_RSA_AES_128]));
  t.same(hs, { flight: 'hs:2 hs:11 hs:12 hs:14', finish: FINISH });
  t.same(serverExtensions(c).sort(), [EXT.extended_master_secret, EXT.renegotiation_info]);
  t.match(await getAndClose(c), HTTP_ANSWER);
});

t.test('malformed extended master secret ext', async (t) => {
  const { c } = await connectScripted(t, port);
  c.hello(hello([RENEGO_EXT, { type: EXT.extended_master_secret, data: Uint8Array.of(0) }]));
  const got = await expectServer(c, `alert:2/${AlertDescription.decode_error}`, { close: true });
  t.equal(got.trace, `alert:2/${AlertDescription.decode_error}`, 'ExpectAlert(fatal, decode_error): the extension must be empty (RFC 7627 5.1)');
  t.ok(got.closed, 'ExpectClose');
});

t.test('no EMS by default', async (t) => {
  // The client derives the extended master secret although the server did not agree to it.
  const { c } = await connectScripted(t, port);
  c.hello(hello([RENEGO_EXT]));
  t.equal((await expectServer(c, 'hs:14')).trace, FLIGHT);
  c.keyExchange({ extendedMasterSecret: true });
  c.changeCipherSpec();
  c.finished();
  const got = await expectServer(c, `alert:2/${AlertDescription.bad_record_mac}`, { close: true });
  t.equal(got.trace, `alert:2/${AlertDescription.bad_record_mac}`, 'ExpectAlert(fatal, bad_record_mac): the server used the RFC 2246 master secret');
  t.ok(got.closed);
});

/** A full handshake with these extensions, close_notify both ways, and the session it made. */
async function firstSession(t: Test, extensions: { type: number; data: Uint8Array }[]) {
  const { c, wire } = await connectScripted(t, port);
  t.same(await fullHandshake(c, hello(extensions)), { flight: FLIGHT, finish: FINISH }, 'first connection: full handshake');
  t.match(await getAndClose(c, null), /^alert:1\/0 close$/, 'close_notify answered, connection closed');
  wire.close();
  return c.session();
}

t.test('EMS with session resume', async (t) => {
  const session = await firstSession(t, [RENEGO_EXT, EMS]);
  const { c } = await connectScripted(t, port);
  c.offerSession(session);
  t.equal(await abbreviatedHandshake(c, hello([RENEGO_EXT, EMS])), 'hs:2 ccs hs:20', 'ExpectServerHello(resume=True), CCS, Finished');
  t.ok(c.resumed);
  t.same(serverExtensions(c).sort(), [EXT.extended_master_secret, EXT.renegotiation_info]);
  t.match(await getAndClose(c), HTTP_ANSWER);
});

t.test('EMS with session resume without extension', async (t) => {
  const session = await firstSession(t, [RENEGO_EXT, EMS]);
  const { c } = await connectScripted(t, port);
  c.offerSession(session);
  c.hello(hello([RENEGO_EXT]));
  const got = await expectServer(c, `alert:2/${AlertDescription.handshake_failure}`, { close: true });
  t.equal(got.trace, `alert:2/${AlertDescription.handshake_failure}`, 'ExpectAlert(fatal, handshake_failure): RFC 7627 5.3, the abbreviated handshake is aborted');
  t.ok(got.closed);
});

t.test('resume non-EMS session with EMS extension', async (t) => {
  const session = await firstSession(t, [RENEGO_EXT]);
  const { c } = await connectScripted(t, port);
  c.offerSession(session);
  const hs = await fullHandshake(c, hello([RENEGO_EXT, EMS]));
  t.same(hs, { flight: FLIGHT, finish: FINISH }, 'ExpectServerHello(resume=False): RFC 7627 5.3, a full handshake instead');
  t.notOk(c.resumed);
  t.same(serverExtensions(c).sort(), [EXT.extended_master_secret, EXT.renegotiation_info]);
  t.match(await getAndClose(c), HTTP_ANSWER);
});

for (const [name, first, second] of [
  ['extended master secret with renegotiation', true, true],
  ['renegotiate with EMS in session without EMS', false, true],
  ['renegotiate without EMS in session with EMS', true, false],
] as const) {
  t.test(name, async (t) => {
    const { c } = await connectScripted(t, port);
    t.same(await fullHandshake(c, hello(first ? [RENEGO_EXT, EMS] : [RENEGO_EXT])), { flight: FLIGHT, finish: FINISH });
    c.resetHandshake();
    const hs = await fullHandshake(c, { ...hello(second ? [renegotiationInfo(c), EMS] : [renegotiationInfo(c)]), sessionId: new Uint8Array(0) });
    t.same(hs, { flight: FLIGHT, finish: FINISH }, 'the renegotiation completes');
    t.same(serverExtensions(c).sort(), second ? [EXT.extended_master_secret, EXT.renegotiation_info] : [EXT.renegotiation_info]);
    t.match(await getAndClose(c), HTTP_ANSWER);
  });
}

// The script runs sanity first and last: the server must still be up.
t.test('sanity (again, last)', sanity);

// ---- test-extended-master-secret-extension-with-client-cert.py, TLS 1.0 edition --------------------

// The script's signature_algorithms (sha512 .. md5 with RSA) and signature_algorithms_cert: ignored at TLS 1.0.
const SIG_EXTS = [u16ListExtension(13, [0x0601, 0x0501, 0x0401, 0x0301, 0x0201, 0x0101]), u16ListExtension(50, [0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0601, 0x0501, 0x0401, 0x0301, 0x0201])];
const CERT_FLIGHT = 'hs:2 hs:11 hs:13 hs:14';

/** Hello .. ServerHelloDone with CertificateRequest, then Certificate, CKE, [CertificateVerify], CCS, Finished. */
async function withClientCertificate(t: Test, send: boolean, extensions: { type: number; data: Uint8Array }[], cipherSuites: number[]) {
  const { c, wire } = await connectScripted(t, certServer.port);
  c.hello({ version: 0x0303, cipherSuites, extensions });
  t.equal((await expectServer(c, 'hs:14')).trace, CERT_FLIGHT, 'ExpectCertificateRequest');
  t.same(serverExtensions(c).sort(), [EXT.extended_master_secret, EXT.renegotiation_info]);
  c.certificate(send ? clientChain : []);
  c.keyExchange();
  if (send) c.certificateVerify(clientKey);
  c.changeCipherSpec();
  c.finished();
  t.equal((await expectServer(c, 'hs:20')).trace, FINISH, 'the Finished verify: the session hash ends at ClientKeyExchange');
  return { c, wire };
}

t.test('with-client-cert, TLS 1.0 edition: sanity (empty Certificate)', async (t) => {
  const { c } = await withClientCertificate(t, false, [...SIG_EXTS, EMS], [SUITE.RSA_AES_128, SUITE.SCSV]);
  t.match(await getAndClose(c), HTTP_ANSWER);
});

t.test('with-client-cert, TLS 1.0 edition: with certificate', async (t) => {
  const { c } = await withClientCertificate(t, true, [...SIG_EXTS, EMS], [SUITE.RSA_AES_128, SUITE.SCSV]);
  t.match(await getAndClose(c), HTTP_ANSWER);
});

t.test('with-client-cert, TLS 1.0 edition: resume with certificate and EMS', async (t) => {
  const one = await withClientCertificate(t, true, [...SIG_EXTS, EMS], [SUITE.RSA_AES_128, SUITE.SCSV]);
  t.match(await getAndClose(one.c, GET_CRLF), HTTP_ANSWER);
  one.wire.close();
  const { c } = await connectScripted(t, certServer.port);
  c.offerSession(one.c.session());
  t.equal(await abbreviatedHandshake(c, hello([...SIG_EXTS, EMS, RENEGO_EXT])), 'hs:2 ccs hs:20', 'ExpectServerHello(resume=True): no CertificateRequest on resumption');
  t.ok(c.resumed);
  t.same(serverExtensions(c).sort(), [EXT.extended_master_secret, EXT.renegotiation_info]);
  t.match(await getAndClose(c), HTTP_ANSWER);
});
