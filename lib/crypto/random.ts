/**
 * Randomness sources. The engine takes a RandomSource so that tests and vector replay can be
 * deterministic; production uses systemRandom (Web Crypto, present in Node >= 19 and browsers).
 */
import { utf8 } from '../util/bytes.js';
import { createMac } from './hash.js';
import type { RandomSource } from './provider.js';

/** getRandomValues refuses more than 65536 bytes per call (Web Crypto limit). */
const MAX_CHUNK = 65536;

function checkLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`random: bad length ${length}`);
}

/** Cryptographically secure random bytes from globalThis.crypto.getRandomValues. */
export const systemRandom: RandomSource = (length: number): Uint8Array => {
  checkLength(length);
  const webCrypto = globalThis.crypto;
  if (!webCrypto || typeof webCrypto.getRandomValues !== 'function') {
    throw new Error('systemRandom: globalThis.crypto.getRandomValues is not available in this runtime');
  }
  const out = new Uint8Array(length);
  for (let off = 0; off < length; off += MAX_CHUNK) {
    webCrypto.getRandomValues(out.subarray(off, Math.min(off + MAX_CHUNK, length)));
  }
  return out;
};

/**
 * A deterministic byte stream for tests and replay — NOT for real keys.
 * Block n of the stream is HMAC-SHA1(seed, "ut-tls seeded random" || uint64be(n)); calls consume
 * the stream in order, so any split of calls yields the same bytes as one call of the total length.
 */
export function seededRandom(seed: Uint8Array | string): RandomSource {
  const key = typeof seed === 'string' ? utf8(seed) : seed.slice();
  const mac = createMac('sha1', key);
  const label = utf8('ut-tls seeded random');
  const counterBytes = new Uint8Array(8);
  const counterView = new DataView(counterBytes.buffer);
  let counter = 0;
  let pending: Uint8Array = new Uint8Array(0);

  const nextBlock = (): Uint8Array => {
    counterView.setUint32(0, Math.floor(counter / 0x100000000));
    counterView.setUint32(4, counter >>> 0);
    counter++;
    return mac.mac(label, counterBytes);
  };

  return (length: number): Uint8Array => {
    checkLength(length);
    const out = new Uint8Array(length);
    let off = 0;
    while (off < length) {
      if (pending.length === 0) pending = nextBlock();
      const take = Math.min(pending.length, length - off);
      out.set(pending.subarray(0, take), off);
      pending = pending.subarray(take);
      off += take;
    }
    return out;
  };
}
