/**
 * Cuts a byte stream into whole records without judging them: the recorder, the replayer and the
 * relay need record boundaries, not the engine's checks (a recording must keep whatever the peer sent).
 */
import { concatBytes } from '../util/bytes.js';

const CONTENT_TYPE_NAMES: Record<number, string> = {
  20: 'change_cipher_spec',
  21: 'alert',
  22: 'handshake',
  23: 'application_data',
};

/** "handshake" for 22, "sslv2-client-hello" for a V2 header, "unknown(99)" otherwise. */
export function recordTypeName(record: Uint8Array): string {
  if (record.length === 0) return 'empty';
  if (isSSLv2Hello(record)) return 'sslv2-client-hello';
  return CONTENT_TYPE_NAMES[record[0]!] ?? `unknown(${record[0]})`;
}

export function contentTypeName(type: number): string {
  return CONTENT_TYPE_NAMES[type] ?? `unknown(${type})`;
}

/** RFC 2246 E.1: a 2-byte header with the top bit set, then msg_type 1 (CLIENT-HELLO). */
export function isSSLv2Hello(record: Uint8Array): boolean {
  return record.length >= 3 && (record[0]! & 0x80) !== 0 && record[2] === 1;
}

/**
 * Push bytes, take whole records. `allowSSLv2Hello` lets the very first record be an SSLv2-compatible
 * hello (2-byte header). A stream that stops mid-record leaves its tail in `pending`.
 */
export class RecordSplitter {
  private buffer: Uint8Array = new Uint8Array(0);
  private first = true;

  constructor(private readonly allowSSLv2Hello = false) {}

  push(bytes: Uint8Array): Uint8Array[] {
    this.buffer = this.buffer.length === 0 ? bytes.slice() : concatBytes(this.buffer, bytes);
    const out: Uint8Array[] = [];
    for (;;) {
      const length = this.nextLength();
      if (length === null || this.buffer.length < length) break;
      out.push(this.buffer.slice(0, length));
      this.buffer = this.buffer.subarray(length);
      this.first = false;
    }
    return out;
  }

  /** Bytes received that do not yet make a whole record. */
  get pending(): Uint8Array {
    return this.buffer;
  }

  private nextLength(): number | null {
    const b = this.buffer;
    if (this.first && this.allowSSLv2Hello && b.length >= 1 && (b[0]! & 0x80) !== 0) {
      if (b.length < 2) return null;
      return 2 + (((b[0]! & 0x7f) << 8) | b[1]!);
    }
    if (b.length < 5) return null;
    return 5 + ((b[3]! << 8) | b[4]!);
  }
}

/** All whole records of a byte string (the tail, if any, is returned as one last piece). */
export function splitRecords(bytes: Uint8Array, allowSSLv2Hello = false): Uint8Array[] {
  const s = new RecordSplitter(allowSSLv2Hello);
  const out = s.push(bytes);
  if (s.pending.length > 0) out.push(s.pending.slice());
  return out;
}
