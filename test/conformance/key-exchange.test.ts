/**
 * ClientKeyExchange as tlsfuzzer probes it: test-bleichenbacher-workaround.py (every PKCS#1 defect is
 * silent until Finished, then bad_record_mac, for each of our RSA suites), test-invalid-rsa-key-exchange-messages.py,
 * test-truncating-of-kRSA-client-key-exchange.py, test-dhe-rsa-key-exchange.py and
 * test-dhe-rsa-key-exchange-with-bad-messages.py (every case; "invalid dh_Yc value - 0" in both encodings
 * tlslite-ng has used: one zero byte, illegal_parameter, and the empty vector, decode_error; see
 * docs/conformance.md #3).
 */
import t from 'tap';
import { bigIntToBytes } from '../../lib/crypto/bigint.js';
import { AlertDescription, HandshakeType, SUITE, ScriptedClient, resizeHandshake, startServer, trace, type KeyExchangeOptions } from '../helpers/conformance.js';

const fatal = (d: number): string => `alert:2/${d}`;
const BAD_MAC = fatal(AlertDescription.bad_record_mac);

/**
 * tlsfuzzer's bad-premaster probe: CKE, then (after checking the server stays silent, "with wait")
 * CCS and Finished; the answer must be exactly one fatal bad_record_mac.
 */
async function badPremaster(suite: number, kx: KeyExchangeOptions): Promise<string> {
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.helloAndFlight({ cipherSuites: [suite] });
  c.keyExchange(kx);
  const afterKx = trace(c.readServer());
  c.changeCipherSpec();
  const afterCcs = trace(c.readServer());
  c.finished();
  const end = trace(c.readServer());
  return `${afterKx}|${afterCcs}|${end}`;
}

const SILENT_THEN_BAD_MAC = `||${BAD_MAC}`;

t.test('test-bleichenbacher-workaround.py: PKCS#1 defects are silent until Finished, then bad_record_mac', async (t) => {
  const bad: string[] = [];
  for (const suite of [SUITE.RSA_AES_128, SUITE.RSA_AES_256, SUITE.RSA_3DES, SUITE.RSA_RC4_SHA]) {
    const cases: [string, KeyExchangeOptions][] = [
      ['set PKCS#1 padding type to 3', { paddingSubstitutions: new Map([[1, 3]]) }],
      ['set PKCS#1 padding type to 1', { paddingSubstitutions: new Map([[1, 1]]) }],
      ['zero byte in random padding', { paddingSubstitutions: new Map([[4, 0]]) }],
      ['zero byte in last byte of random padding', { paddingSubstitutions: new Map([[-2, 0]]) }],
      ['zero byte in first byte of random padding', { paddingSubstitutions: new Map([[2, 0]]) }],
      ['invalid version number in padding', { paddingSubstitutions: new Map([[0, 1]]) }],
      ['no null separator in padding', { paddingSubstitutions: new Map([[-1, 1]]) }],
      ['no null separator in encrypted value', { paddingSubstitutions: new Map([[-1, 1]]), premaster: new Uint8Array(48).fill(1) }],
      ['two byte long PMS (TLS version only)', { premaster: Uint8Array.of(3, 1) }],
      ['no encrypted value', { paddingSubstitutions: new Map([[-1, 1]]), premaster: Uint8Array.of(3, 1, 0) }],
      ['one byte encrypted value', { paddingSubstitutions: new Map([[-1, 1]]), premaster: Uint8Array.of(3, 1, 0, 3) }],
      ['too short (47-byte) pre master secret', { premaster: new Uint8Array(47).fill(1) }],
      ['very short (4-byte) pre master secret', { premaster: new Uint8Array(4).fill(1) }],
      ['too long (49-byte) pre master secret', { premaster: new Uint8Array(49).fill(1) }],
      ['wrong TLS version (2, 2) in pre master secret', { premasterVersion: 0x0202 }],
      ['wrong TLS version (0, 0) in pre master secret', { premasterVersion: 0x0000 }],
    ];
    for (const [name, kx] of cases) {
      const got = await badPremaster(suite, kx);
      if (got !== SILENT_THEN_BAD_MAC) bad.push(`${name} (suite ${suite}): ${got}`);
    }
  }
  t.same(bad, []);
});

t.test('test-bleichenbacher-workaround.py: a static non-zero byte in the random padding is still a valid block', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.helloAndFlight({ cipherSuites: [SUITE.RSA_AES_128] });
  t.equal(trace(c.finishHandshake({ paddingSubstitutions: new Map([[2, 1]]) })), 'ccs hs:20');
});

