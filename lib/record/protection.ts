/**
 * Record protection for one direction of one connection state (RFC 2246 6.2.3):
 * MAC-then-encrypt with HMAC (6.2.3.1), stream ciphers (6.2.3.1) and CBC block ciphers with the
 * TLS 1.0 implicit IV (6.2.3.2). The sequence number (6.1) lives here because it belongs to the state.
 */
import { AlertDescription } from '../alerts.js';
import type { BulkCipher, CryptoProvider, Mac } from '../crypto/provider.js';
import { TLSAlertError, TLSError } from '../errors.js';
import { cipherInfo, macInfo, type CipherSuite } from '../suites.js';
import { constantTimeEqual } from '../util/bytes.js';
import { MAX_CIPHERTEXT, MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from './constants.js';
import { writeHeader, type TLSRecord } from './framing.js';

export interface TrafficKeys {
  macKey: Uint8Array;
  key: Uint8Array;
  iv: Uint8Array;
}

export interface RecordProtectionOptions {
  /** RFC 3546 3.5 truncated_hmac: send and check only the first 10 bytes of the HMAC (the MAC key stays full length). */
  truncatedMac?: boolean;
  /**
   * RFC 7366 encrypt-then-MAC, for block ciphers only (ignored by create() for stream and NULL
   * ciphers, where RFC 7366 2 says it must not be used): the record is ENC(content + padding)
   * followed by HMAC(seq_num + type + version + length + ciphertext), checked before decrypting.
   */
  encryptThenMac?: boolean;
  /** First sequence number; 0 for every real connection state (RFC 2246 6.1). For tests and replay tools. */
  initialSequenceNumber?: bigint;
}

export type ProtectionDirection = 'seal' | 'open';

/** RFC 3546 3.5: hash_size 10 bytes when truncated_hmac is negotiated. */
export const TRUNCATED_MAC_LENGTH = 10;

/** seq_num(8) + type(1) + version(2) + length(2): the MAC input before the fragment (6.2.3.1). */
const MAC_HEADER_LENGTH = 13;
const TWO_32 = 0x1_0000_0000;
const MAX_SEQUENCE = (1n << 64n) - 1n;
/**
 * seq_num, type, version, length of the record being MACed. One for the process, not one per
 * state: computeMac fills it and the Mac consumes it in the same synchronous call (an idle
 * connection then keeps two typed arrays fewer, ~400 B).
 */
const MAC_HEADER = new Uint8Array(MAC_HEADER_LENGTH);

/** One error, one message, one code path for bad padding and bad MAC (no padding oracle). */
function badRecordMac(): TLSAlertError {
  return new TLSAlertError(AlertDescription.bad_record_mac, 'RFC 2246 6.2.3: bad record MAC or padding');
}

export class RecordProtection {
  /** True for TLS_NULL_WITH_NULL_NULL: records pass through unchanged. */
  readonly isNull: boolean;
  /** Cipher block size; 0 for stream and null ciphers. */
  readonly blockSize: number;
  /** Bytes of MAC per record (10 with truncated_hmac). */
  readonly macLength: number;
  /** RFC 7366: MAC over the ciphertext (block ciphers only). */
  readonly encryptThenMac: boolean;
  /**
   * Largest plaintext accepted by open(); larger → record_overflow. Default 2^14: with null
   * compression TLSCompressed is TLSPlaintext, whose length is limited to 2^14 (RFC 2246 6.2.1),
   * which OpenSSL and GnuTLS enforce too. The engine lowers it to 2^n after max_fragment_length
   * (RFC 3546 3.2), or may raise it to MAX_COMPRESSED for the letter of RFC 2246 7.2.2.
   */
  maxPlaintextLength = MAX_PLAINTEXT;

  private readonly direction: ProtectionDirection | 'both';
  private readonly cipher: BulkCipher | null;
  private readonly mac: Mac | null;
  private seqHi = 0;
  private seqLo = 0;
  /** Set once sequence number 2^64-1 has been used: the next record would wrap. */
  private exhausted = false;

  private constructor(
    direction: ProtectionDirection | 'both',
    cipher: BulkCipher | null,
    mac: Mac | null,
    blockSize: number,
    macLength: number,
    initialSequence: bigint,
    encryptThenMac = false,
  ) {
    this.encryptThenMac = encryptThenMac;
    this.direction = direction;
    this.cipher = cipher;
    this.mac = mac;
    this.blockSize = blockSize;
    this.macLength = macLength;
    this.isNull = cipher === null && mac === null;
    if (initialSequence < 0n || initialSequence > MAX_SEQUENCE) {
      throw new RangeError(`initial sequence number ${initialSequence} is not a uint64`);
    }
    this.seqHi = Number(initialSequence >> 32n);
    this.seqLo = Number(initialSequence & 0xffff_ffffn);
  }

  /** The TLS_NULL_WITH_NULL_NULL state every connection starts in (RFC 2246 6.1); usable both ways. */
  static none(): RecordProtection {
    return new RecordProtection('both', null, null, 0, 0, 0n);
  }

  /**
   * A pending-then-current state for one direction. keys.key and keys.iv are the final (expanded)
   * write key and IV; keys.macKey the MAC secret. Throws TypeError/RangeError for caller bugs
   * (a suite without an implementation, keys of the wrong size).
   */
  static create(
    provider: CryptoProvider,
    suite: CipherSuite,
    keys: TrafficKeys,
    direction: ProtectionDirection,
    options: RecordProtectionOptions = {},
  ): RecordProtection {
    const cinfo = cipherInfo(suite);
    const minfo = macInfo(suite);
    const initial = options.initialSequenceNumber ?? 0n;
    if (cinfo.type === 'null' && minfo.hash === null) {
      return new RecordProtection(direction, null, null, 0, 0, initial);
    }
    if (cinfo.type !== 'null' && cinfo.provider === null) {
      throw new TypeError(`RecordProtection: no implementation of ${suite.cipher} (${suite.name})`);
    }
    checkLength('MAC key', keys.macKey, minfo.length);
    checkLength('key', keys.key, cinfo.expandedKeyMaterial);
    checkLength('IV', keys.iv, cinfo.ivSize);

    const cipher =
      cinfo.provider === null
        ? null
        : provider.createCipher(cinfo.provider, keys.key, cinfo.type === 'block' ? keys.iv : null, direction === 'seal');
    const mac = minfo.hash === null ? null : provider.createMac(minfo.hash, keys.macKey);
    const macLength = minfo.hash === null ? 0 : options.truncatedMac ? TRUNCATED_MAC_LENGTH : minfo.length;
    const block = cinfo.type === 'block';
    const etm = block && mac !== null && options.encryptThenMac === true;
    return new RecordProtection(direction, cipher, mac, block ? cinfo.blockSize : 0, macLength, initial, etm);
  }

  /** The sequence number the next record will use. */
  get sequenceNumber(): bigint {
    if (this.exhausted) return MAX_SEQUENCE + 1n;
    return (BigInt(this.seqHi) << 32n) | BigInt(this.seqLo);
  }

  /** Protects one plaintext fragment and returns the whole record (header + TLSCiphertext.fragment). */
  seal(type: number, version: number, plaintext: Uint8Array): Uint8Array {
    this.checkSeal(plaintext);
    const out = new Uint8Array(this.sealedLength(plaintext.length));
    this.write(out, 0, type, version, plaintext);
    return out;
  }

  /**
   * seal() into `out` at `offset`, for a caller that sends several records as one array: it sizes
   * the array with sealedLength() and seals each record in place, instead of concatenating records
   * (one more copy of every byte). Writes exactly sealedLength(plaintext.length) bytes and returns
   * that count; RangeError, before anything changes, if they do not fit.
   */
  sealInto(out: Uint8Array, offset: number, type: number, version: number, plaintext: Uint8Array): number {
    this.checkSeal(plaintext);
    const length = this.sealedLength(plaintext.length);
    if (!Number.isInteger(offset) || offset < 0 || offset + length > out.length) {
      throw new RangeError(`RecordProtection.sealInto: ${length} bytes at offset ${offset} do not fit in ${out.length}`);
    }
    this.write(out, offset, type, version, plaintext);
    return length;
  }

  /** Bytes of the whole record (header included) that sealing a fragment of plaintextLength bytes makes. */
  sealedLength(plaintextLength: number): number {
    if (this.encryptThenMac) {
      // RFC 7366 3: padding to the block boundary covers the content alone; the MAC follows the ciphertext.
      const bs = this.blockSize;
      return RECORD_HEADER_LENGTH + plaintextLength + (bs - (plaintextLength % bs)) + this.macLength;
    }
    let fragmentLength = plaintextLength + this.macLength;
    const bs = this.blockSize;
    // Minimal padding: padding_length byte plus what reaches the next block boundary (see write()).
    if (bs > 0) fragmentLength += bs - (fragmentLength % bs);
    return RECORD_HEADER_LENGTH + fragmentLength;
  }

  private checkSeal(plaintext: Uint8Array): void {
    if (this.direction === 'open') throw new TypeError('RecordProtection.seal on a state created for open');
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new RangeError(`RFC 2246 6.2.1: plaintext fragment of ${plaintext.length} bytes exceeds 2^14; fragment first`);
    }
    this.checkSequence();
  }

  /** Writes the record at out[offset..]; the caller has checked the state, the input and the room. */
  private write(out: Uint8Array, offset: number, type: number, version: number, plaintext: Uint8Array): void {
    if (this.encryptThenMac) {
      this.writeEncryptThenMac(out, offset, type, version, plaintext);
      return;
    }
    const body = offset + RECORD_HEADER_LENGTH;
    const fragmentLength = this.writeFragment(out, body, type, version, plaintext);
    writeHeader(out, type, version, fragmentLength, offset);
    // The BulkCipher interface returns a new array, so the fragment is encrypted as a whole and the
    // result copied back. Encrypting the caller's plaintext directly and only the short tail (content
    // remainder, MAC, padding) assembled was measured slower: the second update() costs more than
    // the copy it saves (native AES128-SHA seal: -6% at 16 KiB, -16% at 1 KiB).
    if (this.cipher !== null) out.set(this.cipher.update(out.subarray(body, body + fragmentLength)), body);
  }

  /**
   * RFC 7366 3: ENC(content + padding + padding_length), then the MAC over that ciphertext with
   * length = the ciphertext's length (TLS 1.0 has no explicit IV, so the IV part of the input is empty).
   */
  private writeEncryptThenMac(out: Uint8Array, offset: number, type: number, version: number, plaintext: Uint8Array): void {
    const body = offset + RECORD_HEADER_LENGTH;
    const plen = plaintext.length;
    const bs = this.blockSize;
    const padLength = bs - 1 - (plen % bs);
    const cipherLength = plen + padLength + 1;
    out.set(plaintext, body);
    out.fill(padLength, body + plen, body + cipherLength);
    const ciphertext = this.cipher!.update(out.subarray(body, body + cipherLength));
    out.set(ciphertext, body);
    const tag = this.computeMac(type, version, ciphertext);
    const macLength = this.macLength;
    out.set(macLength === tag.length ? tag : tag.subarray(0, macLength), body + cipherLength);
    writeHeader(out, type, version, cipherLength + macLength, offset);
    this.advance();
  }

  /**
   * Writes TLSCompressed.fragment + MAC + padding (the cipher's input, 6.2.3) at buf[at..] and moves
   * to the next sequence number; returns the fragment's length. Nothing is encrypted here.
   */
  private writeFragment(buf: Uint8Array, at: number, type: number, version: number, plaintext: Uint8Array): number {
    const plen = plaintext.length;
    const macLength = this.macLength;
    const bs = this.blockSize;
    let fragmentLength = plen + macLength;
    let padLength = 0;
    if (bs > 0) {
      // Minimal padding: the RFC allows up to 255 bytes, but more only costs bandwidth.
      padLength = (bs - ((fragmentLength + 1) % bs)) % bs;
      fragmentLength += padLength + 1;
    }
    buf.set(plaintext, at);
    if (this.mac !== null) {
      const tag = this.computeMac(type, version, plaintext);
      buf.set(macLength === tag.length ? tag : tag.subarray(0, macLength), at + plen);
    }
    // padding bytes and padding_length all carry the value padding_length (6.2.3.2).
    if (bs > 0) buf.fill(padLength, at + plen + macLength, at + fragmentLength);
    this.advance();
    return fragmentLength;
  }

  /**
   * Seals consecutive fragments of one content type (what one application write becomes: with 1/n-1
   * splitting at least two records) into one array of records, with one cipher call for all of them.
   * TLS 1.0 chains CBC across records (the last ciphertext block of a record is the next one's IV,
   * RFC 2246 6.2.3.2) and RC4 runs one keystream, so encrypting the fragments back to back in one
   * update() gives the same bytes as one update() per record; the headers are then put between.
   * Saves a node:crypto call and an allocation per extra record (the 1-byte record of 1/n-1
   * splitting cost ~20% of a 16 KiB write's sealing). Same result and checks as seal() per fragment.
   */
  sealRecords(type: number, version: number, fragments: readonly Uint8Array[]): Uint8Array {
    let total = 0;
    for (const f of fragments) {
      this.checkSeal(f);
      total += this.sealedLength(f.length);
    }
    const out = new Uint8Array(total);
    const cipher = this.cipher;
    // One record, no cipher, or sequence numbers near 2^64 (checkSeal then runs before every record): one at a time.
    if (cipher === null || fragments.length === 1 || this.seqHi === TWO_32 - 1) {
      let offset = 0;
      for (const f of fragments) {
        this.checkSequence();
        this.write(out, offset, type, version, f);
        offset += this.sealedLength(f.length);
      }
      return out;
    }
    if (this.encryptThenMac) {
      this.sealGroupsEncryptThenMac(out, type, version, fragments, cipher);
      return out;
    }
    let offset = 0;
    let i = 0;
    while (i < fragments.length) {
      // One group: the fragments that fit SEAL_GROUP_LIMIT bytes of cipher input (at least one).
      const first = i;
      const firstOffset = offset;
      let fill = 0;
      do {
        const f = fragments[i]!;
        const fragmentLength = this.sealedLength(f.length) - RECORD_HEADER_LENGTH;
        if (fill > 0 && fill + fragmentLength > SEAL_GROUP_LIMIT) break;
        if (sealInput.length < fill + fragmentLength) sealInput = growCopy(sealInput, fill, fill + fragmentLength);
        this.writeFragment(sealInput, fill, type, version, f);
        writeHeader(out, type, version, fragmentLength, offset);
        offset += RECORD_HEADER_LENGTH + fragmentLength;
        fill += fragmentLength;
        i++;
      } while (i < fragments.length);
      const ciphertext = cipher.update(sealInput.subarray(0, fill));
      let at = firstOffset;
      let from = 0;
      for (let j = first; j < i; j++) {
        const fragmentLength = this.sealedLength(fragments[j]!.length) - RECORD_HEADER_LENGTH;
        out.set(ciphertext.subarray(from, from + fragmentLength), at + RECORD_HEADER_LENGTH);
        from += fragmentLength;
        at += RECORD_HEADER_LENGTH + fragmentLength;
      }
    }
    return out;
  }

  /**
   * sealRecords under RFC 7366: the padded contents of a group are encrypted back to back in one
   * cipher call (the CBC chain runs across records as record by record), then each record's MAC is
   * computed over its own ciphertext with its own sequence number.
   */
  private sealGroupsEncryptThenMac(out: Uint8Array, type: number, version: number, fragments: readonly Uint8Array[], cipher: BulkCipher): void {
    const macLength = this.macLength;
    // The ciphertext of one record: its sealed length without header and MAC (sealedLength pads it).
    const cipherLengthOf = (plen: number): number => this.sealedLength(plen) - RECORD_HEADER_LENGTH - macLength;
    let offset = 0;
    let i = 0;
    while (i < fragments.length) {
      const first = i;
      let fill = 0;
      do {
        const f = fragments[i]!;
        const cipherLength = cipherLengthOf(f.length);
        if (fill > 0 && fill + cipherLength > SEAL_GROUP_LIMIT) break;
        if (sealInput.length < fill + cipherLength) sealInput = growCopy(sealInput, fill, fill + cipherLength);
        sealInput.set(f, fill);
        sealInput.fill(cipherLength - f.length - 1, fill + f.length, fill + cipherLength);
        fill += cipherLength;
        i++;
      } while (i < fragments.length);
      const ciphertext = cipher.update(sealInput.subarray(0, fill));
      let from = 0;
      for (let j = first; j < i; j++) {
        const cipherLength = cipherLengthOf(fragments[j]!.length);
        const body = offset + RECORD_HEADER_LENGTH;
        const c = ciphertext.subarray(from, from + cipherLength);
        out.set(c, body);
        const tag = this.computeMac(type, version, c);
        out.set(macLength === tag.length ? tag : tag.subarray(0, macLength), body + cipherLength);
        writeHeader(out, type, version, cipherLength + macLength, offset);
        this.advance();
        from += cipherLength;
        offset = body + cipherLength + macLength;
      }
    }
  }

  /**
   * Verifies and decrypts one record and returns its plaintext fragment (a view of decrypted bytes,
   * or a copy; never a view of record.fragment's buffer; do not modify).
   * Any failure is a TLSAlertError; after one, this state must not be used again (the cipher state
   * has moved on), which the engine guarantees by closing the connection on every fatal alert.
   */
  open(record: TLSRecord): Uint8Array {
    if (this.direction === 'seal') throw new TypeError('RecordProtection.open on a state created for seal');
    this.checkSequence();
    const fragment = record.fragment;
    const length = fragment.length;
    if (length > MAX_CIPHERTEXT) {
      throw new TLSAlertError(AlertDescription.record_overflow, `RFC 2246 6.2.3: TLSCiphertext length ${length} exceeds 2^14+2048`);
    }

    let content: Uint8Array;
    if (this.isNull) {
      // A copy: the fragment is a view into the record reader's buffer, which may be shared with
      // other connections (see ByteQueue); what open() returns may reach the application.
      content = fragment.slice();
    } else if (this.encryptThenMac) {
      content = this.openEncryptThenMac(record);
    } else if (this.blockSize > 0) {
      content = this.openBlock(record);
    } else {
      content = this.openStream(record);
    }
    // Checked only after the MAC: a length derived from unauthenticated padding must not pick the alert.
    if (content.length > this.maxPlaintextLength) {
      throw new TLSAlertError(
        AlertDescription.record_overflow,
        `RFC 2246 6.2.1: plaintext length ${content.length} exceeds ${this.maxPlaintextLength}`,
      );
    }
    this.advance();
    return content;
  }

  private openStream(record: TLSRecord): Uint8Array {
    const fragment = record.fragment;
    const macLength = this.macLength;
    if (fragment.length < macLength) throw badRecordMac();
    const plain = this.cipher === null ? fragment : this.cipher.update(fragment);
    const contentLength = plain.length - macLength;
    const content = plain.subarray(0, contentLength);
    const expected = this.computeMac(record.type, record.version, content);
    const received = plain.subarray(contentLength);
    if (!constantTimeEqual(macLength === expected.length ? expected : expected.subarray(0, macLength), received)) {
      throw badRecordMac();
    }
    // NULL cipher: content is still a view into the record reader's buffer; copy it, as above.
    return this.cipher === null ? content.slice() : content;
  }

  /**
   * RFC 7366 3: the MAC over the ciphertext is checked first, in constant time, and only an
   * authentic ciphertext is decrypted, so padding is never looked at for a forged record. Bad MAC
   * and bad padding end in the same badRecordMac() as MAC-then-encrypt (one bad_record_mac path).
   */
  private openEncryptThenMac(record: TLSRecord): Uint8Array {
    const fragment = record.fragment;
    const bs = this.blockSize;
    const macLength = this.macLength;
    const cipherLength = fragment.length - macLength;
    // Lengths are public: at least one block of ciphertext, whole blocks, then the MAC.
    if (cipherLength < bs || cipherLength % bs !== 0) throw badRecordMac();
    const ciphertext = fragment.subarray(0, cipherLength);
    const expected = this.computeMac(record.type, record.version, ciphertext);
    const received = fragment.subarray(cipherLength);
    if (!constantTimeEqual(macLength === expected.length ? expected : expected.subarray(0, macLength), received)) {
      throw badRecordMac();
    }
    const plain = this.cipher!.update(ciphertext);
    const padLength = plain[cipherLength - 1]!;
    if (padLength + 1 > cipherLength) throw badRecordMac();
    for (let i = cipherLength - 1 - padLength; i < cipherLength - 1; i++) if (plain[i] !== padLength) throw badRecordMac();
    return plain.subarray(0, cipherLength - padLength - 1);
  }

  private openBlock(record: TLSRecord): Uint8Array {
    const fragment = record.fragment;
    const length = fragment.length;
    const bs = this.blockSize;
    const macLength = this.macLength;
    // Lengths are public, so rejecting them before decrypting leaks nothing (6.2.3.2).
    if (length % bs !== 0 || length < Math.max(bs, macLength + 1)) throw badRecordMac();
    const plain = this.cipher!.update(fragment);

    // Padding check. It reads the same bytes (the last min(256, length)) whatever padding_length
    // says, and folds the result into one flag instead of returning early.
    const padLength = plain[length - 1]!;
    let padOk = padLength + 1 + macLength <= length ? 1 : 0;
    const span = Math.min(256, length);
    let diff = 0;
    for (let i = 1; i < span; i++) {
      // mask is all ones while i <= padLength (inside the padding), zero after it.
      const mask = (i - padLength - 1) >> 31;
      diff |= (plain[length - 1 - i]! ^ padLength) & mask;
    }
    if (diff !== 0) padOk = 0;

    // With bad padding, MAC the record as if the padding were empty (only the padding_length byte)
    // (RFC 4346 6.2.3.2 advice, applied to 1.0). That alone still leaves the Lucky 13 timing
    // difference (AlFardan and Paterson, 2013): good long padding means a shorter MAC input, so
    // fewer hash compression calls. The dummy compressions below make up exactly that difference,
    // so every record of this length costs the hash work of the longest possible MAC input, good
    // padding or bad (the "pseudo constant time" MAC of GnuTLS; OpenSSL gets there differently).
    const padTotal = padOk === 1 ? padLength + 1 : 1;
    const contentLength = length - padTotal - macLength;
    const content = plain.subarray(0, contentLength);
    const expected = this.computeMac(record.type, record.version, content);
    this.compressDummies(macCompressions(length - 1 - macLength) - macCompressions(contentLength));
    const received = plain.subarray(contentLength, contentLength + macLength);
    const macOk = constantTimeEqual(macLength === expected.length ? expected : expected.subarray(0, macLength), received);
    if (!macOk || padOk !== 1) throw badRecordMac();
    return content;
  }

  /** `blocks` hash compression calls that change nothing (see openBlock and Mac.compress). */
  private compressDummies(blocks: number): void {
    const mac = this.mac!;
    if (mac.compress !== undefined) {
      mac.compress(blocks);
      return;
    }
    // A Mac without compress(): one HMAC over `blocks` dummy blocks, run for 0 blocks too, costs
    // blocks + 4 compression calls (key pads, inner data and final block, outer final block).
    mac.mac(DUMMY_MAC_INPUT.subarray(0, blocks * HASH_BLOCK_LENGTH));
  }

  /** HMAC(mac_secret, seq_num + type + version + length + fragment), RFC 2246 6.2.3.1. */
  private computeMac(type: number, version: number, content: Uint8Array): Uint8Array {
    const h = MAC_HEADER;
    const hi = this.seqHi;
    const lo = this.seqLo;
    h[0] = hi >>> 24;
    h[1] = (hi >>> 16) & 0xff;
    h[2] = (hi >>> 8) & 0xff;
    h[3] = hi & 0xff;
    h[4] = lo >>> 24;
    h[5] = (lo >>> 16) & 0xff;
    h[6] = (lo >>> 8) & 0xff;
    h[7] = lo & 0xff;
    h[8] = type;
    h[9] = version >>> 8;
    h[10] = version & 0xff;
    h[11] = content.length >>> 8;
    h[12] = content.length & 0xff;
    return this.mac!.mac(h, content);
  }

  private checkSequence(): void {
    if (this.exhausted) {
      throw new TLSError('ERR_TLS_SEQUENCE_EXHAUSTED', 'RFC 2246 6.1: sequence number would wrap past 2^64-1; the connection must be renegotiated or closed');
    }
  }

  private advance(): void {
    this.seqLo++;
    if (this.seqLo === TWO_32) {
      this.seqLo = 0;
      this.seqHi++;
      if (this.seqHi === TWO_32) this.exhausted = true;
    }
  }
}

