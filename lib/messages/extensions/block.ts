/**
 * The extension list that follows the compression method(s) in an extended hello
 * (RFC 3546 2.1 / 2.2): Extension extensions<0..2^16-1>.
 */
import { ByteReader, ByteWriter, DecodeError } from '../../util/bytes.js';
import type { Extension } from './types.js';

/**
 * Reads the 2-byte-length block from `r` (which must be positioned at it) and parses every extension.
 * Throws DecodeError when an inner length overruns the block, when bytes are left over inside it,
 * and for a repeated type (RFC 3546 2.3: "There MUST NOT be more than one extension of the same type";
 * no alert is named there, so it is decode_error like any malformed hello).
 * Extension data are copies, so a decoded hello never aliases a reused receive buffer.
 */
export function decodeExtensionBlock(r: ByteReader): Extension[] {
  const block = r.sub(2, 'extensions');
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (!block.done) {
    const type = block.u16('extension_type');
    const data = block.vector(2, 'extension_data', 0, 0xffff);
    if (seen.has(type)) throw new DecodeError(`${r.context}: duplicate extension ${type} (RFC 3546 2.3)`);
    seen.add(type);
    out.push({ type, data: data.slice() });
  }
  return out;
}

/** The block with its 2-byte length. Refuses (as a programming error) a list that would be illegal on the wire. */
export function encodeExtensionBlock(exts: readonly Extension[]): Uint8Array {
  const seen = new Set<number>();
  const w = new ByteWriter();
  w.nested(2, (inner) => {
    for (const e of exts) {
      if (!Number.isInteger(e.type) || e.type < 0 || e.type > 0xffff) throw new RangeError(`extension type ${e.type} is not a uint16`);
      if (seen.has(e.type)) throw new RangeError(`extension ${e.type} listed twice (RFC 3546 2.3)`);
      seen.add(e.type);
      inner.u16(e.type).vector(2, e.data);
    }
  });
  return w.finish();
}

/** The extension of the given type, if present. `null` (no extension block at all) finds nothing. */
export function findExtension(exts: readonly Extension[] | null | undefined, type: number): Extension | undefined {
  return exts?.find((e) => e.type === type);
}
