/**
 * tlsfuzzer expectations the server once missed (docs/conformance.md, "Divergences"), kept as
 * regression tests. Each comment names the script and case and the rule now in force.
 */
import t from 'tap';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { concatBytes } from '../../lib/util/bytes.js';
import { AlertDescription, AlertLevel, ContentType, EXT, RENEGO_EXT, SUITE, ScriptedClient, resizeHandshake, startServer, trace } from '../helpers/conformance.js';

const fatal = (d: number): string => `alert:2/${d}`;
const FLIGHT = 'hs:2 hs:11 hs:14';

// 1. test-ccs.py "two bytes long CCS": ExpectAlert(fatal, unexpected_message).
t.test('test-ccs.py: a two-byte ChangeCipherSpec -> unexpected_message', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.helloAndFlight({ cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV] });
  c.keyExchange();
  c.sendRecord(ContentType.change_cipher_spec, Uint8Array.of(1, 1));
  t.equal(trace(c.readServer()), fatal(AlertDescription.unexpected_message));
});

// 2. test-truncating-of-client-hello.py "max pad: 16777167 of "0" byte padding": the message is
//    announced 2^24-1 bytes long and sent in 2^14 records; ExpectAlert(fatal, decode_error), either at
//    once or after all records. Was: illegal_parameter as soon as the header is seen
//    (lib/record/handshake-reassembler.ts HandshakeReassembler.next, maxMessageLength 256 KiB).
t.test('test-truncating-of-client-hello.py: max pad (2^24-1 bytes announced) -> decode_error', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  // The first 2^14-byte record is enough for the server to decide; tlsfuzzer accepts an answer here.
  c.hello({ version: 0x0303, cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT] }, { edit: (raw) => resizeHandshake(raw, 2 ** 24 - 1 - 48).subarray(0, 2 ** 14) });
  t.equal(trace(c.readServer()), fatal(AlertDescription.decode_error));
});

