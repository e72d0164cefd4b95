/**
 * The native provider's own behaviour (outputs, argument checks, fallbacks, KeyObject cache, strict
 * mode) and resolveProvider's choices. Known answers for both providers are in providers-kat.test.ts.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDecipheriv, generateKeyPairSync } from 'node:crypto';
import { TLSConfigError } from '../../lib/errors.js';
import { createNativeProvider, nativeProvider, nativeRsaKey, nativeSupports, type NativeCryptoProvider } from '../../lib/crypto/native.js';
import type { BulkCipherName, CryptoProvider } from '../../lib/crypto/provider.js';
import { createPureProvider, pureProvider } from '../../lib/crypto/pure.js';
import { seededRandom } from '../../lib/crypto/random.js';
import { rsaPrivateKey, rsaPublicKey } from '../../lib/crypto/rsa-math.js';
import { isNodeRuntime, nativeProviderAvailable, registerNativeProvider, resolveProvider } from '../../lib/crypto/select.js';
import { concatBytes, fromHex, toHex } from '../../lib/util/bytes.js';
import { repoRoot, vectorPath } from '../helpers/paths.js';

const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 29 + seed * 13) & 0xff);
const isPlainUint8Array = (x: unknown): boolean => x instanceof Uint8Array && Object.getPrototypeOf(x) === Uint8Array.prototype;
const ALL_CIPHERS: BulkCipherName[] = ['rc4', 'des-cbc', '3des-cbc', 'aes-128-cbc', 'aes-256-cbc'];

/** Swaps the registered native factory for the length of `fn`, then puts the real one back. */
function withFactory(factory: Parameters<typeof registerNativeProvider>[0], fn: () => void): void {
  const previous = registerNativeProvider(factory);
  try {
    fn();
  } finally {
    registerNativeProvider(previous);
  }
}

