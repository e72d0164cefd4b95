/**
 * Renegotiation and resumption as tlsfuzzer probes them: test-renegotiation-disabled.py (default
 * server), test-legacy-renegotiation.py and test-openssl-3712.py (with renegotiation: 'secure'; the
 * insecure cases are refused by design), test-sessionID-resumption.py, test-resumption-with-wrong-ciphers.py.
 */
import t from 'tap';
import type { ServerEngineOptions } from '../../lib/engine/types.js';
import type { ClientHello } from '../../lib/messages/client-hello.js';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { concatBytes } from '../../lib/util/bytes.js';
import { AlertDescription, AlertLevel, RENEGO_EXT, SUITE, ScriptedClient, startServer, trace, type ServerUnderTest } from '../helpers/conformance.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (s: ServerUnderTest): string => new TextDecoder().decode(concatBytes(...s.data));
const FULL = 'hs:2 hs:11 hs:14 ccs hs:20';

async function established(options: Partial<ServerEngineOptions> = {}, fields: Partial<ClientHello> = { cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT] }) {
  const s = await startServer(options);
  const c = new ScriptedClient(s);
  const got = trace(c.handshake(fields));
  if (got !== FULL) throw new Error(`handshake failed: ${got}`);
  return { s, c };
}

/** The renegotiation_info a renegotiating client sends (RFC 5746 3.5). */
function renegoInfo(c: ScriptedClient) {
  return { type: 0xff01, data: Uint8Array.of(c.clientVerifyData.length, ...c.clientVerifyData) };
}

t.test('test-renegotiation-disabled.py: a second ClientHello gets a no_renegotiation warning and the connection goes on', async (t) => {
  for (const secure of [true, false]) {
    for (const incomplete of [false, true]) {
      const { s, c } = await established({}, secure ? { cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT] } : { cipherSuites: [SUITE.RSA_AES_128], extensions: null });
      if (incomplete) c.appData(enc('GET /?Renegotiation_Test=tlsfuzzer HTTP/1.0\r\n'));
      c.resetHandshake();
      c.hello({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(0), extensions: secure ? [renegoInfo(c)] : null });
      t.equal(trace(c.readServer()), `alert:1/${AlertDescription.no_renegotiation}`, `${secure ? 'secure' : 'insecure'}: ExpectAlert(warning, no_renegotiation)`);
      if (!incomplete) c.appData(enc('GET /?Renegotiation_Test=tlsfuzzer HTTP/1.0\r\n'));
      c.appData(enc('\r\n'));
      t.equal(text(s), 'GET /?Renegotiation_Test=tlsfuzzer HTTP/1.0\r\n\r\n', 'the GET arrives whole');
      s.conn.write(enc('HTTP/1.0 200 OK\r\n\r\n'));
      t.equal(trace(c.readServer()), 'data:19');
      c.alert(AlertLevel.warning, AlertDescription.close_notify);
      t.equal(trace(c.readServer()), 'alert:1/0');
      t.same(s.errors, []);
    }
  }
});

t.test("test-legacy-renegotiation.py, secure cases (renegotiation: 'secure'): a full second handshake, GET before or after", async (t) => {
  for (const incomplete of [false, true]) {
    const { s, c } = await established({ renegotiation: 'secure' });
    if (incomplete) c.appData(enc('GET /?Renegotiation_Test=tlsfuzzer HTTP/1.0\r\n'));
    const previous = concatBytes(c.clientVerifyData, c.serverVerifyData);
    c.resetHandshake();
    c.hello({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(0), extensions: [renegoInfo(c)] });
    t.equal(trace(c.readServer()), 'hs:2 hs:11 hs:14');
    t.same(c.serverHello!.extensions, [{ type: 0xff01, data: Uint8Array.of(24, ...previous) }], 'renegotiation_info carries both verify_data');
    t.equal(trace(c.finishHandshake()), 'ccs hs:20');
    if (!incomplete) c.appData(enc('GET /?Renegotiation_Test=tlsfuzzer HTTP/1.0\r\n'));
    c.appData(enc('\r\n'));
    t.equal(text(s), 'GET /?Renegotiation_Test=tlsfuzzer HTTP/1.0\r\n\r\n');
    c.alert(AlertLevel.warning, AlertDescription.close_notify);
    t.equal(trace(c.readServer()), 'alert:1/0');
    t.same(s.errors, []);
  }
});

t.test("test-legacy-renegotiation.py, insecure cases: refused even with renegotiation: 'secure' (by design)", async (t) => {
  const { s, c } = await established({ renegotiation: 'secure' }, { cipherSuites: [SUITE.RSA_AES_128], extensions: null });
  c.resetHandshake();
  c.hello({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(0) });
  t.equal(trace(c.readServer()), `alert:1/${AlertDescription.no_renegotiation}`, 'tlsfuzzer expects a ServerHello here; ut-tls never renegotiates insecurely');
  t.same(s.errors, []);
});

