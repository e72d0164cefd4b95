/**
 * Issue 17 item 5: the RFC 7919 groups table and the server's choice among the client's groups.
 */
import t from 'tap';
import { FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192, MODP_GROUP_14 } from '../../lib/crypto/dh.js';
import { modPow } from '../../lib/crypto/bigint.js';
import { TLSConfigError } from '../../lib/errors.js';
import { FFDHE_GROUPS, checkFfdhePreference, ffdhePreference, pickFfdheGroup } from '../../lib/engine/key-exchange/ffdhe-groups.js';

t.test('ffdhe3072 and ffdhe4096 are safe primes of the right size with 64 one-bits at each end', async (t) => {
  for (const [g, bits] of [[FFDHE3072, 3072], [FFDHE4096, 4096]] as const) {
    t.equal(g.p.toString(2).length, bits, `${bits} bits`);
    t.equal(g.bits, bits);
    t.equal(g.g, 2n);
    t.equal(g.p >> BigInt(bits - 64), (1n << 64n) - 1n, 'top 64 bits set');
    t.equal(g.p & ((1n << 64n) - 1n), (1n << 64n) - 1n, 'low 64 bits set');
    // Fermat tests on p and q = (p-1)/2; 2^q = 1 mod p also shows g = 2 generates the prime-order subgroup.
    t.equal(modPow(2n, g.p - 1n, g.p), 1n, 'p passes Fermat base 2');
    const q = (g.p - 1n) / 2n;
    t.equal(modPow(3n, q - 1n, q), 1n, 'q passes Fermat base 3');
    t.equal(modPow(2n, q, g.p), 1n, 'g = 2 has order q');
  }
  // The shared leading digits of the family, and the distinct tails of RFC 7919 A.2 and A.3.
  t.equal(FFDHE3072.p.toString(16).slice(16, 32), FFDHE2048.p.toString(16).slice(16, 32));
  t.match(FFDHE3072.p.toString(16), /25e41d2b66c62e37ffffffffffffffff$/);
  t.match(FFDHE4096.p.toString(16), /e655f6affffffffffffffff$/);
});

/** floor(2^n · e), from e = sum of 1/k! in fixed point with 64 guard bits. */
function floorPow2TimesE(n: number): bigint {
  const guard = 64n;
  let term = 1n << (BigInt(n) + guard);
  let sum = 0n;
  for (let k = 1n; term > 0n; k++) {
    sum += term;
    term /= k;
  }
  return sum >> guard;
}

t.test('every group is RFC 7919 appendix A: p = 2^b - 2^(b-64) + ([2^(b-130) e] + X) 2^64 - 1', async (t) => {
  // X from RFC 7919 A.1 .. A.5; computing e here checks the hex digits independently of any copy.
  for (const [g, bits, x] of [
    [FFDHE2048, 2048, 560316n],
    [FFDHE3072, 3072, 2625351n],
    [FFDHE4096, 4096, 5736041n],
    [FFDHE6144, 6144, 15705020n],
    [FFDHE8192, 8192, 10965728n],
  ] as const) {
    const b = BigInt(bits);
    t.equal(g.p, (1n << b) - (1n << (b - 64n)) + (floorPow2TimesE(bits - 130) + x) * (1n << 64n) - 1n, `ffdhe${bits}`);
    t.equal(g.bits, bits);
    t.equal(g.g, 2n);
  }
  t.ok(FFDHE6144.exponentBits! >= 375 && FFDHE8192.exponentBits! >= 400, 'RFC 7919 5.2 exponent lengths (375, 400 bits at least)');
});

t.test('the server picks its own preference among the client groups', async (t) => {
  t.same(FFDHE_GROUPS.ffdhe3072.id, 0x0101);
  t.same(FFDHE_GROUPS.ffdhe4096.id, 0x0102);
  t.same(FFDHE_GROUPS.ffdhe6144.id, 0x0103);
  t.same(FFDHE_GROUPS.ffdhe8192.id, 0x0104);
  const def = ffdhePreference({});
  t.same(def, ['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'], 'ffdhe2048 first by default (speed), the big ones last');
  t.equal(pickFfdheGroup([0x0102, 0x0101, 0x0100], def)?.name, 'ffdhe2048', 'client order does not matter');
  t.equal(pickFfdheGroup([0x0102, 0x0101], def)?.name, 'ffdhe3072');
  t.equal(pickFfdheGroup([0x0104, 0x0103, 0x0017], def)?.name, 'ffdhe6144', 'only the big ones listed: the smaller of them');
  t.equal(pickFfdheGroup([0x0105, 0x01ff, 0x0017], def), null, 'no group in common');
  t.same(ffdhePreference({ dhGroup: FFDHE4096 }), ['ffdhe4096', 'ffdhe2048', 'ffdhe3072', 'ffdhe6144', 'ffdhe8192'], 'a named dhGroup goes first');
  t.same(ffdhePreference({ dhGroup: MODP_GROUP_14 }), def, 'a MODP dhGroup leaves the order alone');
  t.same(ffdhePreference({ dhGroup: FFDHE4096, ffdheGroups: ['ffdhe3072'] }), ['ffdhe3072'], 'ffdheGroups wins');
});

t.test('ffdheGroups is checked when the server is configured', async (t) => {
  t.same(checkFfdhePreference(['ffdhe4096', 'ffdhe2048']), ['ffdhe4096', 'ffdhe2048']);
  for (const bad of [[], ['ffdhe1024'], ['ffdhe2048', 'ffdhe2048'], 'ffdhe2048']) {
    t.throws(() => checkFfdhePreference(bad), TLSConfigError, JSON.stringify(bad));
  }
});
