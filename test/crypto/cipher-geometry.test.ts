import t from 'tap';
import { CIPHER_GEOMETRY, cipherGeometry } from '../../lib/crypto/cipher-geometry.js';
import { createNativeProvider } from '../../lib/crypto/native.js';
import { pureProvider } from '../../lib/crypto/pure.js';
import type { BulkCipherName, CryptoProvider } from '../../lib/crypto/provider.js';
import { CIPHERS } from '../../lib/suites.js';

const NAMES = Object.keys(CIPHER_GEOMETRY) as BulkCipherName[];

t.test('the suite table reads its provided ciphers from the geometry table', (t) => {
  const provided = Object.values(CIPHERS).filter((c) => c.provider !== null);
  t.same(provided.map((c) => c.provider).sort(), [...NAMES].sort(), 'every geometry row is a suite cipher, and back');
  for (const c of provided) {
    const g = CIPHER_GEOMETRY[c.provider!];
    t.same([c.type, c.keyMaterial, c.expandedKeyMaterial, c.ivSize, c.blockSize, c.effectiveKeyBits], [g.type, g.key, g.key, g.iv, g.block, g.effectiveKeyBits], c.provider!);
  }
  t.equal(cipherGeometry('toString'), undefined, 'only own rows');
  t.end();
});

// Both providers take exactly the geometry's sizes and refuse one byte less, so the key block the
// key schedule cuts from CIPHERS always fits the cipher that consumes it.
for (const [label, provider] of [['pure', pureProvider], ['native', createNativeProvider()]] as [string, CryptoProvider][]) {
  t.test(`${label} provider: key and IV sizes are the geometry table's`, (t) => {
    for (const name of NAMES) {
      const g = CIPHER_GEOMETRY[name];
      const iv = g.iv === 0 ? null : new Uint8Array(g.iv);
      const c = provider.createCipher(name, new Uint8Array(g.key), iv, true);
      const unit = g.block === 0 ? 1 : g.block;
      t.equal(c.update(new Uint8Array(unit * 2)).length, unit * 2, `${name} runs with key ${g.key}, iv ${g.iv}`);
      t.throws(() => provider.createCipher(name, new Uint8Array(g.key - 1), iv, true), RangeError, `${name} refuses a short key`);
      if (g.iv > 0) t.throws(() => provider.createCipher(name, new Uint8Array(g.key), new Uint8Array(g.iv - 1), true), RangeError, `${name} refuses a short IV`);
    }
    t.end();
  });
}