t.test('house rule: only native.ts in lib/crypto imports node:*, and select.ts does not import native.ts', (t) => {
  const dir = join(repoRoot, 'lib', 'crypto');
  const importers = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && /from\s+'node:/.test(readFileSync(join(dir, f), 'utf8')))
    .sort();
  t.same(importers, ['native.ts']);
  t.notMatch(readFileSync(join(dir, 'select.ts'), 'utf8'), /from '\.\/native\.js'|import\('\.\/native/);
  t.end();
});

t.test('what this node:crypto runs natively', (t) => {
  t.equal(isNodeRuntime(), true);
  // OpenSSL 3's default provider has these everywhere Node 20 runs.
  for (const a of ['3des-cbc', 'aes-128-cbc', 'aes-256-cbc', 'md5', 'sha1'] as const) t.equal(nativeSupports(a), true, a);
  const expected = ALL_CIPHERS.filter((c) => !nativeSupports(c));
  t.same(nativeProvider.pureFallbacks, expected, 'pureFallbacks lists exactly what the probe found missing');
  t.equal(nativeProvider.name, 'native');
  t.end();
});

t.test('decipher with auto padding off returns every block at once (the reason one Decipher per direction works)', (t) => {
  const d = createDecipheriv('aes-128-cbc', new Uint8Array(16), new Uint8Array(16));
  d.setAutoPadding(false);
  t.equal(d.update(new Uint8Array(16)).length, 16, 'a single block comes out of the first update');
  const padded = createDecipheriv('aes-128-cbc', new Uint8Array(16), new Uint8Array(16));
  t.equal(padded.update(new Uint8Array(32)).length, 16, 'with padding on, OpenSSL holds the last block back');
  t.end();
});

t.test('every output is a plain Uint8Array, not a Buffer', (t) => {
  const p = nativeProvider;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwk = privateKey.export({ format: 'jwk' });
  const big = (s: string | undefined): bigint => BigInt('0x' + Buffer.from(s!, 'base64url').toString('hex'));
  const key = rsaPrivateKey({ n: big(jwk.n), e: big(jwk.e), d: big(jwk.d), p: big(jwk.p), q: big(jwk.q) });
  const outputs: [string, Uint8Array][] = [
    ['aes-128-cbc', p.createCipher('aes-128-cbc', pattern(16, 1), pattern(16, 2), true).update(pattern(32, 3))],
    ['3des-cbc decrypt', p.createCipher('3des-cbc', pattern(24, 1), pattern(8, 2), false).update(pattern(16, 3))],
    ['rc4', p.createCipher('rc4', pattern(16, 1), null, true).update(pattern(10, 3))],
    ['hmac', p.createMac('sha1', pattern(20, 4)).mac(pattern(5, 5))],
    ['hash', p.hash('md5', pattern(5, 6))],
    ['rsa public', p.rsaPublicRaw(key, Uint8Array.of(9))],
    ['rsa private', p.rsaPrivateRaw(key, Uint8Array.of(9))],
    ['random', p.random(12)],
  ];
  for (const [what, out] of outputs) t.ok(isPlainUint8Array(out), what);
  // A Buffer's slice() would share memory; a Uint8Array's copies.
  const mac = outputs[3]![1];
  const copy = mac.slice();
  copy[0]! ^= 0xff;
  t.not(copy[0], mac[0]);
  t.end();
});

t.test('argument checks match the pure provider', (t) => {
  for (const p of [nativeProvider, pureProvider]) {
    const n = p.name;
    t.throws(() => p.createCipher('aes-128-cbc', pattern(15, 1), pattern(16, 1), true), RangeError, `${n}: key length`);
    t.throws(() => p.createCipher('3des-cbc', pattern(24, 1), pattern(16, 1), true), RangeError, `${n}: IV length`);
    t.throws(() => p.createCipher('3des-cbc', pattern(24, 1), null, true), RangeError, `${n}: CBC needs an IV`);
    t.throws(() => p.createCipher('rc4', pattern(16, 1), pattern(8, 1), true), RangeError, `${n}: RC4 takes no IV`);
    t.throws(() => p.createCipher('rc4', pattern(5, 1), null, true), RangeError, `${n}: TLS RC4 keys are 16 bytes`);
    t.throws(() => p.createCipher('idea-cbc' as BulkCipherName, pattern(16, 1), pattern(8, 1), true), TypeError, `${n}: unknown cipher`);
  }
  t.throws(() => nativeProvider.createMac('sha256' as 'sha1', pattern(20, 1)), TypeError, 'unknown MAC hash');
  t.throws(() => nativeProvider.hash('sha256' as 'sha1'), TypeError, 'unknown hash');
  t.throws(() => nativeProvider.random(-1), RangeError);
  t.end();
});

t.test('a partial CBC block is refused and leaves the chaining state as it was', (t) => {
  for (const [name, keyLen, block] of [['aes-256-cbc', 32, 16], ['3des-cbc', 24, 8]] as const) {
    const key = pattern(keyLen, 7);
    const iv = pattern(block, 8);
    const data = pattern(block * 4, 9);
    const enc = nativeProvider.createCipher(name, key, iv, true);
    t.throws(() => enc.update(data.subarray(0, block + 1)), RangeError, `${name}: ${block + 1} bytes`);
    // node would have buffered those bytes and shifted everything after; we refuse before feeding it.
    t.equal(toHex(enc.update(data)), toHex(pureProvider.createCipher(name, key, iv, true).update(data)), `${name}: next record unaffected`);
    const dec = nativeProvider.createCipher(name, key, iv, false);
    t.throws(() => dec.update(data.subarray(0, 3)), RangeError);
  }
  t.end();
});

t.test('a Mac keeps its own copy of the key', (t) => {
  const key = pattern(20, 10);
  const mac = nativeProvider.createMac('sha1', key);
  const before = toHex(mac.mac(pattern(64, 11)));
  key.fill(0);
  t.equal(toHex(mac.mac(pattern(64, 11))), before);
  t.equal(before, toHex(pureProvider.createMac('sha1', pattern(20, 10)).mac(pattern(64, 11))));
  t.end();
});

t.test('randomness: node CSPRNG by default, injectable', (t) => {
  const a = nativeProvider.random(32);
  const b = nativeProvider.random(32);
  t.equal(a.length, 32);
  t.not(toHex(a), toHex(b));
  t.equal(nativeProvider.random(0).length, 0);
  const seeded = createNativeProvider({ random: seededRandom('native') });
  t.equal(toHex(seeded.random(40)), toHex(seededRandom('native')(40)));
  t.end();
});

t.test('RSA KeyObjects: imported once per key object and cached', (t) => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwk = privateKey.export({ format: 'jwk' });
  const big = (s: string | undefined): bigint => BigInt('0x' + Buffer.from(s!, 'base64url').toString('hex'));
  const params = { n: big(jwk.n), e: big(jwk.e), d: big(jwk.d), p: big(jwk.p), q: big(jwk.q) };
  const key = rsaPrivateKey(params);
  const ko = nativeRsaKey(key, 'private');
  t.ok(ko, 'imported');
  t.equal(ko!.type, 'private');
  t.equal(ko!.asymmetricKeyDetails?.modulusLength, 1024);
  t.equal(nativeRsaKey(key, 'private'), ko, 'the same KeyObject on the second call');
  const pub = nativeRsaKey(key, 'public');
  t.equal(pub!.type, 'public', 'a private key object used for a public operation gets a public KeyObject');
  t.equal(nativeRsaKey(key, 'public'), pub);
  t.not(nativeRsaKey(rsaPrivateKey(params), 'private'), ko, 'an equal but distinct key object gets its own');
  t.same(pub!.export({ format: 'jwk' }), { kty: 'RSA', n: jwk.n, e: jwk.e }, 'the import is the key itself');
  t.end();
});

t.test('an RSA key OpenSSL cannot use runs on the pure code (a 16401-bit peer key: "modulus too large")', (t) => {
  const key = rsaPublicKey((1n << 16400n) + 24691n, 65537n);
  const m = concatBytes(new Uint8Array(key.size - 1), Uint8Array.of(7));
  t.ok(nativeRsaKey(key, 'public'), 'OpenSSL imports it');
  const strict = createNativeProvider({ strict: true, ciphers: ['aes-128-cbc'] });
  for (const p of [nativeProvider, strict]) {
    t.equal(toHex(p.rsaPublicRaw(key, m)), toHex(pureProvider.rsaPublicRaw(key, m)), `${p.name}: same result as pure`);
  }
  t.equal(nativeRsaKey(key, 'public'), null, 'then remembered as unusable');
  t.end();
});

t.test("resolveProvider: 'auto' is the native provider on Node once it is registered", (t) => {
  t.equal(nativeProviderAvailable(), true, 'importing native.ts registered it');
  t.equal(resolveProvider(), nativeProvider, 'undefined means auto');
  t.equal(resolveProvider('auto'), nativeProvider, 'the shared instance, no new provider per connection');
  const seeded = resolveProvider('auto', { random: seededRandom('auto') });
  t.equal(seeded.name, 'native');
  t.not(seeded, nativeProvider);
  t.equal(toHex(seeded.random(20)), toHex(seededRandom('auto')(20)), 'options.random is its random');
  t.end();
});

t.test("resolveProvider: 'pure' and provider objects", (t) => {
  t.equal(resolveProvider('pure'), pureProvider);
  const seeded = resolveProvider('pure', { random: seededRandom('p') });
  t.equal(seeded.name, 'pure');
  t.equal(toHex(seeded.random(8)), toHex(seededRandom('p')(8)));
  const custom: CryptoProvider = { ...createPureProvider(), name: 'custom' };
  t.equal(resolveProvider(custom), custom, 'passed through as it is');
  t.equal(resolveProvider(custom, { random: seededRandom('ignored') }), custom, 'its own random is kept');
  const err = t.throws(() => resolveProvider({ name: 'half', hash: () => new Uint8Array(0) } as unknown as CryptoProvider), TLSConfigError) as TLSConfigError;
  t.equal(err.code, 'ERR_TLS_INVALID_CONFIG');
  t.match(err.message, /lacks createCipher, createMac, rsaPublicRaw, rsaPrivateRaw, random/);
  t.throws(() => resolveProvider('openssl' as 'auto'), { name: 'TLSConfigError', message: /expected 'auto', 'pure', 'native'/ });
  t.throws(() => resolveProvider(null as unknown as 'auto'), TLSConfigError);
  t.end();
});

t.test("resolveProvider: 'native' is strict about the ciphers it must run", (t) => {
  const aesOnly = resolveProvider('native', { ciphers: ['aes-128-cbc', 'aes-256-cbc', '3des-cbc'] }) as NativeCryptoProvider;
  t.equal(aesOnly.name, 'native');
  const out = aesOnly.createCipher('aes-128-cbc', pattern(16, 1), pattern(16, 2), true).update(pattern(16, 3));
  t.equal(toHex(out), toHex(pureProvider.createCipher('aes-128-cbc', pattern(16, 1), pattern(16, 2), true).update(pattern(16, 3))));
  const missing = ALL_CIPHERS.filter((c) => !nativeSupports(c));
  if (missing.length > 0) {
    // Stock Node 20 (OpenSSL 3 default provider): RC4 and single DES are missing.
    t.throws(() => resolveProvider('native'), { name: 'TLSConfigError', message: new RegExp(`cannot run ${missing.join(', ')}.*--openssl-legacy-provider.*'auto'`) });
    t.throws(() => aesOnly.createCipher(missing[0]!, pattern(missing[0] === 'des-cbc' ? 8 : 16, 1), missing[0] === 'rc4' ? null : pattern(8, 2), true), TLSConfigError, 'a strict provider never falls back');
  } else {
    t.equal(resolveProvider('native').name, 'native', 'everything is native here (legacy provider loaded)');
    t.same((resolveProvider('native') as NativeCryptoProvider).pureFallbacks, []);
  }
  t.end();
});

t.test('a missing algorithm, simulated by the factory: strict throws, auto falls back to pure', (t) => {
  withFactory((o) => createNativeProvider({ ...o, exclude: ['aes-256-cbc', 'md5'] }), () => {
    const err = t.throws(() => resolveProvider('native', { ciphers: ['aes-256-cbc'] }), TLSConfigError) as TLSConfigError;
    t.match(err.message, /cannot run aes-256-cbc, md5 on this node:crypto/);
    t.notMatch(err.message, /legacy/, 'the legacy-provider hint is only for RC4 and DES');
    t.throws(() => resolveProvider('native', { ciphers: ['aes-128-cbc'] }), { message: /cannot run md5/ }, 'the hashes are always required');

    const auto = resolveProvider('auto') as NativeCryptoProvider;
    t.equal(auto.name, 'native');
    t.not(auto, nativeProvider, 'the registered factory is used');
    t.equal(resolveProvider('auto'), auto, 'and its provider cached');
    t.ok(auto.pureFallbacks.includes('aes-256-cbc') && auto.pureFallbacks.includes('md5'));
    const key = pattern(32, 1);
    const iv = pattern(16, 2);
    const enc = auto.createCipher('aes-256-cbc', key, iv, true);
    t.equal(toHex(concatBytes(enc.update(pattern(32, 3)), enc.update(pattern(16, 4)))), toHex(pureProvider.createCipher('aes-256-cbc', key, iv, true).update(concatBytes(pattern(32, 3), pattern(16, 4)))));
    t.equal(toHex(auto.hash('md5')), 'd41d8cd98f00b204e9800998ecf8427e');
    t.equal(toHex(auto.createMac('md5', new Uint8Array(0)).mac()), '74e6f7298a9c2d168935f58c001bad88');
  });
  t.equal(resolveProvider('auto'), nativeProvider, 'the real factory is back');
  t.end();
});

t.test('no native provider registered: auto means pure, native is a clear error', (t) => {
  withFactory(undefined, () => {
    t.equal(nativeProviderAvailable(), false);
    t.equal(resolveProvider('auto'), pureProvider);
    t.equal(resolveProvider('auto', { random: seededRandom('x') }).name, 'pure');
    t.throws(() => resolveProvider('native'), { name: 'TLSConfigError', message: /native provider is not loaded/ });
  });
  withFactory(() => {
    throw new Error('node:crypto is broken here');
  }, () => {
    t.equal(resolveProvider('auto'), pureProvider, 'auto never throws');
    t.throws(() => resolveProvider('native'), /broken/);
  });
  t.end();
});

t.test('with OpenSSL\'s legacy provider loaded, RC4 and single DES run natively and pass their vectors', (t) => {
  // The only way to get RC4/DES into node:crypto is at start-up, so this runs in a child process.
  const script = `
    import { createNativeProvider } from ${JSON.stringify(pathToFileURL(join(repoRoot, 'dist', 'lib', 'crypto', 'native.js')).href)};
    import { readFileSync } from 'node:fs';
    const p = createNativeProvider({ strict: true });
    const hex = (b) => Buffer.from(b).toString('hex');
    const rc4 = JSON.parse(readFileSync(${JSON.stringify(vectorPath('rc4-rfc6229.json'))}, 'utf8')).cases
      .filter((c) => c.key.length === 32)
      .map((c) => { const r = p.createCipher('rc4', Buffer.from(c.key, 'hex'), null, true); return hex(Buffer.concat([r.update(new Uint8Array(100)), r.update(new Uint8Array(4012))])); });
    const des = JSON.parse(readFileSync(${JSON.stringify(vectorPath('des.json'))}, 'utf8')).cases.filter((c) => c.mode === 'cbc')
      .map((c) => hex(p.createCipher('des-cbc', Buffer.from(c.key, 'hex'), Buffer.from(c.iv, 'hex'), true).update(Buffer.from(c.plaintext, 'hex'))));
    console.log(JSON.stringify({ fallbacks: p.pureFallbacks, rc4, des }));
  `;
  const out = execFileSync(process.execPath, ['--openssl-legacy-provider', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const result = JSON.parse(out) as { fallbacks: string[]; rc4: string[]; des: string[] };
  t.same(result.fallbacks, [], 'strict native provider, nothing falls back');
  const rc4Cases = (JSON.parse(readFileSync(vectorPath('rc4-rfc6229.json'), 'utf8')) as { cases: { key: string; keystream: { offset: number; hex: string }[] }[] }).cases.filter((c) => c.key.length === 32);
  t.equal(result.rc4.length, 2);
  rc4Cases.forEach((c, i) => {
    const stream = fromHex(result.rc4[i]!);
    for (const k of c.keystream) t.equal(toHex(stream.subarray(k.offset, k.offset + 16)), k.hex, `native RC4 key ${c.key} offset ${k.offset}`);
  });
  t.same(result.des, ['e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6'], 'native DES-CBC, FIPS 81 Appendix C');
  t.end();
});
