/**
 * ServerHello (RFC 2246 7.4.1.3, extended form RFC 3546 2.2).
 *
 *   struct { ProtocolVersion server_version; Random random; SessionID session_id;
 *            CipherSuite cipher_suite; CompressionMethod compression_method;
 *            [Extension server_hello_extension_list<0..2^16-1>;] } ServerHello;
 *
 * Structural only: whether the server chose something we offered (and only extensions we sent,
 * unsupported_extension 110 otherwise) is the client engine's check.
 */
import { ByteReader, ByteWriter } from '../util/bytes.js';
import type { Extension } from './extensions/types.js';
import { readOptionalExtensions, readRandomAndSessionId, writeOptionalExtensions, writeRandomAndSessionId } from './hello-fields.js';

export interface ServerHello {
  /** server_version as a uint16, e.g. 0x0301. */
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  /** null = no extension block at all; [] = an empty block. */
  extensions: Extension[] | null;
}

export function encodeServerHello(sh: ServerHello): Uint8Array {
  const w = new ByteWriter();
  w.u16(sh.version);
  writeRandomAndSessionId(w, sh.random, sh.sessionId);
  w.u16(sh.cipherSuite).u8(sh.compressionMethod);
  writeOptionalExtensions(w, sh.extensions);
  return w.finish();
}

export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body, 'ServerHello');
  const version = r.u16('server_version');
  const { random, sessionId } = readRandomAndSessionId(r);
  const cipherSuite = r.u16('cipher_suite');
  const compressionMethod = r.u8('compression_method');
  const extensions = readOptionalExtensions(r);
  return { version, random, sessionId, cipherSuite, compressionMethod, extensions };
}
