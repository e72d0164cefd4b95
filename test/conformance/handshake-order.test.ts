/**
 * Handshake message order as tlsfuzzer probes it: test-message-skipping.py, test-message-duplication.py,
 * test-ccs.py (sanity), test-interleaved-CKE-with-CCS.py (redone with RSA key exchange),
 * test-cve-2020-25648.py (CCS flood, TLS 1.0 edition), test-hello-request-by-client.py,
 * test-fuzzed-finished.py, test-truncating-of-finished.py, test-early-application-data.py's idea.
 */
import t from 'tap';
import { AlertDescription, ContentType, HandshakeType, SUITE, ScriptedClient, resizeHandshake, startServer, trace } from '../helpers/conformance.js';

const fatal = (d: number): string => `alert:2/${d}`;
const UNEXPECTED = fatal(AlertDescription.unexpected_message);
const GET = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');

async function afterFlight() {
  const s = await startServer();
  const c = new ScriptedClient(s);
  const got = trace(c.helloAndFlight({ cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV] }));
  if (got !== 'hs:2 hs:11 hs:14') throw new Error(`no server flight: ${got}`);
  return { s, c };
}

t.test('test-message-skipping.py: every skipped message -> unexpected_message', async (t) => {
  {
    const s = await startServer();
    const c = new ScriptedClient(s);
    // "skip Client Hello": a ClientKeyExchange first, 256 bytes of 0xff.
    c.sendHandshake(HandshakeType.client_key_exchange, Uint8Array.of(1, 0, ...new Uint8Array(256).fill(0xff)));
    t.equal(trace(c.readServer()), UNEXPECTED, 'skip Client Hello');
  }
  {
    const { c } = await afterFlight();
    c.changeCipherSpec(Uint8Array.of(1), { switchState: false });
    c.sendHandshake(HandshakeType.finished, new Uint8Array(12));
    t.equal(trace(c.readServer()), UNEXPECTED, 'skip Client Key Exchange');
  }
  {
    const { c } = await afterFlight();
    c.keyExchange();
    c.sendHandshake(HandshakeType.finished, c.finishedData());
    t.equal(trace(c.readServer()), UNEXPECTED, 'skip Change Cipher Spec');
  }
  {
    const { c } = await afterFlight();
    c.keyExchange();
    c.changeCipherSpec();
    c.appData(GET);
    t.equal(trace(c.readServer()), UNEXPECTED, 'skip Finished');
  }
  for (const recordVersion of [0x0300, 0x0301, 0x0302, 0x0303]) {
    const s = await startServer();
    const c = new ScriptedClient(s);
    c.sendHandshake(HandshakeType.finished, new Uint8Array(12), { seal: { version: recordVersion } });
    t.equal(trace(c.readServer()), UNEXPECTED, `skip all but Finished, record version ${recordVersion.toString(16)}`);
  }
});

t.test('test-message-duplication.py: every duplicated message -> unexpected_message', async (t) => {
  const hello = { cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV] };
  const cases: [string, (c: ScriptedClient) => void][] = [
    ['duplicate client hello before CKE', (c) => c.hello(hello)],
    ['duplicate client hello before CCS', (c) => (c.keyExchange(), c.hello(hello))],
    ['duplicate client hello before Finished', (c) => (c.keyExchange(), c.changeCipherSpec(), c.hello(hello))],
    ['duplicate client key exchange before CCS', (c) => (c.keyExchange(), c.keyExchange())],
    ['duplicate client key exchange before Finished', (c) => (c.keyExchange(), c.changeCipherSpec(), c.sendHandshake(HandshakeType.client_key_exchange, Uint8Array.of(1, 0, ...new Uint8Array(256))))],
    ['duplicate change cipher spec before Finished', (c) => (c.keyExchange(), c.changeCipherSpec(), c.changeCipherSpec())],
  ];
  for (const [name, steps] of cases) {
    const { c } = await afterFlight();
    steps(c);
    t.equal(trace(c.readServer()), UNEXPECTED, name);
  }
  for (const [name, steps] of [
    ['duplicate client key exchange after Finished', (c: ScriptedClient) => c.sendHandshake(HandshakeType.client_key_exchange, Uint8Array.of(1, 0, ...new Uint8Array(256)))],
    ['duplicate change cipher spec after Finished', (c: ScriptedClient) => c.changeCipherSpec()],
  ] as const) {
    const { c } = await afterFlight();
    t.equal(trace(c.finishHandshake()), 'ccs hs:20');
    steps(c);
    t.equal(trace(c.readServer()), UNEXPECTED, name);
  }
});

