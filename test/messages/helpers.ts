/**
 * Shared assertions for the message-codec tests: every bad input must end in DecodeError or TLSAlertError,
 * never another exception (a TypeError or RangeError from a decoder would escape the engine's alert mapping).
 */
import type { Test } from 'tap';
import { DecodeError, fromHex } from '../../lib/util/bytes.js';
import { TLSAlertError } from '../../lib/errors.js';
import { expectAlert as sharedExpectAlert } from '../helpers/expect-alert.js';

export const hex = (s: string): Uint8Array => fromHex(s);

/** 'ok', 'decode', 'alert:N', or 'other:<name>: <message>' for anything a decoder must never throw. */
export function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof DecodeError) return 'decode';
    if (err instanceof TLSAlertError) return `alert:${err.alert}`;
    return `other:${(err as Error)?.name}: ${(err as Error)?.message}`;
  }
}

/** fn must throw DecodeError (optionally with a message matching `pattern`). */
export function expectDecodeError(t: Test, fn: () => unknown, message: string, pattern?: RegExp): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof DecodeError)) {
      t.fail(`${message}: threw ${String(err)} instead of DecodeError`);
      return;
    }
    t.pass(`${message}: DecodeError`);
    if (pattern) t.match(err.message, pattern, `${message}: message`);
    return;
  }
  t.fail(`${message}: did not throw`);
}

/** The shared expectAlert (test/helpers/expect-alert.ts) with the argument order of the message tests. */
export function expectAlert(t: Test, fn: () => unknown, alert: number, message: string, pattern?: RegExp): void {
  sharedExpectAlert(t, fn, alert, pattern, message);
}

/**
 * Every proper prefix of `valid` must be refused with DecodeError, except the lengths in `validPrefixes`
 * (e.g. a hello cut exactly before its extension block is a valid plain hello), which must decode.
 */
export function expectTruncationsRejected(
  t: Test,
  decode: (b: Uint8Array) => unknown,
  valid: Uint8Array,
  label: string,
  validPrefixes: readonly number[] = [],
): void {
  t.equal(outcome(() => decode(valid)), 'ok', `${label}: the untruncated input decodes`);
  const wrong: string[] = [];
  for (let n = 0; n < valid.length; n++) {
    const got = outcome(() => decode(valid.slice(0, n)));
    const want = validPrefixes.includes(n) ? 'ok' : 'decode';
    if (got !== want) wrong.push(`${n}: ${got}`);
  }
  t.same(wrong, [], `${label}: all ${valid.length} truncations give DecodeError`);
}

/** One extra byte (of each of two values) at the end must be refused with DecodeError. */
export function expectTrailingRejected(t: Test, decode: (b: Uint8Array) => unknown, valid: Uint8Array, label: string): void {
  for (const extra of [0x00, 0xff]) {
    const b = new Uint8Array(valid.length + 1);
    b.set(valid);
    b[valid.length] = extra;
    t.equal(outcome(() => decode(b)), 'decode', `${label}: one trailing 0x${extra.toString(16).padStart(2, '0')} byte`);
  }
}

/** Deterministic PRNG (xorshift32) so a failing fuzz case can be reproduced. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** A deterministic pattern of n bytes (not random: tests must be reproducible). */
export function pattern(n: number, start = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (start + i) & 0xff;
  return b;
}
