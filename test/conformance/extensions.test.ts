/**
 * Extensions and suite policy as tlsfuzzer probes them: test-invalid-server-name-extension.py (the
 * structural cases; name syntax is in pending.test.ts.txt), test-invalid-server-name-extension-resumption.py
 * (different SNI on resumption), test-ocsp-stapling.py, test-export-ciphers-rejected.py, test-lengths.py
 * --size-limit (max_fragment_length echo), test-bleichenbacher-workaround.py's SNI note.
 */
import t from 'tap';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { concatBytes } from '../../lib/util/bytes.js';
import { AlertDescription, AlertLevel, EXT, RENEGO_EXT, SUITE, ScriptedClient, startServer, trace } from '../helpers/conformance.js';

const fatal = (d: number): string => `alert:2/${d}`;
const FLIGHT = 'hs:2 hs:11 hs:14';

/** server_name extension_data for these raw names (each host_name type 0 unless given). */
function sni(...names: (Uint8Array | [number, Uint8Array])[]): { type: number; data: Uint8Array } {
  const entries = names.map((n) => {
    const [type, name] = n instanceof Uint8Array ? [0, n] : n;
    return concatBytes(Uint8Array.of(type, name.length >> 8, name.length & 0xff), name);
  });
  const list = concatBytes(...entries);
  return { type: EXT.server_name, data: concatBytes(Uint8Array.of(list.length >> 8, list.length & 0xff), list) };
}
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

async function answer(extensions: { type: number; data: Uint8Array }[], options = {}) {
  const s = await startServer(options);
  const c = new ScriptedClient(s);
  c.hello({ version: 0x0303, cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV], extensions });
  return { s, c, trace: trace(c.readServer()) };
}

t.test('test-invalid-server-name-extension.py: malformed server_name -> decode_error; two host_names -> illegal_parameter', async (t) => {
  const cases: [string, { type: number; data: Uint8Array }, number][] = [
    ['Empty SNI extension', { type: EXT.server_name, data: new Uint8Array(0) }, AlertDescription.decode_error],
    ['Empty host list in SNI extension', { type: EXT.server_name, data: Uint8Array.of(0, 0) }, AlertDescription.decode_error],
    ['Empty hostname in SNI extension', sni(new Uint8Array(0)), AlertDescription.decode_error],
    ['Trailing data in extension', { type: EXT.server_name, data: Uint8Array.of(0, 4, 0, 0, 1, 0x65, 0x78) }, AlertDescription.decode_error],
    ['malformed overall length', { type: EXT.server_name, data: Uint8Array.of(0xff, 0xff, 0xff, 0xff) }, AlertDescription.decode_error],
    ['multiple host_names in SNI, RFC 6066 compliance', sni(ascii('localhost'), ascii('www.localhost')), AlertDescription.illegal_parameter],
  ];
  for (const [name, ext, alert] of cases) {
    for (const vhosts of [false, true]) {
      const got = (await answer([ext], vhosts ? { selectContext: () => undefined } : {})).trace;
      t.equal(got, fatal(alert), `${name}${vhosts ? ' (virtual hosts on)' : ''}`);
    }
  }
});

t.test('test-invalid-server-name-extension.py: unknown name types next to host_name are ignored', async (t) => {
  const other: [number, Uint8Array] = [1, Uint8Array.from({ length: 24 }, (_, i) => i)];
  for (const [name, ext] of [
    ['multiple types in SNI, host_name first', sni(ascii('localhost'), other)],
    ['multiple types in SNI, host_name last', sni(other, ascii('localhost'))],
  ] as const) {
    const s = await startServer({ selectContext: () => undefined });
    const c = new ScriptedClient(s);
    t.equal(trace(c.handshake({ version: 0x0303, cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV], extensions: [ext] })), `${FLIGHT} ccs hs:20`, name);
    t.equal(s.conn.servername, 'localhost');
  }
});

