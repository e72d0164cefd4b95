/**
 * The handshake messages on a plaintext wire: what an engine sent before its ChangeCipherSpec (after
 * it the records are encrypted and the walk stops). For tests that check which messages a flight had.
 */
import { concatBytes } from '../../lib/util/bytes.js';

export interface WireMessage {
  type: number;
  body: Uint8Array;
}

export function plaintextHandshakeMessages(wire: Uint8Array[]): WireMessage[] {
  const all = concatBytes(...wire);
  const out: WireMessage[] = [];
  for (let off = 0; off + 5 <= all.length; ) {
    const len = (all[off + 3]! << 8) | all[off + 4]!;
    if (all[off] === 20) break; // ChangeCipherSpec: what follows is encrypted
    if (all[off] === 22) {
      for (let m = off + 5; m + 4 <= off + 5 + len; ) {
        const bodyLength = (all[m + 1]! << 16) | (all[m + 2]! << 8) | all[m + 3]!;
        out.push({ type: all[m]!, body: all.slice(m + 4, m + 4 + bodyLength) });
        m += 4 + bodyLength;
      }
    }
    off += 5 + len;
  }
  return out;
}

/** Just the types, in order. */
export function plaintextHandshakeTypes(wire: Uint8Array[]): number[] {
  return plaintextHandshakeMessages(wire).map((m) => m.type);
}
