/**
 * ClientHello parsing as tlsfuzzer probes it: test-invalid-client-hello.py (and its -w-record-overflow
 * twin), test-invalid-compression-methods.py, test-invalid-cipher-suites.py, test-invalid-session-id.py,
 * test-truncating-of-client-hello.py, test-extensions.py, test-empty-extensions.py, test-large-hello.py,
 * test-client-hello-max-size.py, test-cve-2016-6309.py. Each family runs every case tlsfuzzer generates
 * (or a spread of sizes where tlsfuzzer samples) and reports the cases that differ, so one failure lists
 * them all.
 */
import t from 'tap';
import type { ClientHello } from '../../lib/messages/client-hello.js';
import { concatBytes } from '../../lib/util/bytes.js';
import { AlertDescription, EXT, RENEGO_EXT, SUITE, ScriptedClient, fuzz, resizeHandshake, startServer, trace } from '../helpers/conformance.js';

const RENEGO_ONLY = [{ type: 0xff01, data: Uint8Array.of(0) }];

/** Sends one ClientHello (edited) to a fresh server and returns the trace of its answer. */
async function answer(fields: Partial<ClientHello>, edit?: (raw: Uint8Array) => Uint8Array, fragment?: number): Promise<{ trace: string; c: ScriptedClient }> {
  const s = await startServer();
  const c = new ScriptedClient(s);
  c.hello(
    { version: 0x0303, ...fields },
    {
      ...(edit ? { edit } : {}),
      ...(fragment !== undefined ? { fragment } : {}),
    },
  );
  return { trace: trace(c.readServer()), c };
}

const PLAIN: Partial<ClientHello> = { cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV] };
const WITH_EXT: Partial<ClientHello> = { cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT] };
const fatal = (d: number): string => `alert:2/${d}`;

/** Runs every case; returns the ones whose answer differs from `expected`. */
async function differing(cases: [string, Partial<ClientHello>, (raw: Uint8Array) => Uint8Array][], expected: string): Promise<string[]> {
  const out: string[] = [];
  for (const [name, fields, edit] of cases) {
    const got = (await answer(fields, edit)).trace;
    if (got !== expected) out.push(`${name}: ${got}`);
  }
  return out;
}

t.test('test-invalid-client-hello.py: handshake type fuzzed to every other value -> unexpected_message', async (t) => {
  const cases: [string, Partial<ClientHello>, (raw: Uint8Array) => Uint8Array][] = [];
  for (let i = 1; i < 0x100; i++) cases.push([`type ${1 ^ i}`, PLAIN, (raw) => fuzz(raw, { xors: { 0: i } })]);
  t.same(await differing(cases, fatal(AlertDescription.unexpected_message)), []);
});

t.test('test-invalid-client-hello.py: session_id length fuzzed (no ext and w/ext) -> decode_error', async (t) => {
  const cases: [string, Partial<ClientHello>, (raw: Uint8Array) => Uint8Array][] = [];
  for (let i = 1; i < 0x100; i++) {
    cases.push([`len ${i}`, PLAIN, (raw) => fuzz(raw, { substitutions: { 38: i } })]);
    cases.push([`len ${i} w/ext`, WITH_EXT, (raw) => fuzz(raw, { substitutions: { 38: i } })]);
  }
  t.same(await differing(cases, fatal(AlertDescription.decode_error)), []);
});

t.test('test-invalid-client-hello.py: cipher_suites length fuzzed (xor and full 16-bit values) -> decode_error', async (t) => {
  const cases: [string, Partial<ClientHello>, (raw: Uint8Array) => Uint8Array][] = [];
  for (let i = 1; i < 0x100; i++) {
    cases.push([`xor ${i}`, PLAIN, (raw) => fuzz(raw, { xors: { 40: i } })]);
    cases.push([`xor ${i} w/ext`, WITH_EXT, (raw) => fuzz(raw, { xors: { 40: i } })]);
  }
  for (const hi of [1, 2, 4, 8, 16, 128, 254, 255]) {
    for (let lo = 0; lo < 0x100; lo++) {
      cases.push([`len ${(hi << 8) + lo}`, PLAIN, (raw) => fuzz(raw, { substitutions: { 39: hi, 40: lo } })]);
      cases.push([`len ${(hi << 8) + lo} w/ext`, WITH_EXT, (raw) => fuzz(raw, { substitutions: { 39: hi, 40: lo } })]);
    }
  }
  t.same(await differing(cases, fatal(AlertDescription.decode_error)), []);
});