/**
 * Cipher input of sealRecords: the fragments of one group back to back. One for the process (the
 * call is synchronous); it grows to SEAL_GROUP_LIMIT plus one record at most and keeps the last
 * group's plaintext, as the MAC's input buffer does.
 */
let sealInput: Uint8Array = new Uint8Array(0);
/** Cipher input per sealRecords group: four full records (a larger write takes several calls). */
const SEAL_GROUP_LIMIT = 4 * (MAX_PLAINTEXT + 2048);

function growCopy(buf: Uint8Array, keep: number, need: number): Uint8Array {
  const next = new Uint8Array(Math.max(need, 2 * buf.length, 1024));
  next.set(buf.subarray(0, keep));
  return next;
}

/** MD5 and SHA-1 compress 64-byte blocks and end with 0x80 and an 8-byte length (RFC 1321, FIPS 180). */
const HASH_BLOCK_LENGTH = 64;
/** Enough dummy bytes for the largest difference: 255 bytes of padding is at most 5 blocks. */
const DUMMY_MAC_INPUT = new Uint8Array(8 * HASH_BLOCK_LENGTH);

/**
 * Compression calls of HMAC's inner hash over a record MAC input with `contentLength` bytes of
 * fragment: the 64-byte ipad block, the 13-byte header, the content, then 0x80 and the 8-byte
 * length, rounded up to whole blocks. (The outer hash costs the same for every record.)
 */
export function macCompressions(contentLength: number): number {
  return Math.floor((HASH_BLOCK_LENGTH + MAC_HEADER_LENGTH + contentLength + 9 + HASH_BLOCK_LENGTH - 1) / HASH_BLOCK_LENGTH);
}

function checkLength(what: string, bytes: Uint8Array, expected: number): void {
  if (bytes.length !== expected) {
    throw new RangeError(`RecordProtection: ${what} is ${bytes.length} bytes, the suite needs ${expected}`);
  }
}
