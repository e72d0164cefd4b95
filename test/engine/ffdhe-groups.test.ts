/**
 * Issue 17 item 5: the RFC 7919 groups table and the server's choice among the client's groups.
 */
import t from 'tap';
import { FFDHE2048, FFDHE3072, FFDHE4096, MODP_GROUP_14 } from '../../lib/crypto/dh.js';
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

t.test('the server picks its own preference among the client groups', async (t) => {
  t.same(FFDHE_GROUPS.ffdhe3072.id, 0x0101);
  t.same(FFDHE_GROUPS.ffdhe4096.id, 0x0102);
  const def = ffdhePreference({});
  t.same(def, ['ffdhe2048', 'ffdhe3072', 'ffdhe4096'], 'ffdhe2048 first by default (speed)');
  t.equal(pickFfdheGroup([0x0102, 0x0101, 0x0100], def)?.name, 'ffdhe2048', 'client order does not matter');
  t.equal(pickFfdheGroup([0x0102, 0x0101], def)?.name, 'ffdhe3072');
  t.equal(pickFfdheGroup([0x0103, 0x0104, 0x0017], def), null, 'no group in common');
  t.same(ffdhePreference({ dhGroup: FFDHE4096 }), ['ffdhe4096', 'ffdhe2048', 'ffdhe3072'], 'a named dhGroup goes first');
  t.same(ffdhePreference({ dhGroup: MODP_GROUP_14 }), def, 'a MODP dhGroup leaves the order alone');
  t.same(ffdhePreference({ dhGroup: FFDHE4096, ffdheGroups: ['ffdhe3072'] }), ['ffdhe3072'], 'ffdheGroups wins');
});

t.test('ffdheGroups is checked when the server is configured', async (t) => {
  t.same(checkFfdhePreference(['ffdhe4096', 'ffdhe2048']), ['ffdhe4096', 'ffdhe2048']);
  for (const bad of [[], ['ffdhe1024'], ['ffdhe2048', 'ffdhe2048'], 'ffdhe2048']) {
    t.throws(() => checkFfdhePreference(bad), TLSConfigError, JSON.stringify(bad));
  }
});
