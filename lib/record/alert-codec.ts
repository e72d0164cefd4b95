/**
 * Alert (RFC 2246 7.2) and ChangeCipherSpec (7.1) record bodies.
 */
import { AlertDescription, AlertLevel } from '../alerts.js';
import { TLSAlertError } from '../errors.js';

export interface Alert {
  level: number;
  description: number;
}

export function encodeAlert(level: number, description: number): Uint8Array {
  return Uint8Array.of(level & 0xff, description & 0xff);
}

/**
 * The alerts in one alert record. RFC 2246 lets a record hold several (and, in theory, lets an alert
 * straddle two records); an odd length is treated as malformed since no stack splits a 2-byte
 * alert (Go's crypto/tls is stricter still and wants exactly one alert per record). An empty fragment gives [] and the engine decides what to make of it.
 * An unknown description is returned as is: it is the engine's job to treat it (fatal level → close).
 */
export function decodeAlerts(fragment: Uint8Array): Alert[] {
  if (fragment.length === 0) {
    // Not an alert at all (issue 21 item 10); OpenSSL 3 answers decode_error too.
    throw new TLSAlertError(AlertDescription.decode_error, 'RFC 2246 7.2: zero-length alert record');
  }
  if (fragment.length % 2 !== 0) {
    throw new TLSAlertError(AlertDescription.decode_error, `RFC 2246 7.2: alert record of ${fragment.length} bytes is not a whole number of alerts`);
  }
  const out: Alert[] = [];
  for (let i = 0; i < fragment.length; i += 2) {
    const level = fragment[i]!;
    if (level !== AlertLevel.warning && level !== AlertLevel.fatal) {
      throw new TLSAlertError(AlertDescription.illegal_parameter, `RFC 2246 7.2: alert level ${level} is neither warning(1) nor fatal(2)`);
    }
    out.push({ level, description: fragment[i + 1]! });
  }
  return out;
}

/** ChangeCipherSpec body: one byte, value 1 (RFC 2246 7.1). */
export function encodeChangeCipherSpec(): Uint8Array {
  return Uint8Array.of(1);
}

/** True for exactly [1]; anything else is a malformed ChangeCipherSpec. */
export function isValidChangeCipherSpec(fragment: Uint8Array): boolean {
  return fragment.length === 1 && fragment[0] === 1;
}
