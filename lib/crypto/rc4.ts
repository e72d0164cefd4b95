/**
 * RC4 (ARCFOUR) stream cipher, as used by the TLS_RSA_WITH_RC4_128_* suites.
 * The keystream runs on across update() calls: TLS never resets RC4 between records (RFC 2246 6.2.3.1).
 * Known-answer vectors: RFC 6229 (vectors/rc4-rfc6229.json).
 */

export class RC4 {
  // Int32Array rather than Uint8Array: the hot loop then does no byte clamping on stores.
  private readonly s = new Int32Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    if (!(key instanceof Uint8Array)) throw new TypeError('RC4: key must be a Uint8Array');
    if (key.length < 1 || key.length > 256) throw new RangeError(`RC4: key length ${key.length} not in 1..256`);
    const s = this.s;
    for (let k = 0; k < 256; k++) s[k] = k;
    const n = key.length;
    let j = 0;
    for (let k = 0; k < 256; k++) {
      const t = s[k]!;
      j = (j + t + key[k % n]!) & 255;
      s[k] = s[j]!;
      s[j] = t;
    }
  }

  /** Encrypts or decrypts (the same operation) into a new array; the state carries to the next call. */
  update(data: Uint8Array): Uint8Array {
    const len = data.length;
    const out = new Uint8Array(len);
    const s = this.s;
    let i = this.i;
    let j = this.j;
    for (let k = 0; k < len; k++) {
      i = (i + 1) & 255;
      const si = s[i]!;
      j = (j + si) & 255;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      out[k] = data[k]! ^ s[(si + sj) & 255]!;
    }
    this.i = i;
    this.j = j;
    return out;
  }
}

/** A new RC4 instance keyed with `key` (1..256 bytes). */
export function rc4(key: Uint8Array): RC4 {
  return new RC4(key);
}