t.test('test-invalid-client-hello.py: compression_methods and extensions lengths fuzzed -> decode_error', async (t) => {
  const cases: [string, Partial<ClientHello>, (raw: Uint8Array) => Uint8Array][] = [];
  for (let i = 1; i < 0x100; i++) {
    cases.push([`compression len ${1 ^ i}`, PLAIN, (raw) => fuzz(raw, { xors: { 45: i } })]);
    // 1 ^ i == 8 makes a valid extension-less hello (tlsfuzzer skips it too).
    if ((1 ^ i) !== 8) cases.push([`compression len ${1 ^ i} w/ext`, WITH_EXT, (raw) => fuzz(raw, { xors: { 43: i } })]);
    cases.push([`extensions len ${5 ^ i}`, WITH_EXT, (raw) => fuzz(raw, { xors: { 46: i } })]);
  }
  for (const hi of [1, 2, 4, 8, 16, 254, 255]) {
    for (let lo = 0; lo < 0x100; lo++) cases.push([`extensions len ${(hi << 8) + lo}`, WITH_EXT, (raw) => fuzz(raw, { substitutions: { 45: hi, 46: lo } })]);
  }
  t.same(await differing(cases, fatal(AlertDescription.decode_error)), []);
});

t.test('test-invalid-compression-methods.py: no null compression -> illegal_parameter', async (t) => {
  const all = Array.from({ length: 255 }, (_, i) => i + 1);
  t.equal((await answer({ ...PLAIN, compressionMethods: all })).trace, fatal(AlertDescription.illegal_parameter), 'invalid compression methods (1..255)');
  t.equal((await answer({ ...PLAIN, compressionMethods: [1] })).trace, fatal(AlertDescription.illegal_parameter), 'only deflate');
});

t.test('test-invalid-cipher-suites.py: no usable suite -> a fatal alert (handshake_failure)', async (t) => {
  const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);
  const cases: [string, number[]][] = [
    ['NULL_NULL cipher', [0x00]],
    ['FORTEZZA', range(0x1c, 0x1e)],
    ['Unknown 0x0047', range(0x47, 0x60)],
    ['EXPORT1024', range(0x60, 0x66)],
    ['TLS_DHE_DSS_WITH_RC4_128_SHA', [0x66]],
    ['Unknown 0x006e', range(0x6e, 0x80)],
    ['GOST', range(0x80, 0x84)],
    ['Unknown 0x00c6', range(0xc6, 0xff)],
    ['TLS_EMPTY_RENEGOTIATION_INFO_SCSV', [0xff]],
    ['Unknown 0x0100', range(0x0100, 0x1001)],
    ['Unknown 0xc0b0', range(0xc0b0, 0xcca8)],
    ['Unknown 0xf000', range(0xf000, 0xffff)],
  ];
  for (const [name, suites] of cases) {
    t.equal((await answer({ cipherSuites: suites })).trace, fatal(AlertDescription.handshake_failure), name);
  }
});

t.test('test-invalid-session-id.py: a 33-byte session_id -> decode_error', async (t) => {
  const { trace: got } = await answer({ cipherSuites: [SUITE.RSA_AES_128] }, (raw) => {
    // encodeClientHello refuses 33 bytes, so splice them in by hand after the random.
    const head = raw.subarray(4, 38);
    const rest = raw.subarray(39);
    const body = concatBytes(head, Uint8Array.of(33), new Uint8Array(33).fill(3), rest);
    return concatBytes(Uint8Array.of(1, 0, body.length >> 8, body.length & 0xff), body);
  });
  t.equal(got, fatal(AlertDescription.decode_error));
});

