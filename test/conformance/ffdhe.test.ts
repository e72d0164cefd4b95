/**
 * tlsfuzzer's test-ffdhe-negotiation.py and test-ffdhe-expected-params.py (RFC 7919) against a real
 * `ut-tls server --dhe` (DHE_RSA first, as "Check if DHE preferred" needs), every conversation: each of
 * the five groups alone, after the unassigned group 511, and in every ordered pair; the fallback to
 * RSA; insufficient_security with no usable suite. ExpectServerKeyExchange(valid_groups=...) is the
 * prime and generator compared byte for byte with RFC 7919 appendix A. No probe checks the ServerHello
 * version, so all apply to TLS 1.0.
 */
import t, { type Test } from 'tap';
import { FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192, MODP_GROUP_14, dhGroupBytes, type DhGroup } from '../../lib/crypto/dh.js';
import { AlertDescription, EXT, RENEGO_EXT, SUITE } from '../helpers/conformance.js';
import { GROUP, connectScripted, expectServer, fullHandshake, getAndClose, serverExtensions, startUtTlsServer, u16ListExtension } from '../helpers/conformance-wire.js';

const server = await startUtTlsServer(t, ['--http', '--dhe']);

const FINISH = 'ccs hs:20';
const DHE_FLIGHT = 'hs:2 hs:11 hs:12 hs:14';
const RSA_FLIGHT = 'hs:2 hs:11 hs:14';
const HTTP_ANSWER = /^data:\d+ alert:1\/0 close$/;
const ALL_FF: [string, number, DhGroup][] = [
  ['ffdhe2048', GROUP.ffdhe2048, FFDHE2048],
  ['ffdhe3072', GROUP.ffdhe3072, FFDHE3072],
  ['ffdhe4096', GROUP.ffdhe4096, FFDHE4096],
  ['ffdhe6144', GROUP.ffdhe6144, FFDHE6144],
  ['ffdhe8192', GROUP.ffdhe8192, FFDHE8192],
];
const groups = (...ids: number[]) => u16ListExtension(EXT.supported_groups, ids);
const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : '-');

/** Which of `candidates` the ServerKeyExchange carried (p and g), or '-' for none. */
function groupSent(params: { p: Uint8Array; g: Uint8Array } | null, candidates: [string, DhGroup][]): string {
  const found = candidates.find(([, g]) => hex(dhGroupBytes(g).p) === hex(params?.p) && hex(dhGroupBytes(g).g) === hex(params?.g));
  return found?.[0] ?? '-';
}

/** A DHE conversation to the end: handshake, GET, the page, close_notify both ways. Returns the group used. */
async function dheConversation(t: Test, port: number, fields: { cipherSuites: number[]; extensions: { type: number; data: Uint8Array }[] }, candidates: [string, DhGroup][]) {
  const { c } = await connectScripted(t, port);
  t.same(await fullHandshake(c, { version: 0x0303, ...fields }), { flight: DHE_FLIGHT, finish: FINISH }, 'ServerKeyExchange, and the exchange completes');
  t.equal(c.serverHello?.cipherSuite, SUITE.DHE_RSA_AES_128);
  t.same(serverExtensions(c), [EXT.renegotiation_info]);
  t.match(await getAndClose(c), HTTP_ANSWER, 'ExpectApplicationData, ExpectAlert(warning, close_notify), ExpectClose');
  return groupSent(c.dhParams, candidates);
}

t.test('test-ffdhe-negotiation.py: sanity', async (t) => {
  await dheConversation(t, server.port, { cipherSuites: [SUITE.DHE_RSA_AES_128], extensions: [RENEGO_EXT] }, []);
});

t.test('test-ffdhe-negotiation.py: Check if DHE preferred', async (t) => {
  await dheConversation(t, server.port, { cipherSuites: [SUITE.RSA_AES_128, SUITE.DHE_RSA_AES_128], extensions: [RENEGO_EXT] }, []);
});

for (const [name, id, group] of ALL_FF) {
  t.test(`test-ffdhe-negotiation.py: ${name} negotiation`, async (t) => {
    const got = await dheConversation(t, server.port, { cipherSuites: [SUITE.DHE_RSA_AES_128], extensions: [RENEGO_EXT, groups(id)] }, [[name, group]]);
    t.equal(got, name, `ExpectServerKeyExchange(valid_groups=[${name}])`);
  });
  t.test(`test-ffdhe-negotiation.py: unassigned tolerance, ${name} negotiation`, async (t) => {
    const got = await dheConversation(t, server.port, { cipherSuites: [SUITE.DHE_RSA_AES_128], extensions: [RENEGO_EXT, groups(GROUP.unassigned511, id)] }, [[name, group]]);
    t.equal(got, name, 'group 511 skipped');
  });
  for (const [name2, id2, group2] of ALL_FF) {
    if (name2 === name) continue;
    t.test(`test-ffdhe-negotiation.py: ${name} or ${name2} negotiation`, async (t) => {
      const got = await dheConversation(t, server.port, { cipherSuites: [SUITE.DHE_RSA_AES_128], extensions: [RENEGO_EXT, groups(GROUP.unassigned511, id, id2)] }, [
        [name, group],
        [name2, group2],
      ]);
      t.not(got, '-', `ExpectServerKeyExchange(valid_groups=[${name}, ${name2}])`);
      // Ours in particular: the server's preference (smallest first), whatever the client's order.
      t.equal(got, ALL_FF.find(([n]) => n === name || n === name2)![0], 'the smaller group, by server preference');
    });
  }
}