t.test('test-invalid-server-name-extension.py "incorrect SNI" with virtual hosts: warning unrecognized_name, then the handshake', async (t) => {
  const { c, s } = await answer([sni(ascii('www.localhost'))], { selectContext: () => undefined });
  t.equal(c.events.length > 0 ? trace(c.events) : '', `alert:1/${AlertDescription.unrecognized_name} ${FLIGHT}`, 'ExpectAlert(warning, unrecognized_name) before ServerHello');
  t.same(c.serverHello!.extensions, [{ type: 0xff01, data: Uint8Array.of(0) }], 'server_name is not acknowledged');
  t.equal(trace(c.finishHandshake()), 'ccs hs:20');
  t.same(s.errors, []);
  const fatalServer = await answer([sni(ascii('www.localhost'))], { selectContext: () => undefined, unrecognizedName: 'fatal' });
  t.equal(fatalServer.trace, fatal(AlertDescription.unrecognized_name), '--sni-fatal');
});

t.test('test-invalid-server-name-extension-resumption.py: a different SNI on resumption gets a full handshake', async (t) => {
  const store = new MemorySessionStore();
  const s1 = await startServer({ sessionStore: store });
  const c1 = new ScriptedClient(s1);
  t.equal(trace(c1.handshake({ cipherSuites: [SUITE.RSA_AES_128], sessionId: new Uint8Array(32), extensions: [RENEGO_EXT, sni(ascii('localhost4'))] })), `${FLIGHT} ccs hs:20`);
  c1.alert(AlertLevel.warning, AlertDescription.close_notify);
  t.equal(trace(c1.readServer()), 'alert:1/0');
  const s2 = await startServer({ sessionStore: store });
  const c2 = new ScriptedClient(s2);
  c2.offerSession(c1.session());
  t.equal(trace(c2.handshake({ cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT, sni(ascii('www.localhost4'))] })), `${FLIGHT} ccs hs:20`, 'ExpectServerHello(resume=False)');
  t.notOk(c2.resumed);
  t.same(c2.serverHello!.extensions, [{ type: 0xff01, data: Uint8Array.of(0) }]);
});

t.test('test-ocsp-stapling.py: with a response, status_request is answered and CertificateStatus follows Certificate', async (t) => {
  const ocspResponse = Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00);
  const status = { type: EXT.status_request, data: Uint8Array.of(1, 0, 0, 0, 0) };
  {
    const s = await startServer({ ocspResponse });
    const c = new ScriptedClient(s);
    t.equal(trace(c.handshake({ cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV], extensions: [status] })), 'hs:2 hs:11 hs:22 hs:14 ccs hs:20');
    t.same(c.serverHello!.extensions?.map((e) => [e.type, e.data.length]), [[0xff01, 1], [5, 0]], 'renegotiation_info and an empty status_request');
  }
  {
    const s = await startServer();
    const c = new ScriptedClient(s);
    t.equal(trace(c.handshake({ cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV], extensions: [status] })), `${FLIGHT} ccs hs:20`, '--no-status');
    t.same(c.serverHello!.extensions, [{ type: 0xff01, data: Uint8Array.of(0) }]);
  }
  {
    // "renegotiate with large responder_id_list", first handshake only: 626 ResponderIDs.
    const ids = Array.from({ length: 626 }, (_, i) => concatBytes(Uint8Array.of(0, 24, 0xa2, 0x16, 0x04, 0x14), new Uint8Array(20).fill((i + 2) % 256)));
    const list = concatBytes(...ids);
    const data = concatBytes(Uint8Array.of(1, list.length >> 8, list.length & 0xff), list, Uint8Array.of(0, 0));
    const s = await startServer({ ocspResponse });
    const c = new ScriptedClient(s);
    t.equal(trace(c.handshake({ cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV], extensions: [{ type: EXT.status_request, data }] })), 'hs:2 hs:11 hs:22 hs:14 ccs hs:20', 'large responder_id_list');
  }
});