t.test('test-truncating-of-client-hello.py: padded or truncated hellos -> decode_error', async (t) => {
  const fields: Partial<ClientHello> = { cipherSuites: [SUITE.RSA_AES_128], extensions: [RENEGO_EXT] };
  const bad: string[] = [];
  for (const [padLen, padByte] of [
    [1, 0],
    [2, 0],
    [3, 0],
    [1, 0xff],
    [2, 0xff],
    [3, 0xff],
    [256, 0],
    [4096, 0],
    [2 ** 16, 0],
    [2 ** 17 + 512, 0],
  ] as const) {
    const got = (await answer(fields, (raw) => resizeHandshake(raw, padLen, padByte), 2 ** 14)).trace;
    if (got !== fatal(AlertDescription.decode_error)) bad.push(`pad ${padLen} of ${padByte}: ${got}`);
  }
  for (const cut of [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 32, 39, 47, 48]) {
    const got = (await answer(fields, (raw) => resizeHandshake(raw, -cut))).trace;
    if (got !== fatal(AlertDescription.decode_error)) bad.push(`truncate ${cut}: ${got}`);
  }
  t.same(bad, []);
  // "extension past extensions": an empty block, then bytes that look like renegotiation_info.
  const past = await answer({ cipherSuites: [SUITE.RSA_AES_128], extensions: [] }, (raw) => resizeHandshake(concatBytes(raw, Uint8Array.of(0xff, 0x01, 0x00, 0x01, 0x00)), 0));
  t.equal(past.trace, fatal(AlertDescription.decode_error), 'either a ServerHello without extensions or decode_error is accepted; we send decode_error');
});

t.test('test-extensions.py: many unknown extensions are ignored; a fuzzed block length -> decode_error', async (t) => {
  for (const n of [31, 64, 129, 1024, 4085, 8192, 16383]) {
    const exts = Array.from({ length: n - 1 }, (_, i) => ({ type: 90 + i, data: new Uint8Array(0) })).filter((e) => e.type !== 13172);
    for (const last of [false, true]) {
      const list = last ? [...exts.slice(1), RENEGO_EXT, { type: 90, data: new Uint8Array(0) }] : [...exts, RENEGO_EXT];
      const { trace: got, c } = await answer({ cipherSuites: [SUITE.RSA_AES_128], extensions: list });
      t.equal(got, 'hs:2 hs:11 hs:14', `${n} extensions${last ? ' last empty' : ''}`);
      t.same(c.serverHello?.extensions, RENEGO_ONLY, 'only renegotiation_info comes back');
    }
  }
  const cases: [string, Partial<ClientHello>, (raw: Uint8Array) => Uint8Array][] = [];
  const nine = [...Array.from({ length: 9 }, (_, i) => ({ type: 90 + i, data: new Uint8Array(0) })), RENEGO_EXT];
  for (let i = 1; i < 0x100; i++) cases.push([`ext length ${41 ^ i}`, { cipherSuites: [SUITE.RSA_AES_128], extensions: nine }, (raw) => fuzz(raw, { xors: { [-42]: i } })]);
  t.same(await differing(cases, fatal(AlertDescription.decode_error)), []);
});

t.test('test-empty-extensions.py: an empty extension block is a valid extended hello', async (t) => {
  const { trace: got, c } = await answer({ cipherSuites: [SUITE.RSA_AES_128], extensions: [] });
  t.equal(got, 'hs:2 hs:11 hs:14');
  t.equal(c.serverHello?.extensions, null, 'nothing to answer');
});