t.test('test-ffdhe-negotiation.py: fallback to non-ffdhe', async (t) => {
  const { c } = await connectScripted(t, server.port);
  t.same(await fullHandshake(c, { version: 0x0303, cipherSuites: [SUITE.RSA_AES_128, SUITE.DHE_RSA_AES_128], extensions: [RENEGO_EXT, groups(GROUP.unassigned511)] }), { flight: RSA_FLIGHT, finish: FINISH });
  t.equal(c.serverHello?.cipherSuite, SUITE.RSA_AES_128, 'ExpectServerHello(cipher=TLS_RSA_WITH_AES_128_CBC_SHA): RFC 7919 4, no DHE without a common group');
  t.match(await getAndClose(c), HTTP_ANSWER);
});

t.test('test-ffdhe-negotiation.py: no overlap between groups', async (t) => {
  const { c } = await connectScripted(t, server.port);
  c.hello({ version: 0x0303, cipherSuites: [SUITE.RSA_NULL_SHA, SUITE.DHE_RSA_AES_128], extensions: [RENEGO_EXT, groups(GROUP.unassigned511)] });
  const got = await expectServer(c, `alert:2/${AlertDescription.insufficient_security}`, { close: true });
  t.equal(got.trace, `alert:2/${AlertDescription.insufficient_security}`, 'ExpectAlert(fatal, insufficient_security): RFC 7919 4, first paragraph');
  t.ok(got.closed);
});

// test-ffdhe-expected-params.py: a client that lists no group (TLS 1.2 suites and signature_algorithms
// beside the two TLS 1.0 DHE suites) gets the server's configured group. The script expects ffdhe2048
// unless told otherwise (--named-ffdh / --dhparam): `ut-tls server --dh-group ffdhe2048` meets the default
// run; a default server sends RFC 3526 group 14, which `--dhparam` names for the script.
const SIG_ALGS = u16ListExtension(13, [0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0601, 0x0501, 0x0401, 0x0301, 0x0201]);
const SIG_ALGS_CERT = { ...SIG_ALGS, type: 50 };
const EXPECTED_PARAMS_SUITES = [SUITE.DHE_RSA_AES_128, SUITE.DHE_RSA_AES_256, SUITE.DHE_RSA_AES_128_GCM_SHA256, SUITE.DHE_RSA_AES_128_SHA256];
for (const [args, expected] of [
  [['--dh-group', 'ffdhe2048'], ['RFC7919 ffdhe2048 (the script default)', FFDHE2048]],
  [[], ['RFC 3526 group 14 (--dhparam)', MODP_GROUP_14]],
] as const) {
  t.test(`test-ffdhe-expected-params.py against ut-tls server --dhe ${args.join(' ')}: sanity, FFDH parameters check`, async (t) => {
    const s = args.length ? await startUtTlsServer(t, ['--http', '--dhe', ...args]) : server;
    const fields = { cipherSuites: EXPECTED_PARAMS_SUITES, extensions: [RENEGO_EXT, SIG_ALGS, SIG_ALGS_CERT] };
    const { c } = await connectScripted(t, s.port);
    t.same(await fullHandshake(c, { version: 0x0303, ...fields }), { flight: DHE_FLIGHT, finish: FINISH }, 'sanity');
    t.match(await getAndClose(c, new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n')), HTTP_ANSWER);
    const { c: c2 } = await connectScripted(t, s.port);
    t.same(await fullHandshake(c2, { version: 0x0303, ...fields }), { flight: DHE_FLIGHT, finish: FINISH });
    t.equal(groupSent(c2.dhParams, [[expected[0], expected[1]]]), expected[0], 'ExpectServerKeyExchange(valid_params=...)');
    t.match(await getAndClose(c2, new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n')), HTTP_ANSWER);
  });
}

t.test('test-ffdhe-negotiation.py: sanity (again, last)', async (t) => {
  await dheConversation(t, server.port, { cipherSuites: [SUITE.DHE_RSA_AES_128], extensions: [RENEGO_EXT] }, []);
});
