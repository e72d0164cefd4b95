/**
 * The SSL 2.0-compatible CLIENT-HELLO that TLS 1.0 servers must accept (RFC 2246 E.1; header detail from
 * RFC 5246 E.2), turned into an ordinary ClientHello.
 *
 *   uint8 msg_type (= 1); Version version; uint16 cipher_spec_length; uint16 session_id_length;
 *   uint16 challenge_length; V2CipherSpec cipher_specs[cipher_spec_length];
 *   opaque session_id[session_id_length]; opaque challenge[challenge_length];
 *
 * The 2-byte SSLv2 record header (top bit set + 15-bit length) is the record layer's; `body` starts at msg_type.
 * The handshake hash covers exactly these bytes (msg_type onwards, RFC 5246 E.2), which is why the caller keeps
 * them as received rather than re-encoding the result.
 */
import { ByteReader, DecodeError } from '../util/bytes.js';
import type { ClientHello } from './client-hello.js';
import { CompressionMethod, RANDOM_LENGTH } from './types.js';

/** SSLv2 CLIENT-HELLO message type. */
const SSL2_MT_CLIENT_HELLO = 1;

/**
 * Fields checked:
 * - cipher_spec_length: non-zero multiple of 3 (each V2CipherSpec is 3 bytes);
 * - session_id_length: 0 or 16 (RFC 2246 E.1: "must have a value of either zero or 16");
 * - challenge_length: 16..32 (RFC 2246 E.1 allows rejecting fewer than 16 bytes; RFC 5246 E.2 says 16..32
 *   historically; longer would not fit ClientHello.random without dropping bytes);
 * - the three vectors fill the body exactly.
 * Cipher specs whose first byte is 0 are TLS suites {hi, lo}; the others are SSLv2 kinds and are dropped.
 * The result may therefore have no cipher suites at all: the engine then fails the handshake
 * (handshake_failure, no common suite) like for any hello without a suite it can use.
 * The challenge is right-justified in the 32-byte random, zero-padded on the left (RFC 2246 E.1).
 * SSLv2 has no compression or extensions: compressionMethods = [null], extensions = null.
 */
export function decodeSSLv2ClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body, 'SSLv2 ClientHello');
  const msgType = r.u8('msg_type');
  if (msgType !== SSL2_MT_CLIENT_HELLO) throw new DecodeError(`SSLv2 ClientHello: msg_type ${msgType} is not CLIENT-HELLO (1)`);
  const version = r.u16('version');
  const specLength = r.u16('cipher_spec_length');
  const sessionIdLength = r.u16('session_id_length');
  const challengeLength = r.u16('challenge_length');
  if (specLength === 0 || specLength % 3 !== 0) {
    throw new DecodeError(`SSLv2 ClientHello: cipher_spec_length ${specLength} is not a non-zero multiple of 3`);
  }
  if (sessionIdLength !== 0 && sessionIdLength !== 16) {
    throw new DecodeError(`SSLv2 ClientHello: session_id_length ${sessionIdLength} is neither 0 nor 16`);
  }
  if (challengeLength < 16 || challengeLength > RANDOM_LENGTH) {
    throw new DecodeError(`SSLv2 ClientHello: challenge_length ${challengeLength} outside 16..32`);
  }
  if (r.remaining !== specLength + sessionIdLength + challengeLength) {
    throw new DecodeError(
      `SSLv2 ClientHello: lengths add up to ${specLength + sessionIdLength + challengeLength} bytes, ${r.remaining} present`,
    );
  }
  const specs = r.bytes(specLength, 'cipher_specs');
  const sessionId = r.bytes(sessionIdLength, 'session_id').slice();
  const challenge = r.bytes(challengeLength, 'challenge');
  r.end();

  const cipherSuites: number[] = [];
  for (let i = 0; i < specs.length; i += 3) {
    if (specs[i] === 0) cipherSuites.push((specs[i + 1]! << 8) | specs[i + 2]!);
  }
  const random = new Uint8Array(RANDOM_LENGTH);
  random.set(challenge, RANDOM_LENGTH - challenge.length);
  return { version, random, sessionId, cipherSuites, compressionMethods: [CompressionMethod.null], extensions: null };
}
