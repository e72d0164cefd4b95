/**
 * Mutation fuzzing of every decoder: random byte changes, insertions, deletions and truncations of valid
 * messages must either decode or throw DecodeError / TLSAlertError — never a TypeError, RangeError or any
 * other exception that would escape the engine's alert mapping. Deterministic seed, so failures reproduce.
 */
import t from 'tap';
import * as m from '../../lib/messages/index.js';
import { hex, outcome, pattern, prng } from './helpers.js';

const RANDOM = pattern(32);
const clientHello = m.encodeClientHello({
  version: 0x0301,
  random: RANDOM,
  sessionId: pattern(8),
  cipherSuites: [0x000a, 0x0005, 0x002f, 0x00ff],
  compressionMethods: [0],
  extensions: [
    { type: m.ExtensionType.server_name, data: m.encodeServerNameList(['example.com']) },
    { type: m.ExtensionType.max_fragment_length, data: m.encodeMaxFragmentLength(2) },
    { type: m.ExtensionType.status_request, data: m.encodeStatusRequest(m.ocspStatusRequest([hex('3000')], hex('3000'))) },
    { type: m.ExtensionType.trusted_ca_keys, data: m.encodeTrustedCaKeys([{ type: 0 }, { type: 2, distinguishedName: hex('3000') }]) },
    { type: m.ExtensionType.renegotiation_info, data: m.encodeRenegotiationInfo() },
  ],
});

/** The engine's path for a ClientHello: the hello, then each extension it understands. */
function decodeClientHelloDeep(b: Uint8Array): void {
  const ch = m.decodeClientHello(b);
  for (const e of ch.extensions ?? []) {
    if (e.type === m.ExtensionType.server_name) m.decodeServerNameList(e.data);
    else if (e.type === m.ExtensionType.max_fragment_length) m.decodeMaxFragmentLength(e.data);
    else if (e.type === m.ExtensionType.status_request) m.decodeStatusRequest(e.data);
    else if (e.type === m.ExtensionType.trusted_ca_keys) m.decodeTrustedCaKeys(e.data);
    else if (e.type === m.ExtensionType.renegotiation_info) m.decodeRenegotiationInfo(e.data);
  }
}

const cases: [string, (b: Uint8Array) => unknown, Uint8Array][] = [
  ['ClientHello (with extensions)', decodeClientHelloDeep, clientHello],
  ['SSLv2 ClientHello', m.decodeSSLv2ClientHello, hex('01' + '0301' + '0009' + '0000' + '0010' + '00000a' + '010080' + '0000ff' + '11'.repeat(16))],
  [
    'ServerHello',
    m.decodeServerHello,
    m.encodeServerHello({ version: 0x0301, random: RANDOM, sessionId: pattern(32), cipherSuite: 10, compressionMethod: 0, extensions: [{ type: 0xff01, data: hex('00') }] }),
  ],
  ['Certificate', m.decodeCertificate, m.encodeCertificate([pattern(40), pattern(3), pattern(17)])],
  ['CertificateRequest', m.decodeCertificateRequest, m.encodeCertificateRequest({ certificateTypes: [1, 2], certificateAuthorities: [pattern(5), pattern(1)] })],
  ['ServerKeyExchange(DHE)', m.decodeDheServerKeyExchange, m.encodeDheServerKeyExchange({ p: pattern(16), g: hex('02'), ys: pattern(16) }, pattern(20))],
  ['ClientKeyExchange(RSA)', m.decodeRsaClientKeyExchange, m.encodeRsaClientKeyExchange(pattern(64))],
  ['ClientKeyExchange(DH)', m.decodeDhClientKeyExchange, m.encodeDhClientKeyExchange(pattern(16))],
  ['CertificateVerify', m.decodeCertificateVerify, m.encodeCertificateVerify(pattern(36))],
  ['Finished', m.decodeFinished, m.encodeFinished(pattern(12))],
  ['ServerHelloDone', m.decodeServerHelloDone, new Uint8Array(0)],
  ['HelloRequest', m.decodeHelloRequest, new Uint8Array(0)],
  ['CertificateURL', m.decodeCertificateUrl, m.encodeCertificateUrl({ chainType: 0, urls: [{ url: 'http://a/b', hash: pattern(20) }, { url: 'http://c', hash: null }] })],
  ['CertificateStatus', m.decodeCertificateStatus, m.encodeCertificateStatus({ statusType: 1, response: pattern(30) })],
  ['server_name', m.decodeServerNameList, hex('000f' + '00' + '0003' + '612e62' + '07' + '0001' + 'ff' + '09' + '0002' + 'aabb')],
  ['max_fragment_length', m.decodeMaxFragmentLength, hex('04')],
  ['status_request', m.decodeStatusRequest, m.encodeStatusRequest(m.ocspStatusRequest([pattern(3), pattern(4)], pattern(5)))],
  ['trusted_ca_keys', m.decodeTrustedCaKeys, m.encodeTrustedCaKeys([{ type: 1, sha1Hash: pattern(20) }, { type: 2, distinguishedName: pattern(7) }, { type: 0 }])],
  ['renegotiation_info', m.decodeRenegotiationInfo, m.encodeRenegotiationInfo(pattern(24))],
];

function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  let b = Array.from(input);
  const edits = 1 + (rnd() % 3);
  for (let e = 0; e < edits; e++) {
    const pos = b.length === 0 ? 0 : rnd() % b.length;
    switch (rnd() % 6) {
      case 0: // any value
        if (b.length) b[pos] = rnd() & 0xff;
        break;
      case 1: // the extremes, which hit length fields hardest
        if (b.length) b[pos] = rnd() & 1 ? 0xff : 0x00;
        break;
      case 2: // off by one
        if (b.length) b[pos] = (b[pos]! + (rnd() & 1 ? 1 : 255)) & 0xff;
        break;
      case 3:
        b.splice(pos, 1);
        break;
      case 4:
        b.splice(pos, 0, rnd() & 0xff);
        break;
      default:
        b = b.slice(0, pos);
    }
  }
  return Uint8Array.from(b);
}

t.test('mutated messages give only DecodeError or TLSAlertError', async (t) => {
  const rnd = prng(0x5eed1234);
  for (const [name, decode, valid] of cases) {
    t.equal(outcome(() => decode(valid)), 'ok', `${name}: the seed input decodes`);
    const bad: string[] = [];
    let rejected = 0;
    for (let i = 0; i < 1500; i++) {
      const input = mutate(valid, rnd);
      const got = outcome(() => decode(input));
      if (got.startsWith('other')) bad.push(`${Buffer.from(input).toString('hex')}: ${got}`);
      else if (got !== 'ok') rejected++;
    }
    t.same(bad.slice(0, 5), [], `${name}: no other exception type in 1500 mutations`);
    t.ok(rejected > 0, `${name}: the mutations do reach the error paths (${rejected} rejected)`);
  }
});
