/**
 * Fields shared by ClientHello and ServerHello (RFC 2246 7.4.1.2 / 7.4.1.3).
 */
import { ByteReader, ByteWriter, DecodeError } from '../util/bytes.js';
import { MAX_SESSION_ID_LENGTH, RANDOM_LENGTH } from './types.js';
import { decodeExtensionBlock, encodeExtensionBlock } from './extensions/block.js';
import type { Extension } from './extensions/types.js';

export function writeRandomAndSessionId(w: ByteWriter, random: Uint8Array, sessionId: Uint8Array): void {
  if (random.length !== RANDOM_LENGTH) throw new RangeError(`Random must be ${RANDOM_LENGTH} bytes, got ${random.length}`);
  if (sessionId.length > MAX_SESSION_ID_LENGTH) throw new RangeError(`SessionID<0..32> cannot hold ${sessionId.length} bytes`);
  w.bytes(random).vector(1, sessionId);
}

export function readRandomAndSessionId(r: ByteReader): { random: Uint8Array; sessionId: Uint8Array } {
  const random = r.bytes(RANDOM_LENGTH, 'random').slice();
  const sessionId = r.vector(1, 'session_id', 0, MAX_SESSION_ID_LENGTH).slice();
  return { random, sessionId };
}

/** `null` writes nothing (a plain hello); an array, even empty, writes the extension block. */
export function writeOptionalExtensions(w: ByteWriter, extensions: readonly Extension[] | null): void {
  if (extensions) w.bytes(encodeExtensionBlock(extensions));
}

/**
 * RFC 3546 2.1 / 2.2: after the compression method(s) comes either nothing (plain hello) or exactly one
 * extension block that ends the message. Anything else, including RFC 2246's tolerated trailing data, is
 * decode_error: "the server MUST check that the amount of data in the message precisely matches one of
 * these formats". Ends the reader.
 */
export function readOptionalExtensions(r: ByteReader): Extension[] | null {
  if (r.done) return null;
  if (r.remaining < 2) throw new DecodeError(`${r.context}: ${r.remaining} byte after compression method(s) is neither nothing nor an extension block`);
  const exts = decodeExtensionBlock(r);
  r.end();
  return exts;
}
