/**
 * Fragmentation of outgoing data into TLSPlaintext fragments (RFC 2246 6.2.1).
 * Returns views into the input: no copies; RecordProtection.seal copies once into the record.
 */
import { MAX_PLAINTEXT } from './constants.js';

/** Splits data into fragments of at most maxFragment bytes; empty input gives no fragments. */
export function fragment(data: Uint8Array, maxFragment: number = MAX_PLAINTEXT): Uint8Array[] {
  checkMax(maxFragment);
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < data.length; offset += maxFragment) {
    out.push(data.subarray(offset, Math.min(offset + maxFragment, data.length)));
  }
  return out;
}

/**
 * Fragments application data, optionally with 1/n-1 record splitting: the first record carries one
 * byte, so its CBC input is unpredictable to an attacker who chose the rest (the BEAST
 * countermeasure for TLS 1.0's implicit IV, as in NSS and OpenSSL's empty-fragment variant).
 * A 1-byte write is not split: there is nothing to split it from.
 */
export function splitApplicationData(data: Uint8Array, maxFragment: number, oneNMinusOne: boolean): Uint8Array[] {
  checkMax(maxFragment);
  if (!oneNMinusOne || data.length <= 1) return fragment(data, maxFragment);
  const out = [data.subarray(0, 1)];
  for (const piece of fragment(data.subarray(1), maxFragment)) out.push(piece);
  return out;
}

function checkMax(maxFragment: number): void {
  if (!Number.isInteger(maxFragment) || maxFragment < 1 || maxFragment > MAX_PLAINTEXT) {
    throw new RangeError(`maxFragment ${maxFragment} outside 1..2^14`);
  }
}