t.test('test-invalid-rsa-key-exchange-messages.py: all-zero or modulus-valued ciphertext -> bad_record_mac at Finished', async (t) => {
  for (const size of [128, 256, 384, 512]) {
    t.equal(await badPremaster(SUITE.RSA_AES_128, { encrypted: new Uint8Array(size) }), SILENT_THEN_BAD_MAC, `encrypted premaster set to all zero (${size})`);
  }
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.helloAndFlight({ cipherSuites: [SUITE.RSA_AES_128] });
  const n = bigIntToBytes(c.serverKey!.n, c.serverKey!.size);
  c.keyExchange({ encrypted: n });
  c.changeCipherSpec();
  c.finished();
  t.equal(trace(c.readServer()), BAD_MAC, 'modulus as encrypted premaster');
});

t.test('test-truncating-of-kRSA-client-key-exchange.py: padded or truncated CKE -> an alert at once', async (t) => {
  for (const [name, delta] of [
    ['padded Client Key Exchange', 1],
    ['truncated Client Key Exchange', -1],
  ] as const) {
    const s = await startServer();
    const c = new ScriptedClient(s);
    c.helloAndFlight({ cipherSuites: [SUITE.RSA_AES_128] });
    c.keyExchange({ editBody: (body) => resizeHandshake(new Uint8Array([HandshakeType.client_key_exchange, 0, body.length >> 8, body.length & 0xff, ...body]), delta).subarray(4) });
    t.equal(trace(c.readServer()), fatal(AlertDescription.decode_error), name);
  }
});

const DHE_SERVER = { cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA'] };

t.test('test-dhe-rsa-key-exchange.py: DHE_RSA sanity', async (t) => {
  const s = await startServer(DHE_SERVER);
  const c = new ScriptedClient(s);
  t.equal(trace(c.handshake({ cipherSuites: [SUITE.DHE_RSA_AES_128] })), 'hs:2 hs:11 hs:12 hs:14 ccs hs:20');
  t.equal(c.dhParams!.p.length, 256, 'a 2048-bit group');
});

t.test('test-dhe-rsa-key-exchange-with-bad-messages.py: publicly invalid dh_Yc -> illegal_parameter; bad length -> decode_error', async (t) => {
  const dheCase = async (kx: KeyExchangeOptions): Promise<string> => {
    const s = await startServer(DHE_SERVER);
    const c = new ScriptedClient(s);
    c.helloAndFlight({ cipherSuites: [SUITE.DHE_RSA_AES_128] });
    const p = c.dhParams!.p;
    const pMinus1 = p.slice();
    pMinus1[pMinus1.length - 1]! -= 1;
    const resolved = typeof kx.dhYc === 'undefined' ? kx : { ...kx, dhYc: kx.dhYc.length === 1 && kx.dhYc[0] === 0xee ? p : kx.dhYc.length === 1 && kx.dhYc[0] === 0xef ? pMinus1 : kx.dhYc };
    c.keyExchange(resolved);
    c.changeCipherSpec();
    c.finished();
    return trace(c.readServer());
  };
  const pow8192 = new Uint8Array(1025);
  pow8192[0] = 1;
  t.equal(await dheCase({ dhYc: pow8192 }), fatal(AlertDescription.illegal_parameter), 'invalid dh_Yc value - 8192b');
  t.equal(await dheCase({ dhYc: Uint8Array.of(1) }), fatal(AlertDescription.illegal_parameter), 'invalid dh_Yc value - 1');
  // tlslite-ng's int_to_bytes(0) is one zero byte (CKE body 00 01 00): well formed, Yc = 0 out of range.
  t.equal(await dheCase({ dhYc: Uint8Array.of(0) }), fatal(AlertDescription.illegal_parameter), 'invalid dh_Yc value - 0 (one zero byte)');
  // Older tlslite-ng encoded 0 as no bytes (CKE body 00 00): dh_Yc<1..2^16-1> is broken, decode_error as OpenSSL answers.
  t.equal(await dheCase({ dhYc: new Uint8Array(0) }), fatal(AlertDescription.decode_error), 'empty dh_Yc (body 00 00)');
  t.equal(await dheCase({ dhYc: Uint8Array.of(0xee) }), fatal(AlertDescription.illegal_parameter), 'invalid dh_Yc value - p');
  t.equal(await dheCase({ dhYc: Uint8Array.of(0xef) }), fatal(AlertDescription.illegal_parameter), 'invalid dh_Yc value - p-1');
  const edit = (delta: number) => (body: Uint8Array) => resizeHandshake(new Uint8Array([16, 0, body.length >> 8, body.length & 0xff, ...body]), delta).subarray(4);
  t.equal(await dheCase({ editBody: edit(-1) }), fatal(AlertDescription.decode_error), 'truncated dh_Yc value');
  t.equal(await dheCase({ editBody: edit(1) }), fatal(AlertDescription.decode_error), 'padded Client Key Exchange');
});
