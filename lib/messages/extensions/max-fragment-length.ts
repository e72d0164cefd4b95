/**
 * max_fragment_length (RFC 3546 3.2): enum { 2^9(1), 2^10(2), 2^11(3), 2^12(4), (255) } MaxFragmentLength;
 * extension_data is that single byte, in the ClientHello (request) and the ServerHello (the same value echoed).
 */
import { DecodeError } from '../../util/bytes.js';
import { TLSAlertError } from '../../errors.js';
import { AlertDescription } from '../../alerts.js';

export const MaxFragmentLength = { '2^9': 1, '2^10': 2, '2^11': 3, '2^12': 4 } as const;
export type MaxFragmentLengthCode = 1 | 2 | 3 | 4;

function isCode(v: number): v is MaxFragmentLengthCode {
  return v === 1 || v === 2 || v === 3 || v === 4;
}

/** Plaintext fragment limit in bytes for a code: 1 → 512 ... 4 → 4096. */
export function maxFragmentLengthBytes(code: MaxFragmentLengthCode): number {
  return 1 << (8 + code);
}

/** The code for a limit of 512, 1024, 2048 or 4096 bytes; undefined for any other size. */
export function maxFragmentLengthCode(bytes: number): MaxFragmentLengthCode | undefined {
  const code = Math.log2(bytes) - 8;
  return isCode(code) ? code : undefined;
}

export function encodeMaxFragmentLength(code: MaxFragmentLengthCode): Uint8Array {
  if (!isCode(code)) throw new RangeError(`max_fragment_length code ${code} is not 1..4`);
  return Uint8Array.of(code);
}

/**
 * Parses either hello's form. The body must be exactly one byte (else DecodeError); a value outside 1..4 is
 * TLSAlertError illegal_parameter (47), as RFC 3546 3.2 mandates for the server ("MUST abort the handshake
 * with an illegal_parameter alert"); a client seeing a bad value in the ServerHello aborts the same way.
 */
export function decodeMaxFragmentLength(data: Uint8Array): MaxFragmentLengthCode {
  if (data.length !== 1) throw new DecodeError(`max_fragment_length: extension_data must be 1 byte, got ${data.length}`);
  const v = data[0]!;
  if (!isCode(v)) {
    throw new TLSAlertError(AlertDescription.illegal_parameter, `RFC 3546 3.2: max_fragment_length value ${v} is not one of 1..4`);
  }
  return v;
}