t.test('test-large-hello.py: padding extension, extension #80, many suites, huge hello are all answered', async (t) => {
  const bad: string[] = [];
  const check = async (name: string, fields: Partial<ClientHello>): Promise<void> => {
    const s = await startServer();
    const c = new ScriptedClient(s);
    const got = trace(c.handshake(fields));
    if (got !== 'hs:2 hs:11 hs:14 ccs hs:20') bad.push(`${name}: ${got}`);
  };
  for (const n of [0, 9, 0x3f00, 0x4000, 0x400f, 0x1ff0, 0x2000, 0x9000, 0xff00, 0xffff - 5]) {
    await check(`padding ${n}`, { extensions: [{ type: EXT.padding, data: new Uint8Array(n) }] });
    await check(`ext #80 ${n}`, { extensions: [{ type: 80, data: new Uint8Array(n) }] });
  }
  for (const n of [0, 0x3000, 0xefff - 9]) {
    await check(`two ext, #80 ${n}`, { extensions: [{ type: 80, data: new Uint8Array(n) }, { type: EXT.padding, data: new Uint8Array(0x1000) }] });
  }
  for (const n of [1, 0x1fff, 0x3ffe]) {
    const exts = [];
    for (let ty = 52; exts.length < n; ty++) if (ty !== 13172 && ty !== 62208 && ty !== 0xff01) exts.push({ type: ty, data: new Uint8Array(0) });
    await check(`multiple extensions ${n}`, { extensions: exts });
  }
  for (const n of [1, 0x2000, 0x7fff - 3]) {
    const suites = Array.from({ length: n }, (_, i) => 0x0100 + i).map((x) => (x >= 0x5600 ? x + 1 : x));
    await check(`ciphers even ${n}`, { cipherSuites: [...suites, SUITE.SCSV, SUITE.RSA_AES_128] });
    await check(`ciphers odd ${n}`, { cipherSuites: [...suites, SUITE.SCSV, SUITE.RSA_AES_128], extensions: [{ type: EXT.padding, data: new Uint8Array(1) }] });
  }
  const brim = Array.from({ length: 0xfffe / 2 - 2 }, (_, i) => 0x0100 + i).map((x) => (x >= 0x5600 ? x + 1 : x));
  await check('huge hello', { cipherSuites: [...brim, SUITE.SCSV, SUITE.RSA_AES_128], extensions: [{ type: 80, data: new Uint8Array(0xffff - 4) }] });
  t.same(bad, []);
});

t.test('test-client-hello-max-size.py: the largest possible ClientHello is answered (ALPN aside)', async (t) => {
  const suites: number[] = [];
  for (const [a, b] of [
    [93, 96],
    [110, 132],
    [198, 255],
    [255, 22016],
    [22017, 32939],
  ] as const) {
    for (let x = a; x < b; x++) suites.push(x);
  }
  suites.push(SUITE.RSA_AES_128, SUITE.SCSV);
  // An ALPN-shaped extension (type 16) filling the extension block; ut-tls does not implement ALPN (RFC 7301).
  const protos = concatBytes(...Array.from({ length: 255 }, () => concatBytes(Uint8Array.of(255), new Uint8Array(255).fill(0x41))), Uint8Array.of(239), new Uint8Array(239).fill(0x42), Uint8Array.of(8), new TextEncoder().encode('http/1.1'));
  const alpn = concatBytes(Uint8Array.of(protos.length >> 8, protos.length & 0xff), protos);
  const s = await startServer();
  const c = new ScriptedClient(s);
  const events = c.handshake({ cipherSuites: suites, sessionId: new Uint8Array(32), compressionMethods: Array.from({ length: 255 }, (_, i) => i), extensions: [{ type: 16, data: alpn }] });
  t.equal(trace(events), 'hs:2 hs:11 hs:14 ccs hs:20');
  t.same(c.serverHello?.extensions, RENEGO_ONLY, 'tlsfuzzer also expects an ALPN answer: ut-tls has no ALPN, so that probe fails by design');
  t.not(c.serverHello?.sessionId.every((b) => b === 0), true, 'a fresh session id, not the offered zeros');
});

t.test('test-cve-2016-6309.py: a 21798-byte padding extension; a hello whose length runs past the data waits', async (t) => {
  const s = await startServer();
  const c = new ScriptedClient(s);
  t.equal(trace(c.handshake({ cipherSuites: [SUITE.RSA_AES_128], extensions: [{ type: EXT.padding, data: new Uint8Array(21798) }] })), 'hs:2 hs:11 hs:14 ccs hs:20');
  const { trace: got, c: c2 } = await answer({ cipherSuites: [SUITE.RSA_AES_128] }, (raw) => fuzz(raw, { substitutions: { 2: 0x55, 3: 0x55 } }));
  t.equal(got, '', 'ExpectNoMessage: the server waits for the 21845 announced bytes');
  t.notOk(c2.server.conn.closed);
});
