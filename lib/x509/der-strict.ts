/**
 * A strict DER structure check (X.690 8.1, 10.1), run on every certificate before asn1js sees it.
 *
 * asn1js reads BER and is lenient in ways that matter for a certificate from a hostile peer: a
 * SEQUENCE whose length is lowered by up to a few hundred bytes still parses (the children are read
 * past their parent's end), so one certificate has many encodings, many fingerprints and many
 * parsed-cache entries (issue 21 item 7). DER has exactly one encoding per value; this walker
 * enforces the structural part of that:
 *
 *   - every length is definite (no 0x80 indefinite form) and minimal: short form below 128, long
 *     form without a leading zero octet and only for 128 or more, at most 4 length octets;
 *   - the children of a constructed value cover exactly its content (no gap, no overrun);
 *   - the whole input is exactly one value (no trailing bytes);
 *   - high tag numbers (>= 31) are minimally encoded;
 *   - depth and node count are bounded (a hostile certificate cannot make the walk expensive).
 *
 * Primitive contents (an OCTET STRING wrapping an extension value, a BIT STRING wrapping a key) are
 * not entered here; the parser checks those again when it decodes them. Errors are DecodeError, so
 * the engine answers bad_certificate.
 */
import { DecodeError } from '../util/bytes.js';

/** Deeper than any real certificate (about 10 levels); the same bound the asn1js call uses. */
export const DER_MAX_DEPTH = 64;
/** More TLV nodes than any real certificate holds; bounds the walk on a hostile one. */
export const DER_MAX_NODES = 20000;

/** Throws DecodeError unless `der` is exactly one strictly DER-encoded value (structure only). */
export function checkStrictDer(der: Uint8Array, what = 'DER'): void {
  const state = { nodes: 0 };
  const end = walk(der, 0, der.length, 0, state, what);
  if (end !== der.length) throw new DecodeError(`${what}: ${der.length - end} trailing bytes after the outer value (not DER)`);
}

/** Reads one TLV at `off` (within `limit`), checks it and its children; returns the offset after it. */
function walk(der: Uint8Array, off: number, limit: number, depth: number, state: { nodes: number }, what: string): number {
  if (++state.nodes > DER_MAX_NODES) throw new DecodeError(`${what}: more than ${DER_MAX_NODES} values`);
  if (depth > DER_MAX_DEPTH) throw new DecodeError(`${what}: nested deeper than ${DER_MAX_DEPTH}`);
  const start = off;
  // A header cut off inside the input is a container whose length does not cover its children.
  const cut = (part: string) =>
    new DecodeError(limit === der.length ? `${what}: truncated ${part} at offset ${start}` : `${what}: ${part} at offset ${start} runs past its container (not DER)`);
  if (off >= limit) throw new DecodeError(`${what}: value expected at offset ${off}`);
  const id = der[off++]!;
  const constructed = (id & 0x20) !== 0;
  if ((id & 0x1f) === 0x1f) {
    // High tag number form (X.690 8.1.2.4): base-128, no leading 0x80, and only for numbers >= 31.
    if (off >= limit) throw cut('tag');
    if (der[off] === 0x80) throw new DecodeError(`${what}: non-minimal tag at offset ${start} (not DER)`);
    let tag = 0;
    for (let n = 0; ; n++) {
      if (off >= limit || n >= 4) throw new DecodeError(`${what}: bad tag at offset ${start}`);
      const b = der[off++]!;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tag < 31) throw new DecodeError(`${what}: tag ${tag} in the long form at offset ${start} (not DER)`);
  }
  if (off >= limit) throw cut('length');
  const first = der[off++]!;
  let length: number;
  if (first < 0x80) length = first;
  else if (first === 0x80) throw new DecodeError(`${what}: indefinite length at offset ${start} (not DER)`);
  else {
    const n = first & 0x7f;
    if (n > 4) throw new DecodeError(`${what}: ${n}-octet length at offset ${start}`);
    if (off + n > limit) throw cut('length');
    if (der[off] === 0) throw new DecodeError(`${what}: length with a leading zero octet at offset ${start} (not DER)`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[off++]!;
    if (length < 0x80) throw new DecodeError(`${what}: long-form length ${length} at offset ${start} (not DER: below 128 is short form)`);
  }
  const contentEnd = off + length;
  if (contentEnd > limit) {
    throw new DecodeError(`${what}: length ${length} at offset ${start} runs ${contentEnd - limit} bytes past its container (not DER)`);
  }
  if (constructed) {
    let child = off;
    while (child < contentEnd) child = walk(der, child, contentEnd, depth + 1, state, what);
    // walk() never returns past its limit, so child === contentEnd here: the children fill it exactly.
  }
  return contentEnd;
}
