/**
 * tlsfuzzer's test-encrypt-then-mac.py and test-encrypt-then-mac-renegotiation.py (RFC 7366; the
 * second is CVE-2017-3733, EtM switched on by a renegotiation) against a real `ut-tls server`, with
 * and without `-d` (the script then offers ECDHE and DHE with supported_groups and signature
 * algorithms). The scripted client writes and reads EtM records itself once the server agreed, so
 * a server that agreed but kept MAC-then-encrypt (or the reverse) fails with bad_record_mac.
 * All the scripts' probes apply to TLS 1.0 (none checks the ServerHello version).
 */
import t, { type Test } from 'tap';
import { AlertDescription, EXT, RENEGO_EXT, SUITE } from '../helpers/conformance.js';
import { connectScripted, dheExtensions, empty, expectServer, fullHandshake, getAndClose, renegotiationInfo, serverExtensions, startUtTlsServer } from '../helpers/conformance-wire.js';

const server = await startUtTlsServer(t, ['--http', '--renegotiation', 'secure', '--dhe']);
const port = server.port;

const FINISH = 'ccs hs:20';
const HTTP_ANSWER = /^data:\d+ alert:1\/0 close$/;
const ETM = empty(EXT.encrypt_then_mac);
type Ext = { type: number; data: Uint8Array };