// 3. test-dhe-rsa-key-exchange-with-bad-messages.py "invalid dh_Yc value - 0": tlslite-ng encodes Yc = 0
//    as one zero byte and expects fatal(illegal_parameter) (the script's -a default 47, shared with the
//    1, p and p-1 cases). An empty dh_Yc (CKE body 00 00) breaks dh_Yc<1..2^16-1>: tlsfuzzer expects
//    decode_error, as OpenSSL answers. Was: the empty vector was read as 0 (illegal_parameter).
t.test('test-dhe-rsa-key-exchange-with-bad-messages.py: dh_Yc = 0 (one zero byte) -> illegal_parameter', async (t) => {
  const s = await startServer({ cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA'] });
  const c = new ScriptedClient(s);
  c.helloAndFlight({ cipherSuites: [SUITE.DHE_RSA_AES_128] });
  c.keyExchange({ dhYc: Uint8Array.of(0) });
  c.changeCipherSpec();
  c.finished();
  t.equal(trace(c.readServer()), fatal(AlertDescription.illegal_parameter));
});

t.test('test-dhe-rsa-key-exchange-with-bad-messages.py: empty dh_Yc (CKE body 00 00) -> decode_error', async (t) => {
  const s = await startServer({ cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA'] });
  const c = new ScriptedClient(s);
  c.helloAndFlight({ cipherSuites: [SUITE.DHE_RSA_AES_128] });
  c.keyExchange({ dhYc: new Uint8Array(0) });
  c.changeCipherSpec();
  c.finished();
  t.equal(trace(c.readServer()), fatal(AlertDescription.decode_error));
});

// 4. test-invalid-server-name-extension.py "SNI name with NULL" / "with BEL" / "with UTF-8" / "with ANSI
//    color escapes code", and test-invalid-server-name-extension-resumption.py "Sanity check, bad SNI":
//    a host_name that is not a valid DNS name -> ExpectAlert(fatal, illegal_parameter). Was: any UTF-8
//    name is accepted (lib/messages/extensions/server-name.ts decodeServerNameList only checks UTF-8;
//    isValidHostName is used for sending only), so the handshake goes on.
t.test('test-invalid-server-name-extension.py: host_name with NUL, BEL, non-ASCII or ESC -> illegal_parameter', async (t) => {
  const names: [string, Uint8Array][] = [
    ['SNI name with NULL', new TextEncoder().encode('localhos\u0000t')],
    ['SNI name with BEL', new TextEncoder().encode('localhos\u0007t')],
    ['SNI name with UTF-8', Uint8Array.of(...new TextEncoder().encode('localhos'), 0xc4, 0x85, 0x74)],
    ['SNI name with ANSI color escapes code', new TextEncoder().encode('localhost\u001b[31mBAD\u001b[0;37m')],
    ['Sanity check, bad SNI (resumption script)', new TextEncoder().encode('localhost4\u0000')],
  ];
  for (const [name, host] of names) {
    for (const options of [{}, { selectContext: () => undefined }]) {
      const s = await startServer(options);
      const c = new ScriptedClient(s);
      const entry = concatBytes(Uint8Array.of(0, host.length >> 8, host.length & 0xff), host);
      const data = concatBytes(Uint8Array.of(entry.length >> 8, entry.length & 0xff), entry);
      c.hello({ version: 0x0303, cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV], extensions: [{ type: EXT.server_name, data }] });
      t.equal(trace(c.readServer()), fatal(AlertDescription.illegal_parameter), `${name}${'selectContext' in options ? ' (virtual hosts)' : ''}`);
    }
  }
});

// 4b. test-invalid-server-name-extension-resumption.py "session resume with malformed SNI".
t.test('test-invalid-server-name-extension-resumption.py: resuming with a malformed SNI -> illegal_parameter', async (t) => {
  const store = new MemorySessionStore();
  const sni = (host: Uint8Array) => {
    const entry = concatBytes(Uint8Array.of(0, host.length >> 8, host.length & 0xff), host);
    return { type: EXT.server_name, data: concatBytes(Uint8Array.of(entry.length >> 8, entry.length & 0xff), entry) };
  };
  const s1 = await startServer({ sessionStore: store });
  const c1 = new ScriptedClient(s1);
  c1.handshake({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(32), extensions: [RENEGO_EXT, sni(new TextEncoder().encode('localhost4'))] });
  c1.alert(AlertLevel.warning, AlertDescription.close_notify);
  c1.readServer();
  const s2 = await startServer({ sessionStore: store });
  const c2 = new ScriptedClient(s2);
  c2.offerSession(c1.session());
  c2.hello({ cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT, sni(new TextEncoder().encode('localhost4\u0000'))] });
  t.equal(trace(c2.readServer()), fatal(AlertDescription.illegal_parameter));
});

// 6. test-ssl-death-alert.py "SSL Death Alert with getting alert" (CVE-2016-8610; default --alerts 4):
//    five warning alerts in a row during the handshake -> a fatal alert (any description) after the
//    server's flight. Was: every warning is accepted and reported (lib/engine/connection.ts
//    Connection.handleAlerts has no count; OpenSSL aborts on the 5th consecutive warning).
t.test('test-ssl-death-alert.py: five consecutive warning alerts -> a fatal alert', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.hello({ version: 0x0303, cipherSuites: [SUITE.RSA_AES_128] });
  for (let i = 0; i < 5; i++) c.alert(AlertLevel.warning, AlertDescription.unsupported_certificate);
  const events = c.readServer();
  t.equal(trace(events.slice(0, 3)), FLIGHT);
  t.match(events[3], { kind: 'alert', level: AlertLevel.fatal }, 'ExpectAlert(fatal, any)');
  t.ok(s.conn.closed);
});

// 7. test-ffdhe-negotiation.py (RFC 7919): "ffdhe2048 negotiation" expects the ffdhe2048 prime in
//    ServerKeyExchange when the client lists ffdhe2048 in supported_groups; "fallback to non-ffdhe"
//    expects an RSA suite when it lists only FFDHE groups we do not have (lib/engine/server.ts
//    ServerFlow.selectSuite and sendServerKeyExchange). Was: supported_groups ignored.
t.test('test-ffdhe-negotiation.py: ffdhe2048 from supported_groups; no common group -> non-DHE suite', async (t) => {
  const { FFDHE2048, dhGroupBytes } = await import('../../lib/crypto/dh.js');
  const groups = (...ids: number[]) => ({ type: 10, data: Uint8Array.of(0, ids.length * 2, ...ids.flatMap((g) => [g >> 8, g & 0xff])) });
  {
    const s = await startServer({ cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA'] });
    const c = new ScriptedClient(s);
    c.helloAndFlight({ cipherSuites: [SUITE.DHE_RSA_AES_128], extensions: [RENEGO_EXT, groups(256)] });
    t.same(c.dhParams?.p, dhGroupBytes(FFDHE2048).p, 'ffdhe2048 negotiation');
  }
  {
    const s = await startServer({ cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA'] });
    const c = new ScriptedClient(s);
    c.helloAndFlight({ cipherSuites: [SUITE.RSA_AES_128, SUITE.DHE_RSA_AES_128], extensions: [RENEGO_EXT, groups(511)] });
    t.equal(c.serverHello?.cipherSuite, SUITE.RSA_AES_128, 'fallback to non-ffdhe');
  }
});

// 9. test-interleaved-application-data-in-renegotiation.py "Application data before Finished"
//    (renegotiation: 'secure'): after the client's ChangeCipherSpec of a renegotiation, an application
//    data record instead of Finished -> ExpectAlert() (any fatal alert) or close. RFC 2246 7.4.9: Finished
//    is the first message after ChangeCipherSpec. Was: the record is decrypted with the new keys and
//    delivered to the application, and the handshake waits on (lib/engine/connection.ts
//    Connection.handleRecord accepts application_data whenever phase === 'open', which stays true
//    during a renegotiation; the initial handshake is covered because phase is 'handshaking' there).
t.test("test-interleaved-application-data-in-renegotiation.py: application data between CCS and Finished of a renegotiation -> fatal alert", async (t) => {
  const s = await startServer({ renegotiation: 'secure' });
  const c = new ScriptedClient(s);
  c.handshake({ cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT] });
  const info = { type: 0xff01, data: Uint8Array.of(c.clientVerifyData.length, ...c.clientVerifyData) };
  c.resetHandshake();
  c.hello({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(0), extensions: [info] });
  t.equal(trace(c.readServer()), FLIGHT);
  c.keyExchange();
  c.changeCipherSpec();
  c.appData(new TextEncoder().encode('GET / HTTP/1.0'));
  const events = c.readServer();
  t.match(events[0], { kind: 'alert', level: AlertLevel.fatal }, 'ExpectAlert()');
  t.same(s.data, [], 'nothing delivered to the application');
  t.ok(s.conn.closed);
});

// 9b. test-interleaved-application-data-and-fragmented-handshakes-in-renegotiation.py "Application data
//     inside Finished": the renegotiation's Finished split (first 10 bytes), then application data ->
//     ExpectAlert() or close. Same root cause as 9 (application data accepted while a renegotiation
//     waits for Finished; lib/engine/connection.ts Connection.handleRecord).
t.test('test-interleaved-application-data-and-fragmented-handshakes-in-renegotiation.py: application data inside a fragmented Finished -> fatal alert', async (t) => {
  const s = await startServer({ renegotiation: 'secure' });
  const c = new ScriptedClient(s);
  c.handshake({ cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT] });
  const info = { type: 0xff01, data: Uint8Array.of(c.clientVerifyData.length, ...c.clientVerifyData) };
  c.resetHandshake();
  c.hello({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(0), extensions: [info] });
  t.equal(trace(c.readServer()), FLIGHT);
  c.keyExchange();
  c.changeCipherSpec();
  c.finished({ fragment: 10, between: () => c.appData(new TextEncoder().encode('GET / HTTP/1.0')) });
  const events = c.readServer();
  t.match(events[0], { kind: 'alert', level: AlertLevel.fatal }, 'ExpectAlert()');
  t.same(s.data, [], 'nothing delivered to the application');
});