t.test('test-export-ciphers-rejected.py (--min-ver TLSv1.0): export suites are never chosen', async (t) => {
  const exports = [0x0003, 0x0006, 0x0008, 0x000b, 0x000e, 0x0011, 0x0014, 0x0017, 0x0019, 0x0026, 0x0027, 0x0028, 0x0029, 0x002a, 0x002b, 0x0062, 0x0063, 0x0064, 0x0065];
  const bad: string[] = [];
  for (const id of exports) {
    for (const version of [0x0303, 0x0302, 0x0301]) {
      const s = await startServer();
      const c = new ScriptedClient(s);
      const got = trace(c.handshake({ version, cipherSuites: [id, SUITE.RSA_AES_128, SUITE.SCSV] }));
      if (got !== `${FLIGHT} ccs hs:20` || c.serverHello!.cipherSuite !== SUITE.RSA_AES_128) bad.push(`${id} with AES_128 in ${version}: ${got}`);
      const alone = await startServer();
      const ac = new ScriptedClient(alone);
      ac.hello({ version, cipherSuites: [id, SUITE.SCSV] });
      const a = trace(ac.readServer());
      if (a !== fatal(AlertDescription.handshake_failure)) bad.push(`${id} alone in ${version}: ${a}`);
    }
    const ssl3 = await startServer();
    const sc = new ScriptedClient(ssl3);
    sc.hello({ version: 0x0300, cipherSuites: [id, SUITE.RSA_AES_128, SUITE.SCSV] }, { recordVersion: 0x0300 });
    const got = trace(sc.readServer());
    if (got !== fatal(AlertDescription.protocol_version) && got !== fatal(AlertDescription.handshake_failure)) bad.push(`${id} in SSLv3: ${got}`);
  }
  t.same(bad, []);
});

t.test('test-lengths.py --size-limit: max_fragment_length is echoed and bounds the server records', async (t) => {
  for (const [code, size] of [
    [1, 512],
    [2, 1024],
    [3, 2048],
    [4, 4096],
  ] as const) {
    const s = await startServer();
    const c = new ScriptedClient(s);
    c.recordSize = size;
    t.equal(trace(c.handshake({ cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV], extensions: [{ type: EXT.max_fragment_length, data: Uint8Array.of(code) }] })), `${FLIGHT} ccs hs:20`);
    t.same(c.serverHello!.extensions?.find((e) => e.type === EXT.max_fragment_length)?.data, Uint8Array.of(code), `max_fragment_length ${size} echoed`);
    s.conn.write(new Uint8Array(size * 2 + 7).fill(0x41));
    t.same(c.readServer().map((e) => (e.kind === 'data' ? e.data.length : -1)), [size, size, 7], 'ExpectApplicationData(size=...) per fragment');
  }
});

t.test('test-bleichenbacher-workaround.py sends SNI "localhost": with virtual hosts it is acknowledged, so run that script with --no-sni', async (t) => {
  const plain = await answer([RENEGO_EXT, sni(ascii('localhost'))]);
  t.same(plain.c.serverHello!.extensions, [{ type: 0xff01, data: Uint8Array.of(0) }], 'default server: exactly renegotiation_info, as srv_extensions expects');
  const vhost = await answer([RENEGO_EXT, sni(ascii('localhost'))], { selectContext: () => undefined });
  t.same(vhost.c.serverHello!.extensions?.map((e) => e.type), [0xff01, 0], 'virtual hosts: server_name is acknowledged too');
});

t.test('test-TLSv1_2-rejected-without-TLSv1_2.py: a TLS 1.2-only suite offered alone -> handshake_failure', async (t) => {
  const tls12 = [0x003b, 0x003c, 0x003d, 0x0067, 0x006b, 0x006c, 0x006d, 0x009c, 0x009d, 0x009e, 0x009f, 0x00a6, 0xc023, 0xc027, 0xc02b, 0xc02f, 0xc030, 0xcca8, 0xcca9];
  const bad: string[] = [];
  for (const id of tls12) {
    const s = await startServer();
    const c = new ScriptedClient(s);
    c.hello({ version: 0x0302, cipherSuites: [id], extensions: [RENEGO_EXT] });
    const got = trace(c.readServer());
    if (got !== fatal(AlertDescription.handshake_failure)) bad.push(`0x${id.toString(16)}: ${got}`);
  }
  t.same(bad, []);
});
