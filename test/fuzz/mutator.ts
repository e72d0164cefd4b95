/**
 * A tiny seeded mutator for the fuzz smoke test: no dependency, same seed -> same inputs, so any
 * failure is reproducible from (seed, role, iteration) alone.
 */
import { concatBytes } from '../../lib/util/bytes.js';

/** mulberry32: a 32-bit PRNG, good enough to spread mutations, trivially reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One TLS record of a captured flight, and what it carries (for counting coverage by message type). */
export interface FlightRecord {
  bytes: Uint8Array;
  /** Content type (22 handshake, 20 CCS, 21 alert, 23 data). */
  type: number;
  /**
   * For a plaintext handshake record: [offset in bytes, handshake type] of each message start.
   * For an encrypted one (after CCS), the caller names what it is (Finished in a full handshake).
   */
  messages: Array<[number, number]>;
}

/** Splits a byte stream into records (the 5-byte header is trusted: these are our own valid flights). */
export function splitRecords(stream: Uint8Array, encryptedHandshakeType: number): FlightRecord[] {
  const out: FlightRecord[] = [];
  let off = 0;
  let encrypted = false;
  while (off + 5 <= stream.length) {
    const len = (stream[off + 3]! << 8) | stream[off + 4]!;
    const bytes = stream.slice(off, off + 5 + len);
    const type = bytes[0]!;
    const messages: Array<[number, number]> = [];
    if (type === 22 && encrypted) messages.push([5, encryptedHandshakeType]);
    else if (type === 22) {
      // Handshake messages inside: 1-byte type, 3-byte length.
      let m = 5;
      while (m + 4 <= bytes.length) {
        messages.push([m, bytes[m]!]);
        m += 4 + ((bytes[m + 1]! << 16) | (bytes[m + 2]! << 8) | bytes[m + 3]!);
      }
    }
    if (type === 20) encrypted = true;
    out.push({ bytes, type, messages });
    off += 5 + len;
  }
  return out;
}

export type MutationKind = 'bitflip' | 'zero' | 'ff' | 'len+1' | 'len-1' | 'truncate' | 'duplicate' | 'cut';
export const MUTATIONS: readonly MutationKind[] = ['bitflip', 'zero', 'ff', 'len+1', 'len-1', 'truncate', 'duplicate', 'cut'];

export interface Mutation {
  kind: MutationKind;
  record: number;
  /** Offset in the record touched (for coverage); -1 when the whole record is the unit. */
  offset: number;
  /** Handshake type of the message the mutation landed in, or -1 (CCS, record header...). */
  messageType: number;
  /** The mutated stream to feed. */
  input: Uint8Array;
}

/** The handshake message containing `offset` in record r (-1 if none). */
function messageAt(r: FlightRecord, offset: number): number {
  let found = -1;
  for (const [start, type] of r.messages) if (offset >= start) found = type;
  return found;
}

/** One mutation of one record of the flight; the other records are kept as they are. */
export function mutate(records: FlightRecord[], rand: () => number): Mutation {
  const pick = (n: number): number => Math.floor(rand() * n);
  const ri = pick(records.length);
  const rec = records[ri]!;
  const kind = MUTATIONS[pick(MUTATIONS.length)]!;
  let bytes: Uint8Array[] = [rec.bytes.slice()];
  let offset = -1;
  const b = bytes[0]!;
  switch (kind) {
    case 'bitflip':
      offset = pick(b.length);
      b[offset]! ^= 1 << pick(8);
      break;
    case 'zero':
    case 'ff':
      offset = pick(b.length);
      b[offset] = kind === 'zero' ? 0 : 0xff;
      break;
    case 'len+1':
    case 'len-1': {
      // A length field: the record's (offset 3) or, for plaintext handshake, a message's 24-bit one.
      const plainMsgs = rec.type === 22 && rec.messages.length > 0 && rec.messages[0]![0] === 5 && b[5] === rec.messages[0]![1] ? rec.messages : [];
      const d = kind === 'len+1' ? 1 : -1;
      if (plainMsgs.length > 0 && rand() < 0.7) {
        const [start] = plainMsgs[pick(plainMsgs.length)]!;
        offset = start + 1;
        const v = ((b[start + 1]! << 16) | (b[start + 2]! << 8) | b[start + 3]!) + d;
        b[start + 1] = (v >> 16) & 0xff;
        b[start + 2] = (v >> 8) & 0xff;
        b[start + 3] = v & 0xff;
      } else {
        offset = 3;
        const v = ((b[3]! << 8) | b[4]!) + d;
        b[3] = (v >> 8) & 0xff;
        b[4] = v & 0xff;
      }
      break;
    }
    case 'truncate':
      offset = pick(b.length);
      bytes = [b.subarray(0, offset)];
      break;
    case 'duplicate':
      offset = 5 + pick(Math.max(1, b.length - 5));
      bytes = [b, b];
      break;
    case 'cut': {
      // The same payload in two records (legal fragmentation unless it splits what must not be split).
      const payload = b.subarray(5);
      const at = pick(payload.length + 1);
      offset = 5 + at;
      const head = (p: Uint8Array) => new Uint8Array([b[0]!, b[1]!, b[2]!, p.length >> 8, p.length & 0xff]);
      bytes = [head(payload.subarray(0, at)), payload.subarray(0, at), head(payload.subarray(at)), payload.subarray(at)];
      break;
    }
  }
  const messageType = offset >= 0 ? messageAt(rec, Math.min(offset, rec.bytes.length - 1)) : -1;
  const input = concatBytes(...records.slice(0, ri).map((r) => r.bytes), ...bytes, ...records.slice(ri + 1).map((r) => r.bytes));
  return { kind, record: ri, offset, messageType, input };
}

/** Values that sit on length and type boundaries. */
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0x81, 0xff, 0x20, 0x40, 0x3f, 0x10];

/**
 * 1..4 stacked byte-level mutations of any byte string (for the parser targets, and on top of a
 * record mutation in long runs): flips, interesting values, inserted / deleted / duplicated runs,
 * and a 16-bit big-endian field nudged by a small amount.
 */
export function mutateBytes(input: Uint8Array, rand: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(rand() * n);
  let b: Uint8Array = input.slice();
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    if (b.length === 0) b = new Uint8Array([pick(256)]);
    const at = pick(b.length);
    switch (pick(7)) {
      case 0:
        b[at]! ^= 1 << pick(8);
        break;
      case 1:
        b[at] = INTERESTING[pick(INTERESTING.length)]!;
        break;
      case 2: {
        const v = ((b[at]! << 8) | (b[at + 1] ?? 0)) + (pick(9) - 4);
        b[at] = (v >> 8) & 0xff;
        if (at + 1 < b.length) b[at + 1] = v & 0xff;
        break;
      }
      case 3: {
        const n = 1 + pick(Math.min(16, b.length - at));
        b = concatBytes(b.subarray(0, at), b.subarray(at + n));
        break;
      }
      case 4: {
        const n = 1 + pick(8);
        const extra = new Uint8Array(n).map(() => pick(256));
        b = concatBytes(b.subarray(0, at), extra, b.subarray(at));
        break;
      }
      case 5: {
        const n = 1 + pick(Math.min(64, b.length - at));
        b = concatBytes(b.subarray(0, at + n), b.subarray(at, at + n), b.subarray(at + n));
        break;
      }
      default:
        b = b.subarray(0, at);
    }
  }
  return b;
}
