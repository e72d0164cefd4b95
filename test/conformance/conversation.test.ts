/**
 * tlsfuzzer's "sanity" conversation (test-conversation.py and the first probe of every script) against
 * the server, for each suite TS 33.141 lets the AP use, plus the variants several scripts share:
 * zero-length application data (test-zero-length-data.py), close_notify answered with close_notify,
 * version tolerance (test-version-numbers.py, TLS 1.0 edition) and record versions (test-fallback-scsv.py).
 */
import t from 'tap';
import { AlertDescription, AlertLevel, RENEGO_EXT, SUITE, ScriptedClient, startServer, trace } from '../helpers/conformance.js';

const GET = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');

for (const [name, id] of [
  ['TLS_RSA_WITH_AES_128_CBC_SHA', SUITE.RSA_AES_128],
  ['TLS_RSA_WITH_AES_256_CBC_SHA', SUITE.RSA_AES_256],
  ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', SUITE.RSA_3DES],
  ['TLS_RSA_WITH_RC4_128_SHA', SUITE.RSA_RC4_SHA],
] as const) {
  t.test(`test-conversation.py sanity: ${name}, GET, close_notify answered`, async (t) => {
    const s = await startServer();
    const c = new ScriptedClient(s);
    const events = c.handshake({ cipherSuites: [id, SUITE.SCSV] });
    t.equal(trace(events), 'hs:2 hs:11 hs:14 ccs hs:20', 'ServerHello Certificate ServerHelloDone, then CCS Finished');
    t.equal(c.serverHello!.version, 0x0301);
    t.equal(c.serverHello!.cipherSuite, id);
    t.same(c.serverHello!.extensions, [{ type: 0xff01, data: Uint8Array.of(0) }], 'only the empty renegotiation_info (answer to the SCSV)');
    t.ok(s.completed);
    c.appData(GET);
    t.same(s.data.map((d) => new TextDecoder().decode(d)), ['GET / HTTP/1.0\r\n\r\n']);
    s.conn.write(new TextEncoder().encode('HTTP/1.0 200 OK\r\n\r\n'));
    t.equal(trace(c.readServer()), 'data:19', 'one application data record back (no 1/n-1 split by the server)');
    c.alert(AlertLevel.warning, AlertDescription.close_notify);
    t.equal(trace(c.readServer()), `alert:1/0`, 'ExpectAlert(warning, close_notify)');
    t.ok(s.peerClosed);
    t.ok(s.conn.closed, 'ExpectClose: the engine is done');
    t.same(s.errors, []);
  });
}

t.test('test-conversation.py -d: TLS_DHE_RSA_WITH_AES_128_CBC_SHA with ServerKeyExchange', async (t) => {
  const s = await startServer({ cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA'] });
  const c = new ScriptedClient(s);
  const events = c.handshake({ cipherSuites: [0xc014, SUITE.DHE_RSA_AES_128, SUITE.SCSV] });
  t.equal(trace(events), 'hs:2 hs:11 hs:12 hs:14 ccs hs:20');
  t.equal(c.serverHello!.cipherSuite, SUITE.DHE_RSA_AES_128);
  c.appData(GET);
  t.equal(s.data.length, 1);
  t.same(s.errors, []);
});

t.test('test-zero-length-data.py: an empty application data record is accepted', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.handshake();
  c.appData(new Uint8Array(0));
  c.appData(new TextEncoder().encode('GET / HTTP/1.0\nX-bad: aaaa\n\n'));
  t.equal(s.data.length, 1, 'the empty record is ignored, the next one delivered');
  c.alert(AlertLevel.warning, AlertDescription.close_notify);
  t.equal(trace(c.readServer()), 'alert:1/0');
  t.same(s.errors, []);
});

t.test('test-version-numbers.py (TLS 1.0 server): (254,254) is answered with 3.1, (0,0) gets protocol_version', async (t) => {
  for (const [recordVersion, helloVersion] of [
    [0x0300, 0xfefe],
    [0x0300, 0x0303],
    [0x03fe, 0x0303],
    [0x03fe, 0xfefe],
  ] as const) {
    const s = await startServer();
    const c = new ScriptedClient(s);
    c.hello({ version: helloVersion, cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT] }, { recordVersion });
    const first = c.readServer();
    t.equal(trace(first), 'hs:2 hs:11 hs:14', `record 0x${recordVersion.toString(16)} hello 0x${helloVersion.toString(16)}`);
    t.equal(c.serverHello!.version, 0x0301, 'the server picks its highest version, TLS 1.0');
    t.equal(trace(c.finishHandshake()), 'ccs hs:20', 'RSA premaster carries the ClientHello version, as tlsfuzzer sends it');
    t.same(s.errors, []);
  }
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.hello({ version: 0x0000, cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT] }, { recordVersion: 0x0300 });
  t.equal(trace(c.readServer()), `alert:2/${AlertDescription.protocol_version}`, 'very low version (0, 0)');
});

