import t from 'tap';
import * as nodeCrypto from 'node:crypto';
import {
  DH_MAX_PRIME_BITS,
  FFDHE2048,
  MODP_GROUP_14,
  dhGroupBytes,
  dhSharedSecret,
  generateDhKeyPair,
  validateDhParams,
  validateDhPublic,
  type DhGroup,
} from '../../lib/crypto/dh.js';
import { bigIntToBytes, bigIntToMinimalBytes, bitLength, bytesToBigInt, modPow } from '../../lib/crypto/bigint.js';
import { concatBytes, fromHex, toHex } from '../../lib/util/bytes.js';
import { expectAlert } from '../helpers/expect-alert.js';

const nodeRandom = (n: number): Uint8Array => new Uint8Array(nodeCrypto.randomBytes(n));

/** A deterministic stream (SHA-256 in counter mode) standing in for a seeded random source. */
function seeded(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let off = 0; off < n; off += 32) {
      const block = nodeCrypto.createHash('sha256').update(`${seed}/${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, n - off)), off);
    }
    return out;
  };
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}

/** floor(2^bits · π), by Machin's formula in fixed point with 64 guard bits. */
function piScaled(bits: number): bigint {
  const guard = 64n;
  const one = 1n << (BigInt(bits) + guard);
  const atanInv = (x: bigint): bigint => {
    let term = one / x;
    let sum = 0n;
    const x2 = x * x;
    for (let k = 0n; term !== 0n; k++) {
      sum += (k & 1n ? -term : term) / (2n * k + 1n);
      term /= x2;
    }
    return sum;
  };
  return (16n * atanInv(5n) - 4n * atanInv(239n)) >> guard;
}

/** floor(2^bits · e) = Σ 2^bits / k!, with 64 guard bits. */
function eScaled(bits: number): bigint {
  const guard = 64n;
  let term = 1n << (BigInt(bits) + guard);
  let sum = 0n;
  for (let k = 1n; term !== 0n; k++) {
    sum += term;
    term /= k;
  }
  return sum >> guard;
}

/** Miller-Rabin with the given bases. */
function probablyPrime(n: bigint, bases: bigint[]): boolean {
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  outer: for (const a of bases) {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === n - 1n) continue outer;
    }
    return false;
  }
  return true;
}

t.test('RFC 3526 group 14 is node:crypto modp14 and follows its π formula', async (t) => {
  const node = nodeCrypto.getDiffieHellman('modp14');
  t.equal(MODP_GROUP_14.p, bytesToBigInt(new Uint8Array(node.getPrime())), 'same prime as node modp14');
  t.equal(MODP_GROUP_14.g, bytesToBigInt(new Uint8Array(node.getGenerator())), 'generator');
  t.equal(MODP_GROUP_14.g, 2n);
  t.equal(MODP_GROUP_14.bits, 2048);
  t.equal(bitLength(MODP_GROUP_14.p), 2048);
  const formula = (1n << 2048n) - (1n << 1984n) - 1n + (1n << 64n) * (piScaled(1918) + 124476n);
  t.equal(MODP_GROUP_14.p, formula, 'p = 2^2048 - 2^1984 - 1 + 2^64 * { [2^1918 pi] + 124476 }');
});

t.test('RFC 7919 ffdhe2048 follows its e formula and is a safe prime', async (t) => {
  t.equal(FFDHE2048.g, 2n);
  t.equal(FFDHE2048.bits, 2048);
  t.equal(bitLength(FFDHE2048.p), 2048);
  const formula = (1n << 2048n) - (1n << 1984n) + (eScaled(1918) + 560316n) * (1n << 64n) - 1n;
  t.equal(FFDHE2048.p, formula, 'p = 2^2048 - 2^1984 + {[2^1918 * e] + 560316} * 2^64 - 1');
  t.equal(toHex(bigIntToBytes(FFDHE2048.p, 256).subarray(0, 16)), 'ffffffffffffffffadf85458a2bb4a9a', 'first bytes as printed in the RFC');
  t.ok(probablyPrime(FFDHE2048.p, [3n, 5n]), 'p prime');
  t.ok(probablyPrime((FFDHE2048.p - 1n) / 2n, [3n, 5n]), '(p-1)/2 prime');
  t.notOk(probablyPrime(FFDHE2048.p + 2n, [3n]), 'control: the test can say no');
});

t.test('shared secrets agree with node:crypto (leading zeros stripped)', async (t) => {
  for (const group of [MODP_GROUP_14, FFDHE2048]) {
    const { p, g } = dhGroupBytes(group);
    for (let i = 0; i < 2; i++) {
      const node = nodeCrypto.createDiffieHellman(p, g);
      node.generateKeys();
      const ours = generateDhKeyPair(group, nodeRandom);
      const nodePub = new Uint8Array(node.getPublicKey());
      const z = dhSharedSecret(group, ours.privateKey, nodePub);
      const nodeZ = new Uint8Array(node.computeSecret(ours.publicKey));
      t.equal(nodeZ.length, 256, 'node pads Z to the prime length');
      t.equal(toHex(z), toHex(stripZeros(nodeZ)), `${group.exponentBits}-bit exponent group: same Z`);
      t.not(z[0], 0, 'no leading zero byte');
    }
  }
});

t.test('Z with a leading zero byte is stripped (RFC 5246 8.1.2), node keeps it', async (t) => {
  const group = MODP_GROUP_14;
  const ours = generateDhKeyPair(group, seeded('leading-zero'));
  const y = bytesToBigInt(ours.publicKey);
  // Z_a = Y^a; step a until Z_a < 2^2040, i.e. its 256-byte form starts with 00 (about 1 in 256).
  let a = 2n;
  let z = (y * y) % group.p;
  while (z >= 1n << 2040n) {
    z = (z * y) % group.p;
    a++;
  }
  const peerPublic = bigIntToMinimalBytes(modPow(group.g, a, group.p));
  const ourZ = dhSharedSecret(group, ours.privateKey, peerPublic);
  t.equal(toHex(ourZ), toHex(bigIntToMinimalBytes(z)));
  t.ok(ourZ.length < 256, `Z is ${ourZ.length} bytes`);
  const { p, g } = dhGroupBytes(group);
  const node = nodeCrypto.createDiffieHellman(p, g);
  node.setPrivateKey(bigIntToMinimalBytes(a));
  const nodeZ = new Uint8Array(node.computeSecret(ours.publicKey));
  t.equal(nodeZ.length, 256);
  t.equal(nodeZ[0], 0, 'node keeps the leading zero');
  t.equal(toHex(stripZeros(nodeZ)), toHex(ourZ));
});

t.test('generateDhKeyPair: exponent size, public value, determinism', async (t) => {
  const a = generateDhKeyPair(FFDHE2048, seeded('s1'));
  const b = generateDhKeyPair(FFDHE2048, seeded('s1'));
  const c = generateDhKeyPair(FFDHE2048, seeded('s2'));
  t.equal(a.privateKey, b.privateKey, 'same seed, same key');
  t.not(a.privateKey, c.privateKey);
  t.equal(bitLength(a.privateKey), 256, 'ffdhe2048: 256-bit exponent');
  t.equal(bitLength(generateDhKeyPair(MODP_GROUP_14, nodeRandom).privateKey), 320, 'modp14: 320-bit exponent');
  t.equal(toHex(a.publicKey), toHex(bigIntToMinimalBytes(modPow(2n, a.privateKey, FFDHE2048.p))), 'Y = g^x mod p');
  t.not(a.publicKey[0], 0, 'minimal encoding');
  // A group from the wire carries no exponent size: full-size exponent.
  const { p, g } = dhGroupBytes(MODP_GROUP_14);
  const wire = validateDhParams(p, g, 1024);
  t.equal(wire.exponentBits, undefined);
  const full = generateDhKeyPair(wire, nodeRandom);
  t.equal(bitLength(full.privateKey), 2047, 'full-size exponent: bits(p) - 1');
  t.ok(full.privateKey < wire.p - 1n);
  // The far end of the full-size exponent agrees with node too.
  const node = nodeCrypto.createDiffieHellman(p, g);
  node.generateKeys();
  t.equal(
    toHex(dhSharedSecret(wire, full.privateKey, new Uint8Array(node.getPublicKey()))),
    toHex(stripZeros(new Uint8Array(node.computeSecret(full.publicKey)))),
  );
});

t.test('generateDhKeyPair refuses a group whose generator has tiny order', async (t) => {
  // p = 23, g = 22 = p - 1 has order 2 (a broken group that skipped validation).
  const broken: DhGroup = { p: 23n, g: 22n, bits: 5 };
  expectAlert(t, () => generateDhKeyPair(broken, nodeRandom), 47, /degenerate/, 'g = p-1');
});

t.test('validateDhParams', async (t) => {
  const { p, g } = dhGroupBytes(MODP_GROUP_14);
  const ok = validateDhParams(p, g, 2048);
  t.equal(ok.p, MODP_GROUP_14.p);
  t.equal(ok.g, 2n);
  t.equal(ok.bits, 2048);
  t.equal(validateDhParams(concatBytes(new Uint8Array(3), p), concatBytes(new Uint8Array(1), g), 2048).bits, 2048, 'leading zero bytes do not count');

  const p1023 = bigIntToMinimalBytes((1n << 1022n) + 1n + 2n * 12345n);
  expectAlert(t, () => validateDhParams(p1023, g, 1024), 71, /1023 bits is below the minimum of 1024/, '1023-bit p, floor 1024');
  expectAlert(t, () => validateDhParams(p, g, 3072), 71, /2048 bits is below the minimum of 3072/, '2048-bit p, floor 3072');
  expectAlert(t, () => validateDhParams(new Uint8Array(0), g, 512), 71, /0 bits/, 'empty p');
  t.equal(validateDhParams(p1023, g, 1023).bits, 1023, 'at the floor is accepted');

  const even = p.slice();
  even[even.length - 1]! ^= 1;
  expectAlert(t, () => validateDhParams(even, g, 1024), 47, /odd/, 'even p');
  const huge = concatBytes(fromHex('01'), new Uint8Array(1250), fromHex('01'));
  expectAlert(t, () => validateDhParams(huge, g, 1024), 47, new RegExp(`limit of ${DH_MAX_PRIME_BITS} bits`), 'p above the size limit');
  t.equal(validateDhParams(p, g, 1024, 2048).bits, 2048, 'at the size limit is accepted');

  const pv = MODP_GROUP_14.p;
  for (const [name, gv] of [
    ['0', 0n],
    ['1', 1n],
    ['p-1', pv - 1n],
    ['p', pv],
    ['p+1', pv + 1n],
  ] as const) {
    expectAlert(t, () => validateDhParams(p, bigIntToMinimalBytes(gv), 1024), 47, /1 < g < p-1/, `g = ${name}`);
  }
  expectAlert(t, () => validateDhParams(p, new Uint8Array(0), 1024), 47, /1 < g < p-1/, 'empty g');
  t.equal(validateDhParams(p, bigIntToMinimalBytes(pv - 2n), 1024).g, pv - 2n, 'g = p-2 accepted');
});

t.test('validateDhPublic and dhSharedSecret reject out-of-range public values', async (t) => {
  const pv = FFDHE2048.p;
  const x = generateDhKeyPair(FFDHE2048, nodeRandom).privateKey;
  const bad: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['0', fromHex('00')],
    ['1', fromHex('01')],
    ['1 with leading zeros', fromHex('000001')],
    ['p-1', bigIntToMinimalBytes(pv - 1n)],
    ['p', bigIntToMinimalBytes(pv)],
    ['p+2', bigIntToMinimalBytes(pv + 2n)],
    ['longer than p', new Uint8Array(300).fill(0xff)],
  ];
  for (const [name, y] of bad) {
    expectAlert(t, () => validateDhPublic(pv, y), 47, /1 < Y < p-1/, `Y = ${name}`);
    expectAlert(t, () => dhSharedSecret(FFDHE2048, x, y), 47, /1 < Y < p-1/, `shared secret with Y = ${name}`);
  }
  t.equal(validateDhPublic(pv, fromHex('02')), 2n, 'Y = 2 accepted');
  t.equal(validateDhPublic(bigIntToMinimalBytes(pv), bigIntToMinimalBytes(pv - 2n)), pv - 2n, 'Y = p-2 accepted, p as bytes');
  t.equal(toHex(dhSharedSecret(FFDHE2048, 3n, fromHex('02'))), '08', 'Z = 2^3');
});

t.test('dhSharedSecret rejects Z = 1 (peer value of small order)', async (t) => {
  // Toy group p = 23: 2 has order 11, so 2^11 = 1.
  const toy: DhGroup = { p: 23n, g: 5n, bits: 5 };
  expectAlert(t, () => dhSharedSecret(toy, 11n, fromHex('02')), 47, /small order/, 'Z = 1');
  t.equal(toHex(dhSharedSecret(toy, 3n, fromHex('02'))), '08');
});
