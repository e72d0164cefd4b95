/**
 * tlsfuzzer's test-dhe-rsa-key-exchange-with-bad-messages.py against a real `ut-tls server --dhe`
 * (the in-memory run is in key-exchange.test.ts): dh_Yc = 2^8192, 0 and 1 get illegal_parameter, a
 * truncated or padded ClientKeyExchange decode_error; and the empty dh_Yc (body 00 00) that older
 * tlslite-ng releases send for 0 gets decode_error (docs/conformance.md #3). The script buffers CKE, CCS
 * and Finished into one TCP write (TCPBufferingEnable): so do we.
 */
import t, { type Test } from 'tap';
import { AlertDescription, RENEGO_EXT, SUITE, resizeHandshake, type KeyExchangeOptions } from '../helpers/conformance.js';
import { connectScripted, expectServer, fullHandshake, getAndClose, startUtTlsServer } from '../helpers/conformance-wire.js';

const server = await startUtTlsServer(t, ['--http', '--dhe']);
const hello = { version: 0x0303, cipherSuites: [SUITE.DHE_RSA_AES_128], extensions: [RENEGO_EXT] };

async function badKeyExchange(t: Test, kx: KeyExchangeOptions, alert: number, what: string) {
  const { c, wire } = await connectScripted(t, server.port);
  c.hello(hello);
  t.equal((await expectServer(c, 'hs:14')).trace, 'hs:2 hs:11 hs:12 hs:14');
  wire.hold();
  c.keyExchange(kx);
  c.changeCipherSpec();
  c.finished();
  wire.flush();
  const got = await expectServer(c, `alert:2/${alert}`, { close: true });
  t.equal(got.trace, `alert:2/${alert}`, what);
  t.ok(got.closed, 'ExpectClose');
}

const resize = (delta: number) => (body: Uint8Array) => resizeHandshake(Uint8Array.of(16, 0, body.length >> 8, body.length & 0xff, ...body), delta).subarray(4);
const pow8192 = new Uint8Array(1025);
pow8192[0] = 1;

t.test('sanity', async (t) => {
  const { c } = await connectScripted(t, server.port);
  t.same(await fullHandshake(c, hello), { flight: 'hs:2 hs:11 hs:12 hs:14', finish: 'ccs hs:20' });
  t.match(await getAndClose(c), /^data:\d+ alert:1\/0 close$/);
});
t.test('invalid dh_Yc value - 8192b', (t) => badKeyExchange(t, { dhYc: pow8192 }, AlertDescription.illegal_parameter, 'ExpectAlert(fatal, illegal_parameter)'));
t.test('invalid dh_Yc value - 0 (one zero byte, current tlslite-ng)', (t) => badKeyExchange(t, { dhYc: Uint8Array.of(0) }, AlertDescription.illegal_parameter, 'ExpectAlert(fatal, illegal_parameter)'));
t.test('invalid dh_Yc value - 0 (empty vector, older tlslite-ng)', (t) => badKeyExchange(t, { dhYc: new Uint8Array(0) }, AlertDescription.decode_error, 'decode_error: dh_Yc<1..2^16-1> (the script expects illegal_parameter here: -x)'));
t.test('invalid dh_Yc value - 1', (t) => badKeyExchange(t, { dhYc: Uint8Array.of(1) }, AlertDescription.illegal_parameter, 'ExpectAlert(fatal, illegal_parameter)'));
t.test('truncated dh_Yc value', (t) => badKeyExchange(t, { editBody: resize(-1) }, AlertDescription.decode_error, 'ExpectAlert(fatal, decode_error)'));
t.test('padded Client Key Exchange', (t) => badKeyExchange(t, { editBody: resize(1) }, AlertDescription.decode_error, 'ExpectAlert(fatal, decode_error)'));
t.test('sanity (again, last)', async (t) => {
  const { c } = await connectScripted(t, server.port);
  t.same(await fullHandshake(c, hello), { flight: 'hs:2 hs:11 hs:12 hs:14', finish: 'ccs hs:20' });
  t.match(await getAndClose(c), /^data:\d+ alert:1\/0 close$/);
});
