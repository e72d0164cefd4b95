/**
 * ClientHello (RFC 2246 7.4.1.2, extended form RFC 3546 2.1).
 *
 *   struct { ProtocolVersion client_version; Random random; SessionID session_id;
 *            CipherSuite cipher_suites<2..2^16-1>; CompressionMethod compression_methods<1..2^8-1>;
 *            [Extension client_hello_extension_list<0..2^16-1>;] } ClientHello;
 *
 * Purely structural: whether the version, suites and methods are acceptable is the engine's and policy's call
 * (e.g. compression_methods without null(0) is a handshake failure decided there).
 */
import { ByteReader, ByteWriter, DecodeError } from '../util/bytes.js';
import type { Extension } from './extensions/types.js';
import { readOptionalExtensions, readRandomAndSessionId, writeOptionalExtensions, writeRandomAndSessionId } from './hello-fields.js';

export interface ClientHello {
  /** client_version as a uint16, e.g. 0x0301. */
  version: number;
  /** 32 bytes. */
  random: Uint8Array;
  /** 0..32 bytes. */
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  /** null = no extension block at all (plain hello); [] = an empty block (`00 00`). */
  extensions: Extension[] | null;
}

/** The body only (no 4-byte handshake header). */
export function encodeClientHello(ch: ClientHello): Uint8Array {
  if (ch.cipherSuites.length === 0) throw new RangeError('cipher_suites<2..2^16-1> needs at least one suite');
  if (ch.compressionMethods.length === 0) throw new RangeError('compression_methods<1..2^8-1> needs at least one method');
  const w = new ByteWriter();
  w.u16(ch.version);
  writeRandomAndSessionId(w, ch.random, ch.sessionId);
  w.nested(2, (s) => {
    for (const suite of ch.cipherSuites) s.u16(suite);
  });
  w.vector(1, Uint8Array.from(ch.compressionMethods));
  writeOptionalExtensions(w, ch.extensions);
  return w.finish();
}

export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body, 'ClientHello');
  const version = r.u16('client_version');
  const { random, sessionId } = readRandomAndSessionId(r);
  const suites = r.vector(2, 'cipher_suites', 2, 0xffff);
  if (suites.length % 2 !== 0) throw new DecodeError(`ClientHello: cipher_suites length ${suites.length} is odd`);
  const cipherSuites: number[] = [];
  for (let i = 0; i < suites.length; i += 2) cipherSuites.push((suites[i]! << 8) | suites[i + 1]!);
  const compressionMethods = Array.from(r.vector(1, 'compression_methods', 1, 0xff));
  const extensions = readOptionalExtensions(r);
  return { version, random, sessionId, cipherSuites, compressionMethods, extensions };
}

export { decodeSSLv2ClientHello } from './sslv2-client-hello.js';