t.test('test-invalid-version.py: client_version (1,3) gets a fatal alert', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.hello({ version: 0x0103, cipherSuites: [SUITE.RSA_AES_128] });
  t.equal(trace(c.readServer()), `alert:2/${AlertDescription.protocol_version}`);
  t.ok(s.conn.closed);
});

t.test('test-fallback-scsv.py (TLS 1.0 edition): TLS_FALLBACK_SCSV with our highest version proceeds', async (t) => {
  for (const place of [0, 1, 2]) {
    const s = await startServer();
    const c = new ScriptedClient(s);
    const suites: number[] = [SUITE.SCSV, SUITE.RSA_AES_128, 0x009c];
    suites.splice(place, 0, SUITE.FALLBACK_SCSV);
    t.equal(trace(c.handshake({ version: 0x0301, cipherSuites: suites })), 'hs:2 hs:11 hs:14 ccs hs:20', `FALLBACK_SCSV at ${place}`);
    t.same(s.errors, []);
  }
});

t.test('test-sslv2hello-protocol.py: SSLv2-compatible ClientHello negotiates TLS 1.0', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.sslv2Hello({ version: 0x0303, suites: [SUITE.RSA_AES_128, SUITE.SCSV] });
  t.equal(trace(c.readServer()), 'hs:2 hs:11 hs:14');
  t.equal(c.serverHello!.version, 0x0301);
  t.same(c.serverHello!.extensions, [{ type: 0xff01, data: Uint8Array.of(0) }], 'the SCSV in the v2 cipher specs is answered');
  t.equal(trace(c.finishHandshake()), 'ccs hs:20');
  c.appData(GET);
  t.equal(s.data.length, 1);
});

t.test('test-sslv2hello-protocol.py: malformed SSLv2 records get an alert', async (t) => {
  for (const [name, bytes] of [
    ['Empty SSLv2 record', [0x80, 0x00]],
    ['Empty SSLv2 record - type 0', [0x80, 0x01, 0x00]],
    ['Empty SSLv2 record - type 1', [0x80, 0x01, 0x01]],
    ['Just version in SSLv2 hello', [0x80, 0x03, 0x01, 0x03, 0x03]],
  ] as const) {
    const s = await startServer();
    const c = new ScriptedClient(s);
    c.send(Uint8Array.from(bytes));
    const events = c.readServer();
    t.equal(events.length, 1, name);
    t.match(events[0], { kind: 'alert', level: AlertLevel.fatal }, `${name}: a fatal alert`);
    t.ok(s.conn.closed);
  }
});

t.test('test-sslv2-connection.py: a real SSLv2 CLIENT-HELLO (version 0.2) is refused', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.sslv2Hello({ version: 0x0002, suites: [0x0700c0, 0x020080].map((x) => x & 0xffff) });
  t.equal(trace(c.readServer()), `alert:2/${AlertDescription.protocol_version}`);
});

t.test('test-large-hello.py: ClientHello split with a 2-byte first record is reassembled', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.hello({ cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV] }, { firstFragment: 2 });
  t.equal(trace(c.readServer()), 'hs:2 hs:11 hs:14');
  t.equal(trace(c.finishHandshake()), 'ccs hs:20');
  t.same(s.errors, []);
});

t.test('test-serverhello-random.py: server random and session id differ on every connection (TLS and SSLv2-compatible hellos)', async (t) => {
  const randoms = new Set<string>();
  const ids = new Set<string>();
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  for (let i = 0; i < 8; i++) {
    const s = await startServer();
    const c = new ScriptedClient(s);
    if (i % 2 === 0) c.hello({ cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV] });
    else c.sslv2Hello({ version: 0x0301, suites: [SUITE.RSA_AES_128, SUITE.SCSV] });
    t.equal(trace(c.readServer()), 'hs:2 hs:11 hs:14');
    randoms.add(hex(c.serverHello!.random));
    ids.add(hex(c.serverHello!.sessionId));
    t.notSame([...c.serverHello!.random.subarray(24)], [0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00], 'no downgrade sentinel ("DOWNGRD" + 00, RFC 8446 4.1.3)');
  }
  t.equal(randoms.size, 8);
  t.equal(ids.size, 8);
});
