/**
 * Record framing (RFC 2246 6.2.1): cuts the byte stream into TLSPlaintext/TLSCiphertext records
 * and enforces the limits that can be checked from the header alone, before any body arrives.
 * Sans-IO: push() network bytes in, next() records out.
 */
import { AlertDescription } from '../alerts.js';
import { TLSAlertError } from '../errors.js';
import { isKnownContentType, MAX_CIPHERTEXT, RECORD_HEADER_LENGTH } from './constants.js';
import { ByteQueue } from './byte-queue.js';

export interface TLSRecord {
  type: number;
  version: number;
  fragment: Uint8Array;
}

/** An SSL 2.0-compatible ClientHello (RFC 2246 Appendix E.1) seen as the very first record. */
export interface SSLv2HelloRecord {
  type: 'sslv2-client-hello';
  /** From msg_type onwards, i.e. the 2-byte record header removed. A copy of its own. */
  body: Uint8Array;
}

export interface RecordReaderOptions {
  /** Accept an SSLv2-compatible ClientHello as the first record (servers only). Default false. */
  acceptSSLv2Hello?: boolean;
  /** Largest TLSCiphertext.length accepted; default 2^14 + 2048 (RFC 2246 6.2.3). */
  maxCiphertextLength?: number;
}

/** V2ClientHello fixed part: msg_type(1) version(2) cipher_spec_length(2) session_id_length(2) challenge_length(2). */
const V2_HELLO_FIXED = 9;

export class RecordReader {
  /**
   * Records whose length field exceeds this are refused with record_overflow as soon as the header
   * is complete. Settable so the engine can lower it after max_fragment_length (2^n + 2048).
   */
  maxCiphertextLength: number;
  private readonly queue = new ByteQueue({ slab: true });
  /** True until the first record has been returned, when acceptSSLv2Hello was given. */
  private v2HelloAllowed: boolean;

  constructor(options: RecordReaderOptions = {}) {
    this.maxCiphertextLength = options.maxCiphertextLength ?? MAX_CIPHERTEXT;
    this.v2HelloAllowed = options.acceptSSLv2Hello ?? false;
  }

  /** Appends network bytes. The bytes are copied: the caller may reuse its buffer afterwards. */
  push(bytes: Uint8Array): void {
    if (this.spill) this.spill = joinBytes(this.spill, bytes);
    else this.queue.push(bytes);
  }

  /**
   * As push(), for bytes the caller hands over and never writes again (a socket read). Only the bytes
   * that complete a record already begun in the queue are copied; the rest is kept as it is, and the
   * records wholly inside it come out as views into it (issue 18: a 64 KiB socket read of 16 KiB
   * records was copied whole into the queue, ~2-3% of a socket run).
   */
  pushOwned(bytes: Uint8Array): void {
    const q = this.queue;
    if (this.spill) {
      // Rare: the caller fed again without reading records (an async hook holds the engine).
      this.spill = joinBytes(this.spill, bytes);
      return;
    }
    if (q.length === 0) {
      q.pushOwned(bytes);
      return;
    }
    if (q.length < RECORD_HEADER_LENGTH && !this.v2HelloAllowed) {
      const k = Math.min(RECORD_HEADER_LENGTH - q.length, bytes.length);
      q.push(bytes.subarray(0, k));
      bytes = bytes.subarray(k);
      if (bytes.length === 0) return;
    }
    const need = this.v2HelloAllowed || q.length < RECORD_HEADER_LENGTH ? 0 : RECORD_HEADER_LENGTH + ((q.peek(3) << 8) | q.peek(4)) - q.length;
    if (need <= 0 || need >= bytes.length) {
      // No begun record to complete (next() judges these bytes), or all of them belong to it.
      q.push(bytes);
      return;
    }
    q.push(bytes.subarray(0, need));
    this.spill = bytes.subarray(need);
  }
  /** The handed-over bytes after the record the queue is completing; the queue takes them once it drains. */
  private spill: Uint8Array | null = null;

  /** Bytes received but not yet returned as a record. */
  get buffered(): number {
    return this.queue.length + (this.spill?.length ?? 0);
  }

