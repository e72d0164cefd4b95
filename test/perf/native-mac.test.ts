/**
 * The native provider's Mac (crypto.hash for the inner hash over a shared input buffer, the outer
 * hash in JavaScript from a keyed state; issue 18) against node's own createHmac: every key length
 * around the block size (RFC 2104 hashes keys longer than 64 bytes), messages in several parts,
 * messages larger than the shared buffer's first size, and two keys used in turn (the buffer is
 * shared by every Mac of the process). The record-layer vectors and transcripts cover the rest.
 */
import t from 'tap';
import { createHmac } from 'node:crypto';
import { nativeProvider } from '../../lib/crypto/native.js';
import { pureProvider } from '../../lib/crypto/pure.js';
import type { HashName } from '../../lib/crypto/provider.js';

const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + 3) & 0xff);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const reference = (name: HashName, key: Uint8Array, parts: Uint8Array[]): string => {
  const h = createHmac(name, key);
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

for (const name of ['sha1', 'md5'] as HashName[]) {
  t.test(`${name}: every key length 0..130 and message shapes match createHmac`, (t) => {
    let mismatches = 0;
    for (let keyLength = 0; keyLength <= 130; keyLength++) {
      const key = pattern(keyLength, keyLength);
      const mac = nativeProvider.createMac(name, key);
      for (const shape of [[], [0], [13], [13, 1024], [13, 0, 55], [64, 64]]) {
        const parts = shape.map((n, i) => pattern(n, i + keyLength));
        if (hex(mac.mac(...parts)) !== reference(name, key, parts)) mismatches++;
      }
    }
    t.equal(mismatches, 0);
    t.end();
  });

  t.test(`${name}: large messages (past the shared buffer's first size) and two keys in turn`, (t) => {
    const k1 = pattern(20, 1);
    const k2 = pattern(20, 2);
    const m1 = nativeProvider.createMac(name, k1);
    const m2 = nativeProvider.createMac(name, k2);
    const p1 = pureProvider.createMac(name, k1);
    for (const size of [16384, 16384 + 2048, 70000, 5, 100]) {
      const header = pattern(13, size);
      const body = pattern(size, 9);
      t.equal(hex(m1.mac(header, body)), reference(name, k1, [header, body]), `key 1, ${size} bytes`);
      t.equal(hex(m2.mac(header, body)), reference(name, k2, [header, body]), `key 2, ${size} bytes`);
      t.equal(hex(m1.mac(header, body)), hex(p1.mac(header, body)), `key 1 again equals the pure provider, ${size} bytes`);
    }
    t.end();
  });

  t.test(`${name}: the result is a plain Uint8Array the caller owns (a later mac() does not change it)`, (t) => {
    const mac = nativeProvider.createMac(name, pattern(20, 5));
    const first = mac.mac(pattern(100, 1));
    const copy = hex(first);
    mac.mac(pattern(100, 2));
    t.equal(hex(first), copy);
    t.equal(Object.getPrototypeOf(first), Uint8Array.prototype);
    t.equal(first.length, mac.outputLength);
    t.end();
  });
}
