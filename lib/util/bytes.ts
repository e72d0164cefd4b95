/**
 * Byte helpers used everywhere below the socket layer.
 * Everything is Uint8Array: no Node Buffer, so the core runs in any JS runtime.
 */

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The two ASCII hex digits of every byte value: HEX_DIGITS[2b], HEX_DIGITS[2b + 1]. */
const HEX_DIGITS = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  const h = b.toString(16).padStart(2, '0');
  HEX_DIGITS[2 * b] = h.charCodeAt(0);
  HEX_DIGITS[2 * b + 1] = h.charCodeAt(1);
}

/**
 * Lowercase hex. Built as ASCII bytes and decoded once, which gives one flat string: appending with
 * += made a rope of 2n pieces (~1.4 KB of heap for a 32-byte session ID used as a Map key) and cost
 * O(n) allocations (10x slower at 300 bytes, 40x at 16 KiB).
 */
export function toHex(bytes: Uint8Array): string {
  const n = bytes.length;
  const ascii = new Uint8Array(2 * n);
  for (let i = 0, j = 0; i < n; i++, j += 2) {
    const k = bytes[i]! << 1;
    ascii[j] = HEX_DIGITS[k]!;
    ascii[j + 1] = HEX_DIGITS[k + 1]!;
  }
  // `decoder` (UTF-8, below) is only used at call time; ASCII decodes to itself.
  return decoder.decode(ascii);
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new TypeError('fromHex: not a hex string');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const utf8 = (s: string): Uint8Array => encoder.encode(s);
export const fromUtf8 = (b: Uint8Array): string => decoder.decode(b);

/** Plain equality (not for secrets). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Equality whose running time depends only on the lengths (for MACs and verify_data). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Thrown by ByteReader when the input is shorter or longer than its structure says. */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

/**
 * The one bounds-checked reader for wire data. Every length read from the wire goes through it,
 * so a lie in a length field becomes a DecodeError (turned into decode_error 50 by the engine),
 * never an out-of-range read.
 */
export class ByteReader {
  private pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    /** Names the structure in error messages, e.g. "ClientHello". */
    readonly context = 'message',
  ) {}

  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  get done(): boolean {
    return this.pos === this.buf.length;
  }

  private need(n: number, what: string): void {
    if (n > this.buf.length - this.pos) {
      throw new DecodeError(`${this.context}: ${what} needs ${n} bytes, ${this.buf.length - this.pos} left`);
    }
  }

  u8(what = 'uint8'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }
  u16(what = 'uint16'): number {
    this.need(2, what);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u24(what = 'uint24'): number {
    this.need(3, what);
    const v = (this.buf[this.pos]! << 16) | (this.buf[this.pos + 1]! << 8) | this.buf[this.pos + 2]!;
    this.pos += 3;
    return v;
  }
  /** Exactly n bytes (a view into the input, not a copy). */
  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** A vector with a 1-, 2- or 3-byte length prefix, checked against [min, max] and what remains. */
  vector(lengthBytes: 1 | 2 | 3, what: string, min = 0, max = Infinity): Uint8Array {
    const len = lengthBytes === 1 ? this.u8(what) : lengthBytes === 2 ? this.u16(what) : this.u24(what);
    if (len < min || len > max) throw new DecodeError(`${this.context}: ${what} length ${len} outside ${min}..${max}`);
    return this.bytes(len, what);
  }
  /** A sub-reader over a length-prefixed vector. */
  sub(lengthBytes: 1 | 2 | 3, what: string, min = 0, max = Infinity): ByteReader {
    return new ByteReader(this.vector(lengthBytes, what, min, max), `${this.context}.${what}`);
  }
  /** The bytes read since `start` (an earlier `offset`), as a view. */
  since(start: number): Uint8Array {
    return this.buf.subarray(start, this.pos);
  }
  rest(): Uint8Array {
    const v = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return v;
  }
  /** Refuses trailing bytes: structures in TLS have exact lengths. */
  end(): void {
    if (this.pos !== this.buf.length) {
      throw new DecodeError(`${this.context}: ${this.buf.length - this.pos} trailing bytes`);
    }
  }
}

/** Growable writer for building wire structures. */
export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;
  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  get length(): number {
    return this.pos;
  }
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  u24(v: number): this {
    this.ensure(3);
    this.buf[this.pos++] = (v >>> 16) & 0xff;
    this.buf[this.pos++] = (v >>> 8) & 0xff;
    this.buf[this.pos++] = v & 0xff;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  /** Writes a length-prefixed vector; throws (a bug, not peer input) if it does not fit the prefix. */
  vector(lengthBytes: 1 | 2 | 3, b: Uint8Array): this {
    const max = lengthBytes === 1 ? 0xff : lengthBytes === 2 ? 0xffff : 0xffffff;
    if (b.length > max) throw new RangeError(`vector of ${b.length} bytes does not fit a ${lengthBytes}-byte length`);
    if (lengthBytes === 1) this.u8(b.length);
    else if (lengthBytes === 2) this.u16(b.length);
    else this.u24(b.length);
    return this.bytes(b);
  }
  /** Writes a length-prefixed vector whose body is produced by `fill`. */
  nested(lengthBytes: 1 | 2 | 3, fill: (w: ByteWriter) => void): this {
    const inner = new ByteWriter();
    fill(inner);
    return this.vector(lengthBytes, inner.finish());
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