for (const dhe of [false, true]) {
  const suites: number[] = dhe ? [SUITE.ECDHE_RSA_AES_128, SUITE.DHE_RSA_AES_128, SUITE.SCSV] : [SUITE.RSA_AES_128, SUITE.SCSV];
  const flight = dhe ? 'hs:2 hs:11 hs:12 hs:14' : 'hs:2 hs:11 hs:14';
  const withDhe = (ext: Ext[]): Ext[] => (dhe ? [...ext, ...dheExtensions()] : ext);
  const hello = (ext: Ext[], cipherSuites = suites) => ({ version: 0x0303, cipherSuites, extensions: withDhe(ext) });
  const tag = dhe ? ' (-d)' : '';

  t.test(`test-encrypt-then-mac.py${tag}: sanity`, async (t) => {
    const { c } = await connectScripted(t, port);
    t.same(await fullHandshake(c, hello([])), { flight, finish: FINISH });
    t.same(serverExtensions(c), [EXT.renegotiation_info], 'no encrypt_then_mac when not asked');
    t.match(await getAndClose(c, new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n')), HTTP_ANSWER);
  });

  t.test(`test-encrypt-then-mac.py${tag}: Encrypt-then-MAC smoke test`, async (t) => {
    const { c } = await connectScripted(t, port);
    t.same(await fullHandshake(c, hello([ETM])), { flight, finish: FINISH }, 'Finished both ways under EtM records');
    t.same(serverExtensions(c).sort((a, b) => a - b), [EXT.encrypt_then_mac, EXT.renegotiation_info], 'ExpectServerHello(extensions={encrypt_then_mac, renegotiation_info})');
    t.match(await getAndClose(c, new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n')), HTTP_ANSWER, 'the page arrives in an EtM record');
  });

  t.test(`test-encrypt-then-mac-renegotiation.py${tag}: sanity (EtM)`, async (t) => {
    const { c } = await connectScripted(t, port);
    t.same(await fullHandshake(c, hello([ETM])), { flight, finish: FINISH });
    t.ok(c.serverAgreed(EXT.encrypt_then_mac));
    t.match(await getAndClose(c, new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n')), HTTP_ANSWER);
  });

  t.test(`test-encrypt-then-mac-renegotiation.py${tag}: Encrypt-then-MAC renegotiation crash`, async (t) => {
    const { c } = await connectScripted(t, port);
    const noScsv = suites.filter((s) => s !== SUITE.SCSV);
    t.same(await fullHandshake(c, hello([RENEGO_EXT], noScsv)), { flight, finish: FINISH }, '1st handshake without encrypt_then_mac');
    t.notOk(c.serverAgreed(EXT.encrypt_then_mac));
    c.resetHandshake();
    const second = await fullHandshake(c, { ...hello([ETM, renegotiationInfo(c)], noScsv), sessionId: new Uint8Array(0) });
    t.same(second, { flight, finish: FINISH }, '2nd handshake with encrypt_then_mac: the new keys use EtM');
    t.same(serverExtensions(c).sort((a, b) => a - b), [EXT.encrypt_then_mac, EXT.renegotiation_info]);
    t.match(await getAndClose(c, new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n')), HTTP_ANSWER, 'ExpectApplicationData, then ExpectAlert(warning, close_notify)');
  });
}

// RFC 7366 3, not a tlsfuzzer probe: a stream cipher gets no encrypt_then_mac answer, and the records
// stay MAC-then-encrypt (the scripted client follows the ServerHello).
t.test('RFC 7366 3: encrypt_then_mac asked with RC4 only: not agreed, the handshake completes', async (t: Test) => {
  const { c } = await connectScripted(t, port);
  t.same(await fullHandshake(c, { version: 0x0303, cipherSuites: [SUITE.RSA_RC4_SHA], extensions: [ETM, RENEGO_EXT] }), { flight: 'hs:2 hs:11 hs:14', finish: FINISH });
  t.same(serverExtensions(c), [EXT.renegotiation_info]);
  t.match(await getAndClose(c), HTTP_ANSWER);
});

// And the record layer checks the MAC over the ciphertext first: a flipped ciphertext byte is bad_record_mac.
t.test('RFC 7366 3: an EtM record with a flipped ciphertext byte gets bad_record_mac', async (t: Test) => {
  const { c } = await connectScripted(t, port);
  t.same(await fullHandshake(c, { version: 0x0303, cipherSuites: [SUITE.RSA_AES_128], extensions: [ETM, RENEGO_EXT] }), { flight: 'hs:2 hs:11 hs:14', finish: FINISH });
  c.appData(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'), { cipherXor: [-1, 0x01] });
  const got = await expectServer(c, `alert:2/${AlertDescription.bad_record_mac}`, { close: true });
  t.equal(got.trace, `alert:2/${AlertDescription.bad_record_mac}`);
  t.ok(got.closed);
});

// test-atypical-padding.py's paddings under EtM (ours: the script runs MAC-then-encrypt): long
// padding is accepted; a padding byte that disagrees, under a valid MAC over the ciphertext, is
// bad_record_mac (RFC 7366 3 decrypts only after the MAC, then checks the padding as RFC 2246 6.2.3.2).
for (const [what, seal, expect] of [
  // "GET / HTTP/1.0\r\n\r\n" is 18 bytes: 18 + padLength + 1 must be a multiple of 16.
  ['254 bytes of padding (padLength 253, the largest that aligns) are accepted', { padLength: 253 }, 'page'],
  ['a wrong padding byte under a valid MAC gets bad_record_mac', { padXor: [-2, 0x01] as [number, number], padLength: 13 }, 'bad_record_mac'],
] as const) {
  t.test(`EtM records: ${what}`, async (t: Test) => {
    const { c } = await connectScripted(t, port);
    t.same(await fullHandshake(c, { version: 0x0303, cipherSuites: [SUITE.RSA_AES_128], extensions: [ETM, RENEGO_EXT] }), { flight: 'hs:2 hs:11 hs:14', finish: FINISH });
    t.ok(c.serverAgreed(EXT.encrypt_then_mac));
    c.appData(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'), seal);
    if (expect === 'page') {
      t.match((await expectServer(c, 'alert:1/0', { close: true })).trace, /^data:\d+ alert:1\/0$/);
    } else {
      const got = await expectServer(c, `alert:2/${AlertDescription.bad_record_mac}`, { close: true });
      t.equal(got.trace, `alert:2/${AlertDescription.bad_record_mac}`);
    }
  });
}