t.test("test-openssl-3712.py (renegotiation: 'secure'): application data between ServerHelloDone and ClientKeyExchange of a renegotiation", async (t) => {
  const { s, c } = await established({ renegotiation: 'secure' });
  c.resetHandshake();
  c.hello({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(0), extensions: [renegoInfo(c)] });
  t.equal(trace(c.readServer()), 'hs:2 hs:11 hs:14');
  c.appData(enc('hello server!\n'));
  t.equal(trace(c.finishHandshake()), 'ccs hs:20');
  c.appData(enc('hello server!\n'));
  t.equal(text(s), 'hello server!\nhello server!\n');
  c.alert(AlertLevel.warning, AlertDescription.close_notify);
  t.equal(trace(c.readServer()), 'alert:1/0');
  t.same(s.errors, []);
});

t.test('test-sessionID-resumption.py: resume by session id; a garbage id gets a full handshake', async (t) => {
  const store = new MemorySessionStore();
  const first = await established({ sessionStore: store });
  first.c.alert(AlertLevel.warning, AlertDescription.close_notify);
  t.equal(trace(first.c.readServer()), 'alert:1/0');
  const s = await startServer({ sessionStore: store });
  const c = new ScriptedClient(s);
  c.offerSession(first.c.session());
  t.equal(trace(c.handshake({ cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT] })), 'hs:2 ccs hs:20', 'ServerHello, CCS, Finished');
  t.ok(c.resumed);
  t.same(c.serverHello!.extensions, [{ type: 0xff01, data: Uint8Array.of(0) }]);
  c.appData(enc('GET / HTTP/1.0\n\n'));
  t.equal(s.data.length, 1);
  t.ok(s.conn.resumed);
  const g = await startServer({ sessionStore: store });
  const gc = new ScriptedClient(g);
  t.equal(trace(gc.handshake({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(32), extensions: [RENEGO_EXT] })), FULL, 'Client Hello with garbage session ID');
  t.notSame(gc.serverHello!.sessionId, new Uint8Array(32));
});

t.test('test-resumption-with-wrong-ciphers.py: resuming without the session suite -> illegal_parameter', async (t) => {
  const store = new MemorySessionStore();
  const first = await established({ sessionStore: store }, { cipherSuites: [SUITE.RSA_AES_256, SUITE.RSA_AES_128], extensions: [RENEGO_EXT] });
  t.equal(first.c.serverHello!.cipherSuite, SUITE.RSA_AES_256, 'server preference picks AES-256 (no --swap-ciphers)');
  first.c.alert(AlertLevel.warning, AlertDescription.close_notify);
  first.c.readServer();
  for (const [name, suites] of [
    ['resumption with cipher from old CH but not selected by server', [SUITE.RSA_AES_128]],
    ['resumption of safe session with NULL cipher', [0x0002]],
  ] as const) {
    const s = await startServer({ sessionStore: store });
    const c = new ScriptedClient(s);
    c.offerSession(first.c.session());
    c.hello({ cipherSuites: [...suites], extensions: [RENEGO_EXT] });
    t.equal(trace(c.readServer()), `alert:2/${AlertDescription.illegal_parameter}`, name);
  }
});

t.test("test-interleaved-application-data-in-renegotiation.py (renegotiation: 'secure'): application data before CKE or before CCS of the second handshake is delivered", async (t) => {
  for (const where of ['before Client Key Exchange', 'before Change Cipher Spec'] as const) {
    const { s, c } = await established({ renegotiation: 'secure' });
    c.resetHandshake();
    c.hello({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(0), extensions: [renegoInfo(c)] });
    t.equal(trace(c.readServer()), 'hs:2 hs:11 hs:14');
    if (where === 'before Client Key Exchange') c.appData(enc('GET / HTTP/1.0'));
    c.keyExchange();
    if (where === 'before Change Cipher Spec') c.appData(enc('GET / HTTP/1.0'));
    c.changeCipherSpec();
    c.finished();
    t.equal(trace(c.readServer()), 'ccs hs:20', `Application data ${where}`);
    c.appData(enc('\n\n'));
    t.equal(text(s), 'GET / HTTP/1.0\n\n');
    t.same(s.errors, []);
  }
});

t.test("test-interleaved-application-data-and-fragmented-handshakes-in-renegotiation.py: application data inside a fragmented ClientHello or ClientKeyExchange", async (t) => {
  {
    const { s, c } = await established({ renegotiation: 'secure' });
    const info = renegoInfo(c);
    c.resetHandshake();
    c.hello({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(0), extensions: [info] }, { firstFragment: 30, between: () => c.appData(enc('GET / HTTP/1.0')) });
    t.equal(trace(c.readServer()), 'hs:2 hs:11 hs:14', 'Application data inside Client Hello');
    t.equal(trace(c.finishHandshake()), 'ccs hs:20');
    c.appData(enc('\n\n'));
    t.equal(text(s), 'GET / HTTP/1.0\n\n');
    t.same(s.errors, []);
  }
  {
    const { s, c } = await established({ renegotiation: 'secure' });
    const info = renegoInfo(c);
    c.resetHandshake();
    c.hello({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(0), extensions: [info] });
    t.equal(trace(c.readServer()), 'hs:2 hs:11 hs:14');
    c.keyExchange({ fragment: 30, between: () => c.appData(enc('GET / HTTP/1.0')) });
    c.changeCipherSpec();
    c.finished();
    t.equal(trace(c.readServer()), 'ccs hs:20', 'Application data inside Client Key Exchange');
    c.appData(enc('\n\n'));
    t.equal(text(s), 'GET / HTTP/1.0\n\n');
    t.same(s.errors, []);
  }
});