  /**
   * One complete record, or null when more bytes are needed. Throws TLSAlertError as soon as the
   * bytes seen so far cannot start a valid record; the returned fragment is a view that stays valid
   * (see ByteQueue). It may share its ArrayBuffer with other connections' records: decrypt or copy it
   * before it goes to the application (RecordProtection.open does).
   */
  next(): TLSRecord | SSLv2HelloRecord | null {
    const q = this.queue;
    if (this.spill && q.length === 0) {
      q.pushOwned(this.spill);
      this.spill = null;
    }
    const available = q.length;
    if (available === 0) return null;
    const type = q.peek(0);

    if (this.v2HelloAllowed && (type & 0x80) !== 0) return this.nextV2Hello();

    // Reject at the first byte: waiting for a body that may never come (or is 16 KiB of garbage,
    // e.g. an HTTP request sent to a TLS port) serves nobody.
    if (!isKnownContentType(type)) {
      throw new TLSAlertError(
        AlertDescription.unexpected_message,
        `RFC 2246 6.2.1: unknown content type ${type} (later RFCs' rule)`,
      );
    }
    if (available >= 2 && q.peek(1) !== 3) {
      // RFC 2246 names no alert for a foreign major version; protocol_version (70) is what
      // OpenSSL ("wrong version number") and Go send, and it tells the peer what is wrong.
      // Only the major byte is checked here: a ClientHello may come with any {3,x} record version
      // (RFC 2246 E.1, RFC 5246 E.1); the engine checks the minor version once it is negotiated.
      throw new TLSAlertError(
        AlertDescription.protocol_version,
        `RFC 2246 6.2.1: record version major ${q.peek(1)} is not 3`,
      );
    }
    if (available < RECORD_HEADER_LENGTH) return null;
    const length = (q.peek(3) << 8) | q.peek(4);
    if (length > this.maxCiphertextLength) {
      throw new TLSAlertError(
        AlertDescription.record_overflow,
        `RFC 2246 6.2.3: record length ${length} exceeds ${this.maxCiphertextLength}`,
      );
    }
    if (available < RECORD_HEADER_LENGTH + length) {
      // Bounded by maxCiphertextLength just above.
      q.reserve(RECORD_HEADER_LENGTH + length);
      return null;
    }

    const version = (q.peek(1) << 8) | q.peek(2);
    q.skip(RECORD_HEADER_LENGTH);
    this.v2HelloAllowed = false;
    return { type, version, fragment: q.take(length) };
  }

  /** RFC 2246 E.1: 2-byte header, top bit set, 15-bit length; then msg_type must be client_hello (1). */
  private nextV2Hello(): SSLv2HelloRecord | null {
    const q = this.queue;
    if (q.length < 2) return null;
    const length = ((q.peek(0) & 0x7f) << 8) | q.peek(1);
    if (length < V2_HELLO_FIXED) {
      throw new TLSAlertError(
        AlertDescription.decode_error,
        `RFC 2246 E.1: SSLv2-compatible ClientHello of ${length} bytes is shorter than its fixed fields`,
      );
    }
    if (q.length < 3) return null;
    if (q.peek(2) !== 1) {
      // Top bit set but not a CLIENT-HELLO: as far as TLS is concerned, an unknown content type.
      throw new TLSAlertError(
        AlertDescription.unexpected_message,
        `RFC 2246 E.1: SSLv2 record with msg_type ${q.peek(2)} is not a ClientHello`,
      );
    }
    if (q.length < 2 + length) return null;
    q.skip(2);
    this.v2HelloAllowed = false;
    // A copy, unlike record fragments: the engine keeps the hello (in its transcript) for as long as
    // the connection lives, and a view would keep a whole shared slab alive with it (see ByteQueue).
    return { type: 'sslv2-client-hello', body: q.take(length).slice() };
  }
}

/** Header + fragment as one array (for plaintext records; RecordProtection.seal builds its own). */
export function encodeRecord(type: number, version: number, fragment: Uint8Array): Uint8Array {
  if (fragment.length > 0xffff) throw new RangeError(`record fragment of ${fragment.length} bytes does not fit a uint16 length`);
  const out = new Uint8Array(RECORD_HEADER_LENGTH + fragment.length);
  writeHeader(out, type, version, fragment.length);
  out.set(fragment, RECORD_HEADER_LENGTH);
  return out;
}

/** Writes type, version and length into the 5 bytes of out at offset (default 0). */
export function writeHeader(out: Uint8Array, type: number, version: number, length: number, offset = 0): void {
  out[offset] = type;
  out[offset + 1] = version >>> 8;
  out[offset + 2] = version & 0xff;
  out[offset + 3] = length >>> 8;
  out[offset + 4] = length & 0xff;
}

/** a || b in a new array (the rare paths of RecordReader's handed-over input). */
function joinBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
