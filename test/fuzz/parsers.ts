/**
 * Parser fuzz targets: functions that read peer (or file) bytes on their own, outside a Connection.
 * Each may fail only with a typed error (DecodeError, or TLSError for configuration input such as PEM);
 * anything else (TypeError, RangeError, an asn1js internal) is a finding.
 */
import { decodeCertificate } from '../../lib/messages/certificate.js';
import { decodeClientHello, encodeClientHello } from '../../lib/messages/client-hello.js';
import { decodeExtensionBlock } from '../../lib/messages/extensions/block.js';
import { decodeMaxFragmentLength } from '../../lib/messages/extensions/max-fragment-length.js';
import { decodeRenegotiationInfo } from '../../lib/messages/extensions/renegotiation-info.js';
import { decodeServerNameList } from '../../lib/messages/extensions/server-name.js';
import { decodeStatusRequest } from '../../lib/messages/extensions/status-request.js';
import { decodeTrustedCaKeys } from '../../lib/messages/extensions/trusted-ca-keys.js';
import { decodeSSLv2ClientHello } from '../../lib/messages/sslv2-client-hello.js';
import { decodeSession, encodeSession } from '../../lib/session/codec.js';
import { ByteReader } from '../../lib/util/bytes.js';
import { parseCertificate } from '../../lib/x509/certificate.js';
import { pemDecodeBlocks, pemEncode } from '../../lib/x509/pem.js';
import { fuzzPki } from './pki.js';

export interface ParserTarget {
  name: string;
  seeds: Uint8Array[];
  run(input: Uint8Array): void;
}

const enc = (s: string) => new TextEncoder().encode(s);

/** Extension types with a decoder of their own, tried on every extension of the block. */
const EXTENSION_DECODERS: Record<number, (d: Uint8Array) => unknown> = {
  0: decodeServerNameList,
  1: decodeMaxFragmentLength,
  3: decodeTrustedCaKeys,
  5: decodeStatusRequest,
  0xff01: decodeRenegotiationInfo,
};

let all: Promise<ParserTarget[]> | undefined;

export function parserTargets(): Promise<ParserTarget[]> {
  return (all ??= build());
}

async function build(): Promise<ParserTarget[]> {
  const pki = fuzzPki();
  const hello = encodeClientHello({
    version: 0x0301,
    random: new Uint8Array(32).fill(7),
    sessionId: new Uint8Array(0),
    cipherSuites: [0x002f, 0x000a],
    compressionMethods: [0],
    extensions: [
      { type: 0, data: new Uint8Array([0, 12, 0, 0, 9, ...enc('localhost')]) },
      { type: 1, data: new Uint8Array([2]) },
      { type: 3, data: new Uint8Array([0, 0]) },
      { type: 4, data: new Uint8Array(0) },
      { type: 5, data: new Uint8Array([1, 0, 0, 0, 0]) },
      { type: 0xff01, data: new Uint8Array([0]) },
    ],
  } as Parameters<typeof encodeClientHello>[0]);
  // The extension block is the tail of the hello: version 2, random 32, session_id 1, suites 2+4, compression 1+1.
  const extBlock = hello.subarray(2 + 32 + 1 + 2 + 4 + 1 + 1);
  const specs = [0x00, 0x00, 0x0a, 0x00, 0x00, 0x2f, 0x01, 0x00, 0x80];
  const v2 = new Uint8Array([1, 3, 1, 0, specs.length, 0, 0, 0, 16, ...specs, ...new Uint8Array(16).fill(9)]);
  const session = encodeSession({
    id: new Uint8Array(32).fill(1),
    masterSecret: new Uint8Array(48).fill(2),
    cipherSuite: 0x002f,
    compressionMethod: 0,
    createdAt: 1_700_000_000_000,
    lifetime: 86400,
    servername: 'localhost',
    peerCertificates: [pki.server.der],
  });
  const certMsg = (() => {
    const der = pki.server.der;
    const entry = new Uint8Array([der.length >> 16, (der.length >> 8) & 0xff, der.length & 0xff, ...der]);
    return new Uint8Array([entry.length >> 16, (entry.length >> 8) & 0xff, entry.length & 0xff, ...entry]);
  })();
  return [
    { name: 'certificate', seeds: [pki.server.der, pki.root.der, pki.client.der], run: (b) => void parseCertificate(b) },
    { name: 'certificate-message', seeds: [certMsg], run: (b) => decodeCertificate(b).forEach((d) => parseCertificate(d)) },
    { name: 'sslv2-hello', seeds: [v2], run: (b) => void decodeSSLv2ClientHello(b) },
    { name: 'client-hello', seeds: [hello], run: (b) => void decodeClientHello(b) },
    {
      name: 'extensions',
      seeds: [extBlock],
      run: (b) => {
        for (const e of decodeExtensionBlock(new ByteReader(b, 'extensions'))) EXTENSION_DECODERS[e.type]?.(e.data);
      },
    },
    { name: 'session-bytes', seeds: [session], run: (b) => void decodeSession(b) },
    {
      name: 'pem',
      seeds: [enc(pki.chainPem), enc(pemEncode(pki.root.der, 'CERTIFICATE') + pki.serverKeyPem)],
      run: (b) => void pemDecodeBlocks(b),
    },
  ];
}