t.test('test-interleaved-CKE-with-CCS.py (RSA edition): CCS between fragments of ClientKeyExchange -> unexpected_message', async (t) => {
  {
    const { c } = await afterFlight();
    // First two bytes of the ClientKeyExchange, then a CCS, all in one TCP segment.
    const before = c.server.wire.length;
    const records = captureKeyExchange(c, 2);
    c.send(new Uint8Array([...records[0]!, 20, 3, 1, 0, 1, 1]));
    t.equal(trace(c.readServer()), UNEXPECTED, 'single interleaved fragment');
    t.ok(c.server.wire.length > before);
  }
  {
    const { c } = await afterFlight();
    const records = captureKeyExchange(c, 2);
    const interleaved: number[] = [];
    for (const r of records.slice(0, -1)) interleaved.push(...r, 20, 3, 1, 0, 1, 1);
    c.send(Uint8Array.from(interleaved));
    t.equal(trace(c.readServer()), UNEXPECTED, 'multiple interleaved fragments');
  }
});

/** The records a 2-byte-fragmented ClientKeyExchange would be sent in, without sending them. */
function captureKeyExchange(c: ScriptedClient, fragment: number): Uint8Array[] {
  const sent: Uint8Array[] = [];
  const real = c.send.bind(c);
  c.send = (b: Uint8Array) => void sent.push(b);
  const size = c.recordSize;
  c.recordSize = fragment;
  c.keyExchange();
  c.recordSize = size;
  c.send = real;
  const all = sent[0]!;
  const out: Uint8Array[] = [];
  for (let off = 0; off < all.length; off += 5 + fragment) out.push(all.subarray(off, Math.min(all.length, off + 5 + fragment)));
  return out;
}

t.test('test-cve-2020-25648.py (TLS 1.0 edition): ClientHello and ten CCS in one segment -> flight, then unexpected_message', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  const ccs = new Uint8Array(60);
  for (let i = 0; i < 10; i++) ccs.set([20, 3, 1, 0, 1, 1], i * 6);
  c.hello({ cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV] }, { alsoSend: ccs });
  t.equal(trace(c.readServer()), `hs:2 hs:11 hs:14 ${UNEXPECTED}`);
});

t.test('test-hello-request-by-client.py: HelloRequest sent to the server -> fatal alert', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.sendRecord(ContentType.handshake, Uint8Array.of(0, 0, 0, 0));
  t.equal(trace(c.readServer()), UNEXPECTED);
  t.ok(s.conn.closed);
});

t.test('test-fuzzed-finished.py: any verify_data byte changed -> decrypt_error', async (t) => {
  for (const [pos, val] of [
    [-1, 0x01],
    [-1, 0xff],
    [-2, 0x01],
    [-6, 0xff],
    [-12, 0x01],
    [-12, 0xff],
  ] as const) {
    const { c } = await afterFlight();
    c.keyExchange();
    c.changeCipherSpec();
    c.finished({ xor: [pos, val] });
    t.equal(trace(c.readServer()), fatal(AlertDescription.decrypt_error), `XOR position ${pos} with ${val}`);
  }
});

t.test('test-truncating-of-finished.py: padded or truncated Finished -> a fatal alert (decode_error)', async (t) => {
  for (const [name, delta] of [
    ['padded Finished', 1],
    ['truncated Finished', -1],
  ] as const) {
    const { c } = await afterFlight();
    c.keyExchange();
    c.changeCipherSpec();
    const raw = new Uint8Array([HandshakeType.finished, 0, 0, 12, ...c.finishedData()]);
    c.sendHandshake(HandshakeType.finished, new Uint8Array(0), { raw: resizeHandshake(raw, delta, 0xfa) });
    t.equal(trace(c.readServer()), fatal(AlertDescription.decode_error), name);
  }
});

t.test('application data before the handshake finished -> unexpected_message', async (t) => {
  {
    const s = await startServer();
    const c = new ScriptedClient(s);
    c.sendRecord(ContentType.application_data, GET);
    t.equal(trace(c.readServer()), UNEXPECTED, 'before ClientHello');
  }
  {
    const { c } = await afterFlight();
    c.sendRecord(ContentType.application_data, GET);
    t.equal(trace(c.readServer()), UNEXPECTED, 'after the server flight (plaintext)');
  }
});
